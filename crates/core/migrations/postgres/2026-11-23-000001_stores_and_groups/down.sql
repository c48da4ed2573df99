DROP TABLE customer_groups;
DROP TABLE stores;
DROP TABLE store_groups;
DROP TABLE store_websites;

DROP TABLE customer_addresses;
DROP TABLE customers;

DROP INDEX customers_created_at;
DROP INDEX customers_lastname_pattern;
DROP INDEX customers_firstname_pattern;
DROP INDEX customers_email_pattern;
ALTER TABLE access_tokens DROP COLUMN integration_id;
ALTER TABLE access_tokens DROP COLUMN admin_id;
DROP TABLE integrations;
DROP TABLE admin_users;

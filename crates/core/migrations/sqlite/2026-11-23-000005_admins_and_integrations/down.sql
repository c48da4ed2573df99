DROP INDEX customers_created_at;
DROP INDEX customers_lastname_nocase;
DROP INDEX customers_firstname_nocase;
DROP INDEX customers_email_nocase;
ALTER TABLE access_tokens DROP COLUMN integration_id;
ALTER TABLE access_tokens DROP COLUMN admin_id;
DROP TABLE integrations;
DROP TABLE admin_users;

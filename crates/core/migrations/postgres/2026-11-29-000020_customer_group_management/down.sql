DROP TABLE core_config_data;
DROP TABLE tax_classes;
DROP INDEX customer_groups_code_normalized_unique;
ALTER TABLE customer_groups DROP COLUMN customer_group_code_normalized;
ALTER TABLE customer_groups ALTER COLUMN customer_group_id DROP IDENTITY;

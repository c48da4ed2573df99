ALTER TABLE customers DROP COLUMN assistance_allowed;

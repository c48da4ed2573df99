-- Login as Customer's consent (Magento keeps it as a row of login_as_customer_assistance_allowed;
-- here one flag per customer, read with the customer at no extra query).
ALTER TABLE customers ADD COLUMN assistance_allowed BOOLEAN NOT NULL DEFAULT FALSE;

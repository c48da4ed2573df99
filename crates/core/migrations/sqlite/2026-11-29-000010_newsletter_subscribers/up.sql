-- Guest newsletter subscriptions (Magento's newsletter_subscriber rows without a customer):
-- a customer's own subscription stays on customers.is_subscribed.
CREATE TABLE newsletter_subscribers (
    subscriber_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    website_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    -- The e-mail as sent, and lower-cased for lookups (one row per e-mail and website).
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    -- Magento's subscriber_status: 1 subscribed, 2 not active, 3 unsubscribed, 4 unconfirmed.
    status INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (website_id, email_normalized)
);

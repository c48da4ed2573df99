-- Bearer tokens. Only the SHA-256 of a token is stored; the token itself is shown once.
CREATE TABLE access_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    token_hash TEXT NOT NULL,
    -- Magento's UserContextInterface numbering: 1 integration, 2 admin, 3 customer.
    user_type SMALLINT NOT NULL,
    customer_id INTEGER REFERENCES customers (entity_id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE UNIQUE INDEX access_tokens_hash_unique ON access_tokens (token_hash);
CREATE INDEX access_tokens_customer_id ON access_tokens (customer_id);

-- Failed token requests per username (Magento oauth_token_request_log, RequestThrottler).
CREATE TABLE token_request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username TEXT NOT NULL,
    -- Magento's RequestThrottler numbering: 2 customer, 3 admin.
    user_type SMALLINT NOT NULL,
    failures_count INTEGER NOT NULL,
    lock_expires_at TIMESTAMP NOT NULL
);

CREATE UNIQUE INDEX token_request_log_unique ON token_request_log (username, user_type);

-- Password-reset requests, for Magento's per-e-mail and per-IP limits
-- (Magento_Security password_reset_request_event).
CREATE TABLE password_reset_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- The e-mail as requested, lower-cased, and the client's IP address.
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX password_reset_requests_email ON password_reset_requests (email, created_at);
CREATE INDEX password_reset_requests_ip ON password_reset_requests (ip, created_at);

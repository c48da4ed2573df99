DROP TABLE token_request_log;
DROP TABLE access_tokens;

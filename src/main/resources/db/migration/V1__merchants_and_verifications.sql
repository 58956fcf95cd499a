-- Written to run unchanged on H2 and PostgreSQL.

CREATE TABLE merchant (
    merchant_id           VARCHAR(64)   NOT NULL PRIMARY KEY,
    -- credentials: base64(IV || AES-256-GCM ciphertext || tag), merchant id as associated data
    yotpo_api_key         VARCHAR(1024) NOT NULL,
    yotpo_guid            VARCHAR(1024) NOT NULL,
    webhook_secret        VARCHAR(1024) NOT NULL,
    webhook_auth          VARCHAR(16)   NOT NULL,
    enabled               BOOLEAN       NOT NULL,
    -- JSON object: campaign -> Yotpo action name
    action_overrides      VARCHAR(8000) NOT NULL,
    rate_limit_per_second INTEGER       NOT NULL,
    updated_at            TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per (merchant, verification): the ledger that makes an award happen once,
-- and the delivery queue (status PENDING and next_attempt_at due).
CREATE TABLE verification (
    merchant_id      VARCHAR(64)  NOT NULL,
    verification_id  VARCHAR(128) NOT NULL,
    campaign         VARCHAR(63)  NOT NULL,
    email            VARCHAR(254) NOT NULL,
    verified_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    -- PENDING, SENDING (an attempt is under way), DELIVERED, FAILED, UNKNOWN, IGNORED;
    -- PENDING and UNKNOWN rows with a due next_attempt_at are the delivery queue
    status           VARCHAR(16)  NOT NULL,
    action_name      VARCHAR(255),
    attempts         INTEGER      NOT NULL,
    last_error       VARCHAR(1000),
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    lease_until      TIMESTAMP WITH TIME ZONE,
    -- TRUE after an attempt whose outcome is unknown: Yotpo's history is asked before any new call
    check_first      BOOLEAN      NOT NULL,
    -- how many times Yotpo's history could not be read for an UNKNOWN verification
    checks_failed    INTEGER      NOT NULL,
    delivered_at     TIMESTAMP WITH TIME ZONE,
    failed_at        TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (merchant_id, verification_id)
);

CREATE INDEX verification_due ON verification (status, merchant_id, next_attempt_at);

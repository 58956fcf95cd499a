-- What several instances on one database share (contract 8). Runs unchanged on H2 and PostgreSQL.

-- Each merchant's rate limit as slot rows (see delivery.MerchantRateLimiter): a call holds a slot
-- from its permit until one window past its answer; a slot is free once busy_until has passed
-- by the database's clock. holder names the permit, so only its own call releases the slot.
CREATE TABLE rate_slot (
    merchant_id  VARCHAR(64) NOT NULL,
    slot_no      INTEGER     NOT NULL,
    busy_until   TIMESTAMP WITH TIME ZONE NOT NULL,
    holder       VARCHAR(64),
    PRIMARY KEY (merchant_id, slot_no)
);

-- After Yotpo's 429, no instance calls for the merchant until then.
ALTER TABLE merchant ADD COLUMN paused_until TIMESTAMP WITH TIME ZONE;

-- Inbox files being read (see filedrop.InboxClaims): one instance holds a file while it reads it,
-- renewing lease_until; an instance that died lets go when its lease ends.
CREATE TABLE inbox_claim (
    file_key     VARCHAR(1024) NOT NULL PRIMARY KEY,
    holder       VARCHAR(64)   NOT NULL,
    lease_until  TIMESTAMP WITH TIME ZONE NOT NULL
);

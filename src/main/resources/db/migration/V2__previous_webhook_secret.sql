-- Webhook secret rotation: while a merchant moves to a new secret, the old one still verifies.
-- Encrypted like the other credentials; NULL when no rotation is under way. Runs on H2 and PostgreSQL.
ALTER TABLE merchant ADD COLUMN previous_webhook_secret VARCHAR(1024);

-- One row that the readiness check writes (ops.DatabaseHealthCheck): a store that still reads but can no
-- longer write (its disk full) answers every webhook 503, so it is not ready. Runs on H2 and PostgreSQL.
CREATE TABLE store_probe (
    id         INT PRIMARY KEY,
    checked_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO store_probe (id, checked_at) VALUES (1, CURRENT_TIMESTAMP);

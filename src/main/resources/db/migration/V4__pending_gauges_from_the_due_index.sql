-- The due index also carries received_at, so that the pending gauges (ops.BridgeMetrics: how many
-- verifications wait and since when the oldest) are read from the index alone, never from the rows:
-- over a back-log of 1.4 million the row-by-row read took 5 s of CPU (BENCHMARKS.md, session 30).
-- The index stays one write per change of status or due time (received_at never changes), and its
-- first three columns keep the order the claims read it in. Runs on H2 and PostgreSQL.
DROP INDEX verification_due;
CREATE INDEX verification_due ON verification (status, merchant_id, next_attempt_at, received_at);

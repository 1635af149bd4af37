-- Idempotency keys keep the first answer's headers, and expire.
--
-- A replay answers what the first request answered: its status and body, and
-- now its ETag and Location too (NULL: the answer had none; keys stored
-- before this migration replay without them, for the day they have left).
--
-- A key is kept ERP_IDEMPOTENCY_RETENTION_HOURS (at least 24) after its first
-- request; past that the server treats it as absent and replaces its row,
-- and every stored key deletes a small batch of expired ones, oldest first
-- (platform/db/idempotency.c). The index serves that batch and the lookup's
-- age test, so the table stays bounded without a scan.
ALTER TABLE platform.idempotency_keys
    ADD COLUMN location text CHECK (length(location) BETWEEN 1 AND 2048),
    ADD COLUMN etag text CHECK (length(etag) BETWEEN 1 AND 200);

CREATE INDEX idempotency_keys_created_at ON platform.idempotency_keys (created_at);

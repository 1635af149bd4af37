-- Domain events: the platform's transactional outbox (docs/events.md; the
-- design and why: docs/architecture.md, "Domain events").
--
-- A use case records an event with platform/events.h in the same transaction
-- as the change it reports, so the two commit or vanish together. Each
-- company has its own stream, and company-less events (users, roles) share
-- the global stream. Within a stream every event gets the next number, with
-- no gaps, in the order the events commit:
--
--   the number is taken from the stream's row in platform_event_streams,
--   whose row lock is held until the recording transaction ends. A second
--   transaction recording into the same stream waits for that lock, and gets
--   its number only once the first has committed (and become visible) or
--   rolled back (its number is given back with it). A reader's snapshot
--   therefore never holds event N+1 of a stream without event N, and a
--   reader paging with after=N never skips an event that commits later with
--   a smaller number: none can.
--
-- The database numbers and stamps the rows itself (a BEFORE INSERT trigger),
-- whoever inserts: the server cannot choose a number or a time.

CREATE TABLE platform_event_streams (
    stream        uuid PRIMARY KEY,         -- the company's id; the nil UUID for the global stream
    last_sequence bigint NOT NULL CHECK (last_sequence > 0)
);

CREATE TABLE platform_events (
    id          uuid PRIMARY KEY,           -- made by the server (UUIDv7): consumers de-duplicate by it
    company_id  uuid,                       -- the company's stream; NULL: the global stream
    sequence    bigint NOT NULL CHECK (sequence > 0),
    type        text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$'
                                     AND length(type) <= 100),
    entity      text NOT NULL CHECK (length(entity) BETWEEN 1 AND 64),
    entity_id   text NOT NULL CHECK (length(entity_id) BETWEEN 1 AND 100),
    actor_id    uuid,                       -- the user who caused it; NULL: the system
    request_id  text,                       -- joins the event to the audit trail and the logs
    payload     jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    occurred_at timestamptz NOT NULL
);
-- One numbering per stream; the readers page along these indexes.
CREATE UNIQUE INDEX platform_events_company_sequence ON platform_events (company_id, sequence)
    WHERE company_id IS NOT NULL;
CREATE UNIQUE INDEX platform_events_global_sequence ON platform_events (sequence)
    WHERE company_id IS NULL;

-- Payloads never carry secrets: no key at any depth may name one (the
-- server refuses such a payload before it gets here, platform/events.c).
ALTER TABLE platform_events ADD CONSTRAINT platform_events_no_secrets CHECK (NOT jsonb_path_exists(
    payload,
    'strict $.** ? (@.type() == "object").keyvalue() ? (@.key like_regex "^(password|password_hash|token|token_hash|secret|api_key|private_key)$" flag "i")'));

-- The number and the time, whatever the inserter sent. SECURITY DEFINER: the
-- counters belong to the owner, and erp_app holds no right on them at all, so
-- it cannot skip, reuse or reset a number.
CREATE FUNCTION platform_events_number() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO platform_event_streams AS s (stream, last_sequence)
    VALUES (coalesce(NEW.company_id, '00000000-0000-0000-0000-000000000000'::uuid), 1)
    ON CONFLICT (stream) DO UPDATE SET last_sequence = s.last_sequence + 1
    RETURNING s.last_sequence INTO NEW.sequence;
    NEW.occurred_at := now();
    RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION platform_events_number() FROM PUBLIC;
CREATE TRIGGER platform_events_number
    BEFORE INSERT ON platform_events
    FOR EACH ROW EXECUTE FUNCTION platform_events_number();
ALTER TABLE platform_events ENABLE ALWAYS TRIGGER platform_events_number;

-- Append-only, like the audit trail: for every role, the owner included, and
-- for replication roles too.
CREATE TRIGGER platform_events_no_update_delete
    BEFORE UPDATE OR DELETE ON platform_events
    FOR EACH ROW EXECUTE FUNCTION erp_reject_change();
CREATE TRIGGER platform_events_no_truncate
    BEFORE TRUNCATE ON platform_events
    FOR EACH STATEMENT EXECUTE FUNCTION erp_reject_change();
ALTER TABLE platform_events ENABLE ALWAYS TRIGGER platform_events_no_update_delete;
ALTER TABLE platform_events ENABLE ALWAYS TRIGGER platform_events_no_truncate;

-- A counter only ever moves on by one; removing it would restart a stream.
CREATE FUNCTION platform_event_streams_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stream <> OLD.stream OR NEW.last_sequence <> OLD.last_sequence + 1 THEN
        RAISE EXCEPTION 'an event stream''s counter only moves on by one'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER platform_event_streams_forward
    BEFORE UPDATE ON platform_event_streams
    FOR EACH ROW EXECUTE FUNCTION platform_event_streams_forward();
CREATE TRIGGER platform_event_streams_no_delete
    BEFORE DELETE ON platform_event_streams
    FOR EACH ROW EXECUTE FUNCTION erp_reject_change();
CREATE TRIGGER platform_event_streams_no_truncate
    BEFORE TRUNCATE ON platform_event_streams
    FOR EACH STATEMENT EXECUTE FUNCTION erp_reject_change();
ALTER TABLE platform_event_streams ENABLE ALWAYS TRIGGER platform_event_streams_forward;
ALTER TABLE platform_event_streams ENABLE ALWAYS TRIGGER platform_event_streams_no_delete;
ALTER TABLE platform_event_streams ENABLE ALWAYS TRIGGER platform_event_streams_no_truncate;

-- Grants. The default privileges (migration 20261203000900_database_roles)
-- gave erp_app SELECT, INSERT, UPDATE, DELETE on both tables: the server
-- appends events and reads them, and never touches the counters (the trigger
-- does, as the owner). erp_scripts gets nothing (the default).
REVOKE ALL ON platform_events FROM erp_app;
GRANT SELECT, INSERT ON platform_events TO erp_app;
REVOKE ALL ON platform_event_streams FROM erp_app;

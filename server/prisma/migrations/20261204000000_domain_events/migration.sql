-- Domain events: the platform's transactional outbox (docs/events.md; the
-- design and why: docs/architecture.md, "Domain events").
--
-- A use case records an event with platform/events.h in the same transaction
-- as the change it reports, so the two commit or vanish together. Each
-- company has its own stream, and company-less events (users, roles) share
-- the global stream. Within a stream every event gets a number, with no gaps,
-- in the order the events are published:
--
--   writers do not number: an event is inserted without one, so recording an
--   event takes no lock and writers to one company never queue behind each
--   other's commit. A reader first publishes (platform_events_publish): under
--   the stream's row lock, in a statement that starts after the lock is
--   granted, it numbers every event of the stream that is committed and not
--   yet numbered, in id (time) order, and commits. Only committed events are
--   visible to it, so a number is never given to an event that could still
--   roll back, and an event that commits later gets a later number. One
--   publication commits before the next can start, so a reader's snapshot
--   holds a stream's events 1..N and none beyond: paging with after=N never
--   skips an event.
--
-- The database stamps the time and keeps the number out of the inserter's
-- hands (a BEFORE INSERT trigger), whoever inserts.

CREATE TABLE platform_event_streams (
    stream        uuid PRIMARY KEY,         -- the company's id; the nil UUID for the global stream
    last_sequence bigint NOT NULL CHECK (last_sequence >= 0)
);

CREATE TABLE platform_events (
    id          uuid PRIMARY KEY,           -- made by the server (UUIDv7): consumers de-duplicate by it
    company_id  uuid,                       -- the company's stream; NULL: the global stream
    sequence    bigint CHECK (sequence > 0), -- NULL until published
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
-- What the next publication numbers.
CREATE INDEX platform_events_unpublished ON platform_events (company_id, id)
    WHERE sequence IS NULL;

-- Payloads never carry secrets: no key at any depth may name one (the
-- server refuses such a payload before it gets here, platform/events.c).
ALTER TABLE platform_events ADD CONSTRAINT platform_events_no_secrets CHECK (NOT jsonb_path_exists(
    payload,
    'strict $.** ? (@.type() == "object").keyvalue() ? (@.key like_regex "^(password|password_hash|token|token_hash|secret|api_key|private_key)$" flag "i")'));

-- The time, whatever the inserter sent, and no number: numbers are given by
-- publishing only.
CREATE FUNCTION platform_events_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.sequence := NULL;
    NEW.occurred_at := now();
    RETURN NEW;
END;
$$;
CREATE TRIGGER platform_events_stamp
    BEFORE INSERT ON platform_events
    FOR EACH ROW EXECUTE FUNCTION platform_events_stamp();
ALTER TABLE platform_events ENABLE ALWAYS TRIGGER platform_events_stamp;

-- Numbers the committed, unnumbered events of one stream (the nil UUID: the
-- global stream) and returns how many. SECURITY DEFINER: the counters and the
-- numbering belong to the owner; erp_app may only call this, so it cannot
-- skip, reuse or choose a number.
CREATE FUNCTION platform_events_publish(p_stream uuid) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    last bigint;
    numbered bigint;
BEGIN
    INSERT INTO platform_event_streams AS s (stream, last_sequence) VALUES (p_stream, 0)
    ON CONFLICT (stream) DO NOTHING;
    -- The stream's lock; what follows reads a snapshot taken after it is granted.
    SELECT last_sequence INTO last FROM platform_event_streams WHERE stream = p_stream FOR UPDATE;
    WITH todo AS (
        SELECT id, row_number() OVER (ORDER BY id) AS n FROM platform_events
         WHERE sequence IS NULL
           AND company_id IS NOT DISTINCT FROM nullif(p_stream, '00000000-0000-0000-0000-000000000000'::uuid))
    UPDATE platform_events e SET sequence = last + todo.n FROM todo WHERE e.id = todo.id;
    GET DIAGNOSTICS numbered = ROW_COUNT;
    IF numbered > 0 THEN
        UPDATE platform_event_streams SET last_sequence = last + numbered WHERE stream = p_stream;
    END IF;
    RETURN numbered;
END;
$$;
REVOKE ALL ON FUNCTION platform_events_publish(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform_events_publish(uuid) TO erp_app;

-- Append-only, like the audit trail, for every role, the owner included, and
-- for replication roles too: the one change an event ever sees is getting its
-- number, once.
CREATE FUNCTION platform_events_numbered_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.sequence IS NULL AND NEW.sequence IS NOT NULL
       AND (NEW.id, NEW.company_id, NEW.type, NEW.entity, NEW.entity_id, NEW.actor_id,
            NEW.request_id, NEW.payload, NEW.occurred_at)
           IS NOT DISTINCT FROM (OLD.id, OLD.company_id, OLD.type, OLD.entity, OLD.entity_id,
            OLD.actor_id, OLD.request_id, OLD.payload, OLD.occurred_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table platform_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER platform_events_no_update_delete
    BEFORE UPDATE OR DELETE ON platform_events
    FOR EACH ROW EXECUTE FUNCTION platform_events_numbered_once();
CREATE TRIGGER platform_events_no_truncate
    BEFORE TRUNCATE ON platform_events
    FOR EACH STATEMENT EXECUTE FUNCTION erp_reject_change();
ALTER TABLE platform_events ENABLE ALWAYS TRIGGER platform_events_no_update_delete;
ALTER TABLE platform_events ENABLE ALWAYS TRIGGER platform_events_no_truncate;

-- A counter only ever moves on; removing it would restart a stream.
CREATE FUNCTION platform_event_streams_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stream <> OLD.stream OR NEW.last_sequence <= OLD.last_sequence THEN
        RAISE EXCEPTION 'an event stream''s counter only moves on'
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
-- appends events and reads them, and never touches the counters or a number
-- (platform_events_publish does, as the owner). erp_scripts gets nothing (the default).
REVOKE ALL ON platform_events FROM erp_app;
GRANT SELECT, INSERT ON platform_events TO erp_app;
REVOKE ALL ON platform_event_streams FROM erp_app;

-- The audit trail of the governed admin scripts (server/scripts, ARCHITECTURE.md §7).
--
-- Every run of an admin executable writes two rows: phase 'start' (committed
-- in its own transaction before any work, so a run killed half-way stays
-- visible as a start without an end) and phase 'end' (committed with the
-- work when it succeeds; written in a fresh transaction after the rollback
-- when it failed, was refused or was a dry run).
--
-- Rows are hash-chained: row_hash = BLAKE2b-256(prev_hash || canonical
-- encoding of the row's columns), prev_hash = the row_hash of the row before
-- it in id order (32 zero bytes for the first row). The encoding is defined
-- in server/src/shared-kernel/audit_chain.h; appends serialize on an advisory
-- lock so two runs cannot fork the chain; `erp-server audit verify-scripts`
-- recomputes the chain and names the first broken row.
CREATE TABLE script_executions (
    id               bigserial PRIMARY KEY,  -- chain order
    run_id           uuid NOT NULL,          -- the same for a run's start and end rows
    phase            text NOT NULL CHECK (phase IN ('start', 'end')),
    script           text NOT NULL,          -- 'seed-roles' (executable erp-seed-roles)
    environment      text NOT NULL CHECK (environment IN ('development', 'test', 'staging', 'production')),
    host             text NOT NULL,          -- the machine the script ran on
    executor_os_user text NOT NULL,          -- effective OS user
    sudo_user        text,                   -- SUDO_USER when run through sudo
    executor         text,                   -- --executor, as given
    arguments        jsonb NOT NULL,         -- the command line as flags; secrets never
    reason           text,                   -- --reason (the change ticket)
    dry_run          boolean NOT NULL,
    status           text NOT NULL CHECK (status IN ('started', 'succeeded', 'failed', 'refused', 'dry-run')),
    exit_code        integer,                -- sysexits.h code of the end row
    message          text,                   -- the error or refusal line, as printed on stderr
    affected         jsonb,                  -- {"table": rows changed} (end rows)
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz,
    binary_version   text NOT NULL,
    database_name    text NOT NULL,
    prev_hash        bytea NOT NULL CHECK (length(prev_hash) = 32),
    row_hash         bytea NOT NULL CHECK (length(row_hash) = 32),
    CHECK ((phase = 'start') = (status = 'started')),
    CHECK ((phase = 'end') = (ended_at IS NOT NULL AND exit_code IS NOT NULL AND affected IS NOT NULL))
);
CREATE UNIQUE INDEX script_executions_run_phase ON script_executions (run_id, phase);
CREATE INDEX script_executions_script ON script_executions (script, started_at);

-- Append-only, exactly like audit_events.
CREATE TRIGGER script_executions_no_update_delete
    BEFORE UPDATE OR DELETE ON script_executions
    FOR EACH ROW EXECUTE FUNCTION erp_reject_change();
CREATE TRIGGER script_executions_no_truncate
    BEFORE TRUNCATE ON script_executions
    FOR EACH STATEMENT EXECUTE FUNCTION erp_reject_change();
ALTER TABLE script_executions ENABLE ALWAYS TRIGGER script_executions_no_update_delete;
ALTER TABLE script_executions ENABLE ALWAYS TRIGGER script_executions_no_truncate;

-- The default privileges of the IAM migration granted erp_app SELECT,
-- INSERT, UPDATE, DELETE on this table; the trail only grows.
REVOKE UPDATE, DELETE, TRUNCATE ON script_executions FROM erp_app;
GRANT USAGE, SELECT ON SEQUENCE script_executions_id_seq TO erp_app;

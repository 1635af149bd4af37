-- The first migration: extensions and helpers every later migration may use.
-- (schema_migrations itself is created by `erp-server migrate`.)

-- Rejects UPDATE, DELETE and TRUNCATE on append-only tables (audit trails).
CREATE FUNCTION erp_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- A function that runs with its owner's rights names pg_temp last on its
-- search_path (as ledger.ledger_seal() of 20261218000000 does): unnamed,
-- PostgreSQL searches the caller's temporary schema first for tables and
-- views, so a caller's temporary view could stand in for a table that the
-- function, or a trigger it fires, names without its schema.
ALTER FUNCTION public.platform_events_publish(uuid) SET search_path = pg_catalog, platform, pg_temp;

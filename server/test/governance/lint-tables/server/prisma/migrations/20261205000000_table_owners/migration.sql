-- The owners' schemas; the tables move into them.
CREATE FUNCTION platform_module_schema(p_module text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', p_module);
    -- a table in a function's body is not one this migration creates
    EXECUTE 'CREATE TABLE decoy (id int)';
END;
$$;
SELECT platform_module_schema('platform');
SELECT platform_module_schema('alpha');
ALTER TABLE things SET SCHEMA alpha;
ALTER TABLE alpha_parts SET SCHEMA alpha;
ALTER TABLE permissions SET SCHEMA platform; /* CREATE TABLE in a comment is not one either */

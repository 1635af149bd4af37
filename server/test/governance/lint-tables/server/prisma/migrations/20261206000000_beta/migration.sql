-- Beta: its schema, a table, and a view and a function it exports.
SELECT platform_module_schema('beta');
CREATE TABLE beta.beta_orders (
    id       uuid PRIMARY KEY,
    thing_id uuid NOT NULL REFERENCES alpha.things (id),
    amount   bigint NOT NULL
);
CREATE VIEW beta.beta_totals AS
    SELECT thing_id, sum(amount) AS amount FROM beta.beta_orders GROUP BY thing_id;
-- An order's row share-locked for another module's statement: FOR SHARE OF beta_orders there would name beta's table.
CREATE FUNCTION beta_order_share_lock(p_order uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM beta.beta_orders WHERE id = p_order FOR SHARE;
    RETURN FOUND;
END;
$$;

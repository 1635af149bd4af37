-- Beta: its schema, a table and a view it exports.
SELECT platform_module_schema('beta');
CREATE TABLE beta.beta_orders (
    id       uuid PRIMARY KEY,
    thing_id uuid NOT NULL REFERENCES alpha.things (id),
    amount   bigint NOT NULL
);
CREATE VIEW beta.beta_totals AS
    SELECT thing_id, sum(amount) AS amount FROM beta.beta_orders GROUP BY thing_id;

/* Alpha's SQL: its own tables, the view and the function beta exports and the platform's catalog. */
static const char *const alpha_sql[] = {
	"SELECT t.id, t.name FROM things t"
	" JOIN alpha_parts p ON p.thing_id = t.id",
	"INSERT INTO alpha_parts (thing_id, part) VALUES ($1, $2)",
	"SELECT amount FROM beta_totals WHERE thing_id = $1",
	"SELECT beta_order_share_lock($1) AS locked",
	"SELECT name FROM permissions ORDER BY name",
	/* Not table uses: SQL text, JSON keys, paths, prose, this comment (FROM beta_orders). */
	"SELECT 'FROM beta_orders' AS text",
	"json_build_object('beta_orders', 1)",
	"/api/v1/beta_orders",
	"orders are kept in beta_orders",
};
// UPDATE beta_orders SET amount = 0

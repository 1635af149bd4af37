/* Beta's SQL: its own table and view, and one exception (tools/lint-allow-tables). */
static const char *const beta_sql[] = {
	"SELECT o.id, t.amount FROM beta_orders o, beta_totals t WHERE t.thing_id = o.thing_id",
	"SELECT name FROM things WHERE id = $1",
};

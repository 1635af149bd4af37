/* The platform writes its own catalog, named with or without its schema. */
static const char *const catalog_sql[] = {
	"INSERT INTO permissions (name) SELECT name FROM jsonb_to_recordset($1::jsonb) AS w(name text)",
	"DELETE FROM platform.permissions p WHERE NOT EXISTS (SELECT 1 FROM wanted w WHERE w.name = p.name)",
};

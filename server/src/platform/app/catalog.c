#include "platform/app/catalog.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "platform/audit/audit.h"
#include "platform/db/db.h"
#include "platform/ops/ops.h"
#include "shared-kernel/errors.h"

/* Both documents travel as one jsonb parameter each: one round trip, no SQL built from data. */
static const struct db_statement sync_permissions = {
	"catalog_sync_permissions",
	"WITH wanted AS ("
	"  SELECT * FROM jsonb_to_recordset($1::jsonb)"
	"    AS w(name text, module text, description text, privileged boolean)),"
	" upserted AS ("
	"  INSERT INTO permissions (name, module, description, privileged)"
	"  SELECT name, module, description, privileged FROM wanted"
	"  ON CONFLICT (name) DO UPDATE SET module = EXCLUDED.module, description = EXCLUDED.description,"
	"    privileged = EXCLUDED.privileged"
	"  WHERE (permissions.module, permissions.description, permissions.privileged)"
	"        IS DISTINCT FROM (EXCLUDED.module, EXCLUDED.description, EXCLUDED.privileged)"
	"  RETURNING name, (xmax = 0) AS inserted),"
	" removed AS ("
	"  DELETE FROM permissions p WHERE NOT EXISTS (SELECT 1 FROM wanted w WHERE w.name = p.name)"
	"  RETURNING name)"
	" SELECT CASE WHEN inserted THEN 'added' ELSE 'updated' END, name FROM upserted"
	" UNION ALL SELECT 'removed', name FROM removed ORDER BY 2",
	false,
};

static const struct db_statement sync_sod_rules = {
	"catalog_sync_sod_rules",
	"WITH wanted AS ("
	"  SELECT least(a, b) AS a, greatest(a, b) AS b, description"
	"  FROM jsonb_to_recordset($1::jsonb) AS w(a text, b text, description text)),"
	" upserted AS ("
	"  INSERT INTO sod_rules (permission_a, permission_b, description)"
	"  SELECT a, b, description FROM wanted"
	"  ON CONFLICT (permission_a, permission_b) DO UPDATE SET description = EXCLUDED.description"
	"  WHERE sod_rules.description IS DISTINCT FROM EXCLUDED.description"
	"  RETURNING permission_a, permission_b, (xmax = 0) AS inserted),"
	" removed AS ("
	"  DELETE FROM sod_rules s WHERE NOT EXISTS ("
	"    SELECT 1 FROM wanted w WHERE w.a = s.permission_a AND w.b = s.permission_b)"
	"  RETURNING permission_a, permission_b)"
	" SELECT CASE WHEN inserted THEN 'added' ELSE 'updated' END, permission_a || ' / ' || permission_b"
	" FROM upserted"
	" UNION ALL SELECT 'removed', permission_a || ' / ' || permission_b FROM removed ORDER BY 2",
	false,
};

static const struct db_statement bump_authz_version = {
	"catalog_bump_authz_version", "UPDATE authz_version SET version = version + 1", false,
};

static const struct db_statement count_differences = {
	"catalog_count_differences",
	"WITH wp AS ("
	"  SELECT * FROM jsonb_to_recordset($1::jsonb)"
	"    AS w(name text, module text, description text, privileged boolean)),"
	" ws AS ("
	"  SELECT least(a, b) AS a, greatest(a, b) AS b, description"
	"  FROM jsonb_to_recordset($2::jsonb) AS w(a text, b text, description text))"
	" SELECT (SELECT count(*) FROM wp FULL JOIN permissions p ON p.name = wp.name"
	"         WHERE wp.name IS NULL OR p.name IS NULL"
	"            OR (wp.module, wp.description, wp.privileged)"
	"               IS DISTINCT FROM (p.module, p.description, p.privileged))"
	"      + (SELECT count(*) FROM ws FULL JOIN sod_rules s"
	"           ON s.permission_a = ws.a AND s.permission_b = ws.b"
	"         WHERE ws.a IS NULL OR s.permission_a IS NULL"
	"            OR ws.description IS DISTINCT FROM s.description)",
	true,
};

static bool is_permission_name(const char *name, const char *module)
{
	size_t prefix = strlen(module);
	bool segment_start = true;
	int dots = 0;

	if (strncmp(name, module, prefix) != 0 || name[prefix] != '.' || strlen(name) > 100)
		return false;
	for (const char *p = name; *p; p++) {
		if (*p == '.') {
			if (segment_start)
				return false;
			dots++;
			segment_start = true;
			continue;
		}
		if (segment_start ? !(*p >= 'a' && *p <= 'z')
				  : !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
				      *p == '-'))
			return false;
		segment_start = false;
	}
	return dots > 0 && !segment_start;
}

static bool is_utf8(const char *text)
{
	json_t *probe = json_string(text); /* jansson accepts only valid UTF-8 */

	json_decref(probe);
	return probe != NULL;
}

/*
 * The m-th module of the catalog, m in 0 .. count: the platform's own
 * (ops.h: platform.event.read) first, then the mounted modules.
 */
static const struct erp_module *module_at(const struct erp_module *const *modules, size_t m)
{
	return m == 0 ? &ops_module : modules[m - 1];
}

static const struct erp_permission *find_permission(const struct erp_module *const *modules,
						    size_t count, const char *name)
{
	for (size_t m = 0; m <= count; m++)
		for (size_t i = 0; i < module_at(modules, m)->permission_count; i++)
			if (strcmp(module_at(modules, m)->permissions[i].name, name) == 0)
				return &module_at(modules, m)->permissions[i];
	return NULL;
}

int catalog_check_code(const struct erp_module *const *modules, size_t count, char *err,
		       size_t err_size)
{
	for (size_t m = 0; m <= count; m++) {
		const struct erp_module *module = module_at(modules, m);

		for (size_t i = 0; i < module->permission_count; i++) {
			const struct erp_permission *p = &module->permissions[i];

			if (!is_permission_name(p->name, module->name)) {
				snprintf(err, err_size,
					 "module %s declares permission \"%s\": names are "
					 "<module>.<lower-case words separated by dots>", module->name,
					 p->name);
				return -1;
			}
			if (find_permission(modules, count, p->name) != p) {
				snprintf(err, err_size, "permission %s is declared twice", p->name);
				return -1;
			}
			if (!p->description || !*p->description || !is_utf8(p->description)) {
				snprintf(err, err_size, "permission %s has no description in UTF-8", p->name);
				return -1;
			}
		}
		for (size_t i = 0; i < module->route_count; i++) {
			const char *needed = module->routes[i].permission;

			if (needed && needed[0] != '@' && !find_permission(modules, count, needed)) {
				snprintf(err, err_size, "route %s needs permission %s, which no module declares",
					 module->routes[i].pattern, needed);
				return -1;
			}
		}
		for (size_t i = 0; i < module->sod_rule_count; i++) {
			const struct erp_sod_rule *r = &module->sod_rules[i];

			if (!find_permission(modules, count, r->permission_a) ||
			    !find_permission(modules, count, r->permission_b) ||
			    strcmp(r->permission_a, r->permission_b) == 0 || !r->description ||
			    !is_utf8(r->description)) {
				snprintf(err, err_size,
					 "module %s declares a segregation-of-duties pair %s / %s that "
					 "does not name two declared permissions", module->name,
					 r->permission_a, r->permission_b);
				return -1;
			}
		}
		for (size_t i = 0; i < module->privileged_count; i++) {
			bool own = false;

			for (size_t j = 0; j < module->permission_count && !own; j++)
				own = strcmp(module->permissions[j].name, module->privileged[i]) == 0;
			if (!own) {
				snprintf(err, err_size, "module %s calls %s privileged, which it does not declare",
					 module->name, module->privileged[i]);
				return -1;
			}
		}
	}
	return 0;
}

static bool is_privileged(const struct erp_module *module, const char *permission)
{
	for (size_t i = 0; i < module->privileged_count; i++)
		if (strcmp(module->privileged[i], permission) == 0)
			return true;
	return false;
}

static int append(json_t *array, json_t *item)
{
	/* json_pack returns NULL for invalid UTF-8 or when out of memory: never drop an entry silently. */
	return item && json_array_append_new(array, item) == 0 ? 0 : -1;
}

/* The catalog as the JSON documents the statements take; caller frees. */
static int catalog_documents(const struct erp_module *const *modules, size_t count,
			     char **permissions, char **sod_rules)
{
	json_t *p = json_array(), *s = json_array();
	int failed = !p || !s;

	*permissions = *sod_rules = NULL;
	for (size_t m = 0; m <= count && !failed; m++) {
		const struct erp_module *module = module_at(modules, m);

		for (size_t i = 0; i < module->permission_count && !failed; i++)
			failed = append(p, json_pack("{s:s, s:s, s:s, s:b}", "name",
						     module->permissions[i].name, "module", module->name,
						     "description", module->permissions[i].description,
						     "privileged",
						     is_privileged(module, module->permissions[i].name)));
		for (size_t i = 0; i < module->sod_rule_count && !failed; i++)
			failed = append(s, json_pack("{s:s, s:s, s:s}", "a",
						     module->sod_rules[i].permission_a, "b",
						     module->sod_rules[i].permission_b, "description",
						     module->sod_rules[i].description));
	}
	if (!failed) {
		*permissions = erp_json_dumps(p, JSON_COMPACT);
		*sod_rules = erp_json_dumps(s, JSON_COMPACT);
	}
	json_decref(p);
	json_decref(s);
	if (!*permissions || !*sod_rules) {
		free(*permissions);
		free(*sod_rules);
		*permissions = *sod_rules = NULL;
		return ERP_ERR_NO_MEMORY;
	}
	return ERP_OK;
}

struct sync_job {
	const char *permissions;
	const char *sod_rules;
	struct arena *arena;
	PGresult *permission_changes;
	PGresult *sod_changes;
};

/*
 * A removed permission takes its grants with it (ON DELETE CASCADE), so every
 * change to the catalog is on the record, in the same transaction.
 */
static int audit_sync(struct db_conn *conn, struct sync_job *job)
{
	json_t *changes = json_object();
	PGresult *sets[] = { job->permission_changes, job->sod_changes };
	const char *names[] = { "permissions", "sod_rules" };
	int rc = changes ? ERP_OK : ERP_ERR_NO_MEMORY;

	for (int k = 0; k < 2 && !rc; k++) {
		json_t *list = json_array();

		for (int i = 0; list && i < PQntuples(sets[k]); i++)
			if (append(list, json_pack("{s:s, s:s}", "change", PQgetvalue(sets[k], i, 0),
						   "name", PQgetvalue(sets[k], i, 1))))
				break;
		if (!list || json_object_set_new(changes, names[k], list))
			rc = ERP_ERR_NO_MEMORY;
	}
	if (!rc)
		rc = audit_record(conn, &(struct audit_event){
			.action = "platform.catalog.synced", .entity = "permission_catalog",
			.request_id = "erp-server migrate", .changes = changes });
	json_decref(changes);
	return rc;
}

static int sync_work(struct db_conn *conn, void *ctx)
{
	struct sync_job *job = ctx;
	int rc;

	rc = db_query(conn, job->arena, &sync_permissions, 1, &job->permissions,
		      &job->permission_changes);
	if (!rc)
		rc = db_query(conn, job->arena, &sync_sod_rules, 1, &job->sod_rules, &job->sod_changes);
	if (!rc && PQntuples(job->permission_changes) + PQntuples(job->sod_changes) > 0)
		rc = db_query(conn, NULL, &bump_authz_version, 0, NULL, NULL);
	if (!rc && PQntuples(job->permission_changes) + PQntuples(job->sod_changes) > 0)
		rc = audit_sync(conn, job);
	return rc;
}

int catalog_sync(struct db_conn *conn, const struct erp_module *const *modules, size_t count,
		 FILE *report, char *err, size_t err_size)
{
	struct sync_job job = { 0 };
	char *permissions = NULL, *sod_rules = NULL;
	int changes = -1;

	if (catalog_check_code(modules, count, err, err_size))
		return -1;
	job.arena = arena_new(1024);
	if (!job.arena || catalog_documents(modules, count, &permissions, &sod_rules)) {
		snprintf(err, err_size, "out of memory");
		goto out;
	}
	job.permissions = permissions;
	job.sod_rules = sod_rules;
	if (db_transaction(conn, sync_work, &job)) {
		snprintf(err, err_size, "cannot write the permission catalog: %s", db_last_message(conn));
		goto out;
	}
	changes = PQntuples(job.permission_changes) + PQntuples(job.sod_changes);
	for (int i = 0; report && i < PQntuples(job.permission_changes); i++)
		fprintf(report, "permission %s: %s\n", PQgetvalue(job.permission_changes, i, 1),
			PQgetvalue(job.permission_changes, i, 0));
	for (int i = 0; report && i < PQntuples(job.sod_changes); i++)
		fprintf(report, "segregation of duties %s: %s\n", PQgetvalue(job.sod_changes, i, 1),
			PQgetvalue(job.sod_changes, i, 0));
out:
	free(permissions);
	free(sod_rules);
	arena_free(job.arena);
	return changes;
}

int catalog_snapshot_make(const struct erp_module *const *modules, size_t count,
			  struct catalog_snapshot *snapshot)
{
	return catalog_documents(modules, count, &snapshot->permissions, &snapshot->sod_rules);
}

void catalog_snapshot_release(struct catalog_snapshot *snapshot)
{
	free(snapshot->permissions);
	free(snapshot->sod_rules);
	snapshot->permissions = snapshot->sod_rules = NULL;
}

int catalog_check_current(struct db_conn *conn, const struct catalog_snapshot *snapshot,
			  char *reason, size_t reason_size)
{
	const char *params[] = { snapshot->permissions, snapshot->sod_rules };
	struct arena *arena = arena_new(512);
	PGresult *res;
	int rc;

	if (!arena)
		return ERP_ERR_NO_MEMORY;
	rc = db_query(conn, arena, &count_differences, 2, params, &res);
	if (rc == ERP_OK && strcmp(PQgetvalue(res, 0, 0), "0") != 0) {
		snprintf(reason, reason_size,
			 "the permission catalog in the database differs from the code in %s "
			 "places: run `erp-server migrate`", PQgetvalue(res, 0, 0));
		rc = 1;
	}
	arena_free(arena);
	return rc;
}

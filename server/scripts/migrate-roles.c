/*
 * erp-migrate-roles: applies a role-migration plan (JSON, see
 * server/scripts/plans/README.md): create, rename, merge, split roles, add or
 * remove permissions, move assignments from a deprecated role to its
 * replacements, retire roles. Operations run in order inside the run's one
 * transaction. Before committing, every user's effective permissions per
 * company (global roles count in every company) are compared with those
 * before the plan: a segregation-of-duties conflict the plan would create
 * is refused (65) unless the plan accepts it, in which case an audited
 * override of exactly that pair in that scope is recorded (sod_overrides),
 * as an approved override through the IAM API is. The report
 * shows every changed user's roles and permissions before and after.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "scripts/runtime/names.h"
#include "scripts/runtime/script.h"
#include "shared-kernel/uuid.h"

static const struct script_flag flags[] = {
	{ "plan", "FILE", "the migration plan (JSON; see server/scripts/plans/README.md)", true },
};

/* --- SQL ---------------------------------------------------------------------------------------- */

static const struct db_statement lock_tables = {
	"migrate_roles_lock",
	"LOCK TABLE roles, role_permissions, role_assignments IN SHARE ROW EXCLUSIVE MODE",
	false,
};
static const struct db_statement list_permissions = {
	"migrate_roles_permissions", "SELECT name FROM permissions ORDER BY name", true,
};
static const struct db_statement list_sod_rules = {
	"migrate_roles_sod_rules",
	"SELECT permission_a, permission_b, description FROM sod_rules"
	" ORDER BY permission_a, permission_b",
	true,
};
static const struct db_statement role_by_name = {
	"migrate_roles_role", "SELECT id, system FROM roles WHERE name = $1", false,
};
static const struct db_statement insert_role = {
	"migrate_roles_insert_role",
	"INSERT INTO roles (id, name, description) VALUES ($1, $2, $3)",
	false,
};
static const struct db_statement rename_role = {
	"migrate_roles_rename",
	"UPDATE roles SET name = $2, version = version + 1, updated_at = now() WHERE id = $1",
	false,
};
static const struct db_statement touch_role = {
	"migrate_roles_touch",
	"UPDATE roles SET version = version + 1, updated_at = now() WHERE id = $1",
	false,
};
static const struct db_statement role_permissions = {
	"migrate_roles_role_permissions",
	"SELECT permission FROM role_permissions WHERE role_id = $1 ORDER BY permission",
	false,
};
static const struct db_statement grant_permission = {
	"migrate_roles_grant",
	"INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2) ON CONFLICT DO NOTHING",
	false,
};
static const struct db_statement revoke_permission = {
	"migrate_roles_revoke",
	"DELETE FROM role_permissions WHERE role_id = $1 AND permission = $2",
	false,
};
static const struct db_statement assignments_of = {
	"migrate_roles_assignments",
	"SELECT a.id, u.email, coalesce(c.code, '') FROM role_assignments a"
	" JOIN users u ON u.id = a.user_id LEFT JOIN companies c ON c.id = a.company_id"
	" WHERE a.role_id = $1"
	" ORDER BY u.email, c.code NULLS FIRST",
	false,
};
/* The copy is a new grant: never an override (a plan accepts conflicts anew). */
static const struct db_statement copy_assignment = {
	"migrate_roles_copy_assignment",
	"INSERT INTO role_assignments (id, user_id, role_id, company_id, granted_by, reason)"
	" SELECT $1, user_id, $2, company_id, NULL, $3 FROM role_assignments WHERE id = $4"
	" ON CONFLICT DO NOTHING",
	false,
};
static const struct db_statement delete_assignment = {
	"migrate_roles_delete_assignment", "DELETE FROM role_assignments WHERE id = $1", false,
};
static const struct db_statement delete_role = {
	"migrate_roles_delete_role", "DELETE FROM roles WHERE id = $1", false,
};
static const struct db_statement bump_authz = {
	"migrate_roles_bump_authz",
	"UPDATE authz_version SET version = version + 1 RETURNING version",
	false,
};

/*
 * Every user's scopes: globally, and each company they hold a role in. Per
 * scope: the roles assigned in exactly that scope, the effective permissions
 * (that scope's roles and the global ones), and the pairs an override
 * exempts there ("a|b": an override of that pair in that company or globally,
 * as iam_sod_conflicts() in the database counts them).
 */
static const struct db_statement snapshot = {
	"migrate_roles_snapshot",
	"WITH scopes AS ("
	"    SELECT DISTINCT user_id, company_id FROM role_assignments"
	"    UNION SELECT DISTINCT user_id, NULL::uuid FROM role_assignments),"
	" held AS ("
	"    SELECT s.user_id, s.company_id, a.company_id AS assigned_in,"
	"           r.name AS role, rp.permission"
	"      FROM scopes s"
	"      JOIN role_assignments a ON a.user_id = s.user_id"
	"                             AND (a.company_id IS NULL OR a.company_id = s.company_id)"
	"      JOIN roles r ON r.id = a.role_id"
	"      LEFT JOIN role_permissions rp ON rp.role_id = a.role_id)"
	" SELECT u.email, c.code, h.user_id::text, h.company_id::text,"
	"        coalesce(string_agg(DISTINCT h.role, ',' ORDER BY h.role)"
	"                 FILTER (WHERE h.assigned_in IS NOT DISTINCT FROM h.company_id), ''),"
	"        coalesce(string_agg(DISTINCT h.permission, ',' ORDER BY h.permission), ''),"
	"        (SELECT coalesce(string_agg(DISTINCT o.permission_a || '|' || o.permission_b, ','), '')"
	"           FROM sod_overrides o WHERE o.user_id = h.user_id"
	"            AND (o.company_id IS NULL OR o.company_id IS NOT DISTINCT FROM h.company_id))"
	"   FROM held h JOIN users u ON u.id = h.user_id"
	"   LEFT JOIN companies c ON c.id = h.company_id"
	"  GROUP BY u.email, c.code, h.user_id, h.company_id",
	false,
};

/* An accepted conflict: an override of that pair in that scope (a standing one: no grant). */
static const struct db_statement insert_override = {
	"migrate_roles_insert_override",
	"INSERT INTO sod_overrides (id, user_id, company_id, permission_a, permission_b, reason)"
	" VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3, $4, $5) RETURNING id",
	false,
};

/* --- plan shape (prepare) -------------------------------------------------------------------- */

enum field_type { FIELD_STRING, FIELD_NAMES, FIELD_BOOL, FIELD_TARGETS };

struct field_rule {
	const char *key;
	enum field_type type;
	bool required;
};

struct op_rule {
	const char *op;
	struct field_rule fields[4];
};

static const struct op_rule op_rules[] = {
	{ "create",
	  { { "role", FIELD_STRING, true },
	    { "description", FIELD_STRING, false },
	    { "permissions", FIELD_NAMES, true } } },
	{ "rename", { { "role", FIELD_STRING, true }, { "to", FIELD_STRING, true } } },
	{ "merge",
	  { { "roles", FIELD_NAMES, true },
	    { "into", FIELD_STRING, true },
	    { "description", FIELD_STRING, false } } },
	{ "split",
	  { { "role", FIELD_STRING, true },
	    { "into", FIELD_TARGETS, true },
	    { "keep", FIELD_BOOL, false } } },
	{ "add_permissions",
	  { { "role", FIELD_STRING, true }, { "permissions", FIELD_NAMES, true } } },
	{ "remove_permissions",
	  { { "role", FIELD_STRING, true }, { "permissions", FIELD_NAMES, true } } },
	{ "move_assignments", { { "from", FIELD_STRING, true }, { "to", FIELD_NAMES, true } } },
	{ "retire", { { "role", FIELD_STRING, true } } },
};

struct plan {
	const char *path;
	json_t *operations;
	json_t *accepted; /* array, may be empty */
};

static void free_json(void *json)
{
	json_decref(json);
}

static bool is_names(json_t *value, bool non_empty)
{
	json_t *item;
	size_t i;

	if (!json_is_array(value) || (non_empty && json_array_size(value) == 0))
		return false;
	json_array_foreach(value, i, item)
		if (!json_is_string(item))
			return false;
	return true;
}

static bool field_matches(json_t *value, enum field_type type)
{
	json_t *target, *field;
	const char *key;
	size_t i;

	switch (type) {
	case FIELD_STRING:
		return json_is_string(value);
	case FIELD_BOOL:
		return json_is_boolean(value);
	case FIELD_NAMES:
		return is_names(value, false);
	case FIELD_TARGETS:
		if (!json_is_array(value) || json_array_size(value) == 0)
			return false;
		json_array_foreach(value, i, target) {
			if (!json_is_object(target) ||
			    !json_is_string(json_object_get(target, "role")) ||
			    !is_names(json_object_get(target, "permissions"), false))
				return false;
			json_object_foreach(target, key, field)
				if (strcmp(key, "role") && strcmp(key, "permissions") &&
				    !(strcmp(key, "description") == 0 && json_is_string(field)))
					return false;
		}
		return true;
	}
	return false;
}

static const char *const type_names[] = {
	[FIELD_STRING] = "a string",
	[FIELD_NAMES] = "an array of strings",
	[FIELD_BOOL] = "true or false",
	[FIELD_TARGETS] = "a non-empty array of {\"role\", \"permissions\"[, \"description\"]}",
};

static int check_operation(struct script_ctx *ctx, const char *path, size_t index, json_t *op)
{
	const char *name = json_string_value(json_object_get(op, "op")), *key;
	const struct op_rule *rule = NULL;
	json_t *value;

	if (!json_is_object(op) || !name)
		return script_fail(ctx, EX_DATAERR, "%s: operation %zu has no \"op\"", path, index + 1);
	for (size_t i = 0; i < sizeof(op_rules) / sizeof(op_rules[0]) && !rule; i++)
		if (strcmp(op_rules[i].op, name) == 0)
			rule = &op_rules[i];
	if (!rule)
		return script_fail(ctx, EX_DATAERR,
				   "%s: operation %zu: unknown op \"%s\" (create, rename, merge, "
				   "split, add_permissions, remove_permissions, move_assignments, "
				   "retire)",
				   path, index + 1, name);
	json_object_foreach(op, key, value) {
		const struct field_rule *field = NULL;

		if (strcmp(key, "op") == 0)
			continue;
		for (size_t f = 0; f < 4 && rule->fields[f].key && !field; f++)
			if (strcmp(rule->fields[f].key, key) == 0)
				field = &rule->fields[f];
		if (!field)
			return script_fail(ctx, EX_DATAERR, "%s: operation %zu (%s): unknown field \"%s\"",
					   path, index + 1, name, key);
		if (!field_matches(value, field->type))
			return script_fail(ctx, EX_DATAERR, "%s: operation %zu (%s): \"%s\" must be %s",
					   path, index + 1, name, key, type_names[field->type]);
	}
	for (size_t f = 0; f < 4 && rule->fields[f].key; f++)
		if (rule->fields[f].required && !json_object_get(op, rule->fields[f].key))
			return script_fail(ctx, EX_DATAERR, "%s: operation %zu (%s) needs \"%s\"", path,
					   index + 1, name, rule->fields[f].key);
	return 0;
}

static int check_acceptance(struct script_ctx *ctx, const char *path, size_t index, json_t *entry)
{
	const char *key;
	json_t *value, *company = json_object_get(entry, "company");

	if (!json_is_object(entry) || !json_is_string(json_object_get(entry, "user")) ||
	    !json_is_string(json_object_get(entry, "reason")) ||
	    !is_names(json_object_get(entry, "permissions"), true) ||
	    json_array_size(json_object_get(entry, "permissions")) != 2 ||
	    (company && !json_is_string(company) && !json_is_null(company)))
		return script_fail(ctx, EX_DATAERR,
				   "%s: accept_sod_conflicts[%zu] must be {\"user\": email, \"company\": "
				   "code or null, \"permissions\": [a, b], \"reason\": text}",
				   path, index);
	json_object_foreach(entry, key, value)
		if (strcmp(key, "user") && strcmp(key, "company") && strcmp(key, "permissions") &&
		    strcmp(key, "reason"))
			return script_fail(ctx, EX_DATAERR,
					   "%s: accept_sod_conflicts[%zu]: unknown field \"%s\"", path,
					   index, key);
	return 0;
}

static int load_plan(struct script_ctx *ctx)
{
	struct plan *plan = arena_calloc(script_arena(ctx), 1, sizeof(*plan));
	json_error_t error;
	json_t *root, *item, *value;
	const char *key;
	size_t i;
	int rc;

	if (!plan)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	plan->path = script_flag(ctx, "plan");
	if (access(plan->path, R_OK) != 0)
		return script_fail(ctx, EX_NOINPUT, "cannot read the plan %s", plan->path);
	root = json_load_file(plan->path, JSON_REJECT_DUPLICATES, &error);
	if (!root)
		return script_fail(ctx, EX_DATAERR, "%s:%d:%d: %s", plan->path, error.line,
				   error.column, error.text);
	if (arena_cleanup_add(script_arena(ctx), free_json, root))
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	if (!json_is_object(root))
		return script_fail(ctx, EX_DATAERR, "%s: a plan is a JSON object", plan->path);
	json_object_foreach(root, key, value)
		if (strcmp(key, "description") && strcmp(key, "operations") &&
		    strcmp(key, "accept_sod_conflicts"))
			return script_fail(ctx, EX_DATAERR, "%s: unknown field \"%s\"", plan->path, key);
	if (!json_is_string(json_object_get(root, "description")))
		return script_fail(ctx, EX_DATAERR, "%s: \"description\" (what and why) is required",
				   plan->path);
	plan->operations = json_object_get(root, "operations");
	if (!json_is_array(plan->operations) || json_array_size(plan->operations) == 0)
		return script_fail(ctx, EX_DATAERR, "%s: \"operations\" must be a non-empty array",
				   plan->path);
	json_array_foreach(plan->operations, i, item) {
		rc = check_operation(ctx, plan->path, i, item);
		if (rc)
			return rc;
	}
	plan->accepted = json_object_get(root, "accept_sod_conflicts");
	if (plan->accepted && !json_is_array(plan->accepted))
		return script_fail(ctx, EX_DATAERR, "%s: \"accept_sod_conflicts\" must be an array",
				   plan->path);
	json_array_foreach(plan->accepted, i, item) {
		rc = check_acceptance(ctx, plan->path, i, item);
		if (rc)
			return rc;
	}
	script_set_data(ctx, plan);
	return 0;
}

/* --- name sets --------------------------------------------------------------------------------- */

/* --- the migration's state ---------------------------------------------------------------------- */

struct migration {
	struct plan *plan;
	struct script_names known;  /* the permissions table */
	PGresult *sod_rules; /* permission_a, permission_b, description */
	const char *op_name; /* for messages: "operation 3 (merge)" */
	size_t op_number;
	bool changed;
};

struct role {
	char id[ERP_UUID_TEXT_LEN + 1];
	const char *name;
	bool system;
};

static int op_fail(struct script_ctx *ctx, const struct migration *m, const char *what,
		   const char *name)
{
	return script_fail(ctx, EX_DATAERR, "%s: operation %zu (%s): %s \"%s\"", m->plan->path,
			   m->op_number, m->op_name, what, name);
}

/* 0 and *role when it exists, 1 when it does not, else an exit code. */
static int find_role(struct script_ctx *ctx, const char *name, struct role *role)
{
	PGresult *res;
	int rc = script_query(ctx, &role_by_name, 1, &name, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return 1;
	snprintf(role->id, sizeof(role->id), "%s", PQgetvalue(res, 0, 0));
	role->name = name;
	role->system = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	return 0;
}

static int existing_role(struct script_ctx *ctx, const struct migration *m, const char *name,
			 struct role *role)
{
	int rc = find_role(ctx, name, role);

	return rc == 1 ? op_fail(ctx, m, "no such role", name) : rc;
}

static int permissions_of(struct script_ctx *ctx, const struct role *role, struct script_names *out)
{
	const char *params[] = { role->id };
	PGresult *res;
	int rc = script_query(ctx, &role_permissions, 1, params, &res);

	return rc ? rc : script_names_from_result(ctx, res, out);
}

static char *json_text(struct script_ctx *ctx, json_t *value)
{
	char *text = value ? json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *copy = text ? arena_strdup(script_arena(ctx), text) : NULL;

	free(text);
	json_decref(value);
	return copy;
}

static int event(struct script_ctx *ctx, const char *action, const char *entity, const char *id,
		 json_t *changes)
{
	char *text = json_text(ctx, changes);

	if (!text)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	return script_audit_event(ctx, action, entity, id, NULL, text);
}

/* Checks names against the permissions table. */
static int check_known(struct script_ctx *ctx, const struct migration *m, const struct script_names *set)
{
	for (size_t i = 0; i < set->count; i++)
		if (!script_names_contain(&m->known, set->items[i]))
			return op_fail(ctx, m, "unknown permission", set->items[i]);
	return 0;
}

/* One role may never hold both sides of a pair, accepted or not (as in the IAM API). */
static int check_role_sod(struct script_ctx *ctx, const struct migration *m,
			  const struct role *role)
{
	struct script_names set;
	int rc = permissions_of(ctx, role, &set);

	if (rc)
		return rc;
	for (int r = 0; r < PQntuples(m->sod_rules); r++)
		if (script_names_contain(&set, PQgetvalue(m->sod_rules, r, 0)) &&
		    script_names_contain(&set, PQgetvalue(m->sod_rules, r, 1)))
			return script_fail(ctx, EX_DATAERR,
					   "%s: operation %zu (%s): role \"%s\" would hold both %s and "
					   "%s, a segregation-of-duties pair (%s)",
					   m->plan->path, m->op_number, m->op_name, role->name,
					   PQgetvalue(m->sod_rules, r, 0), PQgetvalue(m->sod_rules, r, 1),
					   PQgetvalue(m->sod_rules, r, 2));
	return 0;
}

/* Adds and removes permissions of a role; reports, bumps its version, audits. */
static int change_permissions(struct script_ctx *ctx, struct migration *m, const struct role *role,
			      const struct script_names *add, const struct script_names *remove)
{
	struct script_names before, after;
	bool changed = false;
	int rc = check_known(ctx, m, add);

	if (!rc)
		rc = check_known(ctx, m, remove);
	if (!rc)
		rc = permissions_of(ctx, role, &before);
	for (size_t i = 0; !rc && i < add->count; i++) {
		const char *params[] = { role->id, add->items[i] };

		if (script_names_contain(&before, add->items[i]))
			continue;
		rc = script_query(ctx, &grant_permission, 2, params, NULL);
		if (!rc)
			script_change(ctx, "role_permissions", "%s: granted %s", role->name,
				      add->items[i]);
		changed = true;
	}
	for (size_t i = 0; !rc && i < remove->count; i++) {
		const char *params[] = { role->id, remove->items[i] };

		if (!script_names_contain(&before, remove->items[i]))
			continue;
		rc = script_query(ctx, &revoke_permission, 2, params, NULL);
		if (!rc)
			script_change(ctx, "role_permissions", "%s: revoked %s", role->name,
				      remove->items[i]);
		changed = true;
	}
	if (rc || !changed)
		return rc;
	m->changed = true;
	{
		const char *params[] = { role->id };

		rc = script_query(ctx, &touch_role, 1, params, NULL);
	}
	if (!rc)
		rc = permissions_of(ctx, role, &after);
	if (!rc)
		rc = event(ctx, "iam.role.updated", "role", role->id,
			   json_pack("{s:{s:o, s:o}}", "permissions", "old", script_names_json(&before),
				     "new", script_names_json(&after)));
	return rc ? rc : check_role_sod(ctx, m, role);
}

static int create_role(struct script_ctx *ctx, struct migration *m, const char *name,
		       const char *description, json_t *permissions, struct role *role)
{
	struct script_names add, none = { NULL, 0 };
	struct erp_uuid uuid;
	const char *params[3];
	int rc;

	if (!script_is_role_name(name))
		return op_fail(ctx, m, "not a role name (a-z 0-9 _ -, starting with a letter)", name);
	rc = find_role(ctx, name, role);
	if (rc == 0)
		return op_fail(ctx, m, "a role of that name exists already", name);
	if (rc != 1)
		return rc;
	erp_uuid_v7(&uuid);
	erp_uuid_format(&uuid, role->id);
	role->name = name;
	role->system = false;
	params[0] = role->id;
	params[1] = name;
	params[2] = description ? description : "";
	rc = script_query(ctx, &insert_role, 3, params, NULL);
	if (rc)
		return rc;
	script_change(ctx, "roles", "created role %s", name);
	m->changed = true;
	rc = event(ctx, "iam.role.created", "role", role->id,
		   json_pack("{s:{s:n, s:s}, s:{s:n, s:s}}", "name", "old", "new", name,
			     "description", "old", "new", params[2]));
	if (!rc && permissions)
		rc = script_names_from_json(ctx, permissions, &add);
	if (!rc && permissions)
		rc = change_permissions(ctx, m, role, &add, &none);
	return rc;
}

/* The existing role name, or a new one created with permissions (NULL: none). */
static int role_or_create(struct script_ctx *ctx, struct migration *m, const char *name,
			  const char *description, struct role *role)
{
	int rc = find_role(ctx, name, role);

	if (rc != 1)
		return rc;
	return create_role(ctx, m, name, description, NULL, role);
}

/*
 * Gives every holder of from the role to as well, in the same scope (an
 * assignment that exists already is kept). Reports each one.
 */
static int copy_assignments(struct script_ctx *ctx, struct migration *m, const struct role *from,
			    const struct role *to)
{
	const char *params[] = { from->id };
	char reason[160];
	PGresult *res;
	int rc = script_query(ctx, &assignments_of, 1, params, &res);

	snprintf(reason, sizeof(reason), "erp-migrate-roles: from role %s (run %s)", from->name,
		 script_run_id(ctx));
	for (int i = 0; !rc && i < PQntuples(res); i++) {
		char id[ERP_UUID_TEXT_LEN + 1];
		struct erp_uuid uuid;
		const char *copy[] = { id, to->id, reason, PQgetvalue(res, i, 0) };
		const char *company = PQgetvalue(res, i, 2);
		PGresult *inserted;

		erp_uuid_v7(&uuid);
		erp_uuid_format(&uuid, id);
		rc = script_query(ctx, &copy_assignment, 4, copy, &inserted);
		if (rc || strcmp(PQcmdTuples(inserted), "1") != 0)
			continue; /* already held: nothing to add */
		script_change(ctx, "role_assignments", "%s %s%s: granted %s (from %s)",
			      PQgetvalue(res, i, 1), *company ? "in " : "globally", company, to->name,
			      from->name);
		m->changed = true;
		rc = event(ctx, "iam.assignment.granted", "role_assignment", id,
			   json_pack("{s:{s:n, s:s}, s:{s:n, s:s}, s:{s:n, s:o}}", "user", "old",
				     "new", PQgetvalue(res, i, 1), "role", "old", "new", to->name,
				     "company", "old", "new",
				     *company ? json_string(company) : json_null()));
	}
	return rc;
}

static int remove_assignments(struct script_ctx *ctx, struct migration *m, const struct role *role)
{
	const char *params[] = { role->id };
	PGresult *res;
	int rc = script_query(ctx, &assignments_of, 1, params, &res);

	for (int i = 0; !rc && i < PQntuples(res); i++) {
		const char *id = PQgetvalue(res, i, 0), *company = PQgetvalue(res, i, 2);

		rc = script_query(ctx, &delete_assignment, 1, &id, NULL);
		if (rc)
			break;
		script_change(ctx, "role_assignments", "%s %s%s: revoked %s", PQgetvalue(res, i, 1),
			      *company ? "in " : "globally", company, role->name);
		m->changed = true;
		rc = event(ctx, "iam.assignment.revoked", "role_assignment", id,
			   json_pack("{s:{s:s, s:n}, s:{s:s, s:n}}", "user", "old",
				     PQgetvalue(res, i, 1), "new", "role", "old", role->name, "new"));
	}
	return rc;
}

static int retire_role(struct script_ctx *ctx, struct migration *m, const struct role *role)
{
	const char *params[] = { role->id };
	struct script_names perms;
	PGresult *res;
	int rc = script_query(ctx, &assignments_of, 1, params, &res);

	if (rc)
		return rc;
	if (PQntuples(res) > 0)
		return script_fail(ctx, EX_DATAERR,
				   "%s: operation %zu (%s): role \"%s\" is still held by %d "
				   "assignment%s (%s first): move them before retiring it",
				   m->plan->path, m->op_number, m->op_name, role->name, PQntuples(res),
				   PQntuples(res) == 1 ? "" : "s", PQgetvalue(res, 0, 1));
	rc = permissions_of(ctx, role, &perms);
	for (size_t i = 0; !rc && i < perms.count; i++) {
		const char *revoke[] = { role->id, perms.items[i] };

		rc = script_query(ctx, &revoke_permission, 2, revoke, NULL);
		if (!rc)
			script_change(ctx, "role_permissions", "%s: revoked %s (role retired)",
				      role->name, perms.items[i]);
	}
	if (!rc)
		rc = script_query(ctx, &delete_role, 1, params, NULL);
	if (rc)
		return rc;
	script_change(ctx, "roles", "retired role %s", role->name);
	m->changed = true;
	if (role->system)
		script_note(ctx,
			    "%s was a system role: take it out of role-catalog.json too, or "
			    "erp-seed-roles will create it again",
			    role->name);
	return event(ctx, "iam.role.deleted", "role", role->id,
		     json_pack("{s:{s:s, s:n}, s:{s:o, s:n}}", "name", "old", role->name, "new",
			       "permissions", "old", script_names_json(&perms), "new"));
}

/* --- the operations ------------------------------------------------------------------------------ */

static const char *str(json_t *op, const char *key)
{
	return json_string_value(json_object_get(op, key));
}

static int op_create(struct script_ctx *ctx, struct migration *m, json_t *op)
{
	struct role role;

	return create_role(ctx, m, str(op, "role"), str(op, "description"),
			   json_object_get(op, "permissions"), &role);
}

static int op_rename(struct script_ctx *ctx, struct migration *m, json_t *op)
{
	const char *to = str(op, "to");
	struct role role, clash;
	const char *params[2];
	int rc = existing_role(ctx, m, str(op, "role"), &role);

	if (rc)
		return rc;
	if (!script_is_role_name(to))
		return op_fail(ctx, m, "not a role name (a-z 0-9 _ -, starting with a letter)", to);
	rc = find_role(ctx, to, &clash);
	if (rc == 0)
		return op_fail(ctx, m, "a role of that name exists already", to);
	if (rc != 1)
		return rc;
	params[0] = role.id;
	params[1] = to;
	rc = script_query(ctx, &rename_role, 2, params, NULL);
	if (rc)
		return rc;
	script_change(ctx, "roles", "renamed role %s to %s", role.name, to);
	m->changed = true;
	if (role.system)
		script_note(ctx,
			    "%s is a system role: rename it in role-catalog.json too, or "
			    "erp-seed-roles will create %s again",
			    role.name, role.name);
	return event(ctx, "iam.role.updated", "role", role.id,
		     json_pack("{s:{s:s, s:s}}", "name", "old", role.name, "new", to));
}

static int op_permissions(struct script_ctx *ctx, struct migration *m, json_t *op, bool add)
{
	struct script_names set, none = { NULL, 0 };
	struct role role;
	int rc = existing_role(ctx, m, str(op, "role"), &role);

	if (!rc)
		rc = script_names_from_json(ctx, json_object_get(op, "permissions"), &set);
	if (rc)
		return rc;
	return add ? change_permissions(ctx, m, &role, &set, &none)
		   : change_permissions(ctx, m, &role, &none, &set);
}

static int op_merge(struct script_ctx *ctx, struct migration *m, json_t *op)
{
	json_t *sources = json_object_get(op, "roles"), *item;
	struct role into;
	size_t i;
	int rc;

	if (json_array_size(sources) == 0)
		return op_fail(ctx, m, "needs at least one role in", "roles");
	/* Every source must exist before anything is created. */
	json_array_foreach(sources, i, item) {
		struct role source;

		rc = existing_role(ctx, m, json_string_value(item), &source);
		if (rc)
			return rc;
	}
	rc = role_or_create(ctx, m, str(op, "into"), str(op, "description"), &into);
	json_array_foreach(sources, i, item) {
		struct script_names perms, none = { NULL, 0 };
		struct role source;

		if (rc)
			break;
		if (strcmp(json_string_value(item), into.name) == 0)
			continue; /* merging a role into itself keeps it */
		rc = existing_role(ctx, m, json_string_value(item), &source);
		if (!rc)
			rc = permissions_of(ctx, &source, &perms);
		if (!rc)
			rc = change_permissions(ctx, m, &into, &perms, &none);
		if (!rc)
			rc = copy_assignments(ctx, m, &source, &into);
		if (!rc)
			rc = remove_assignments(ctx, m, &source);
		if (!rc)
			rc = retire_role(ctx, m, &source);
	}
	return rc;
}

static int op_split(struct script_ctx *ctx, struct migration *m, json_t *op)
{
	json_t *targets = json_object_get(op, "into"), *target;
	struct script_names source_perms;
	struct role source;
	size_t i;
	int rc = existing_role(ctx, m, str(op, "role"), &source);

	if (!rc)
		rc = permissions_of(ctx, &source, &source_perms);
	json_array_foreach(targets, i, target) {
		struct script_names perms, none = { NULL, 0 };
		struct role into;

		if (rc)
			break;
		if (strcmp(str(target, "role"), source.name) == 0)
			return op_fail(ctx, m, "cannot split a role into itself", source.name);
		rc = role_or_create(ctx, m, str(target, "role"), str(target, "description"), &into);
		if (!rc)
			rc = script_names_from_json(ctx, json_object_get(target, "permissions"), &perms);
		if (!rc)
			rc = change_permissions(ctx, m, &into, &perms, &none);
		if (!rc)
			rc = copy_assignments(ctx, m, &source, &into);
	}
	if (rc)
		return rc;
	/* Say which of the old role's permissions no replacement carries on. */
	json_array_foreach(targets, i, target) {
		struct script_names perms;

		rc = script_names_from_json(ctx, json_object_get(target, "permissions"), &perms);
		if (rc)
			return rc;
		for (size_t p = 0; p < source_perms.count; p++)
			if (script_names_contain(&perms, source_perms.items[p]))
				source_perms.items[p] = "";
	}
	for (size_t p = 0; p < source_perms.count; p++)
		if (*source_perms.items[p])
			script_note(ctx, "split of %s: no replacement role carries %s", source.name,
				    source_perms.items[p]);
	if (json_is_true(json_object_get(op, "keep")))
		return 0;
	rc = remove_assignments(ctx, m, &source);
	return rc ? rc : retire_role(ctx, m, &source);
}

static int op_move(struct script_ctx *ctx, struct migration *m, json_t *op)
{
	json_t *targets = json_object_get(op, "to"), *item;
	struct role from;
	size_t i;
	int rc = existing_role(ctx, m, str(op, "from"), &from);

	if (!rc && json_array_size(targets) == 0)
		return op_fail(ctx, m, "needs at least one role in", "to");
	json_array_foreach(targets, i, item) {
		struct role to;

		if (rc)
			break;
		if (strcmp(json_string_value(item), from.name) == 0)
			return op_fail(ctx, m, "cannot move assignments to the same role", from.name);
		rc = existing_role(ctx, m, json_string_value(item), &to);
		if (!rc)
			rc = copy_assignments(ctx, m, &from, &to);
	}
	return rc ? rc : remove_assignments(ctx, m, &from);
}

static int op_retire(struct script_ctx *ctx, struct migration *m, json_t *op)
{
	struct role role;
	int rc = existing_role(ctx, m, str(op, "role"), &role);

	return rc ? rc : retire_role(ctx, m, &role);
}

static int run_operation(struct script_ctx *ctx, struct migration *m, json_t *op)
{
	const char *name = str(op, "op");

	if (strcmp(name, "create") == 0)
		return op_create(ctx, m, op);
	if (strcmp(name, "rename") == 0)
		return op_rename(ctx, m, op);
	if (strcmp(name, "merge") == 0)
		return op_merge(ctx, m, op);
	if (strcmp(name, "split") == 0)
		return op_split(ctx, m, op);
	if (strcmp(name, "add_permissions") == 0)
		return op_permissions(ctx, m, op, true);
	if (strcmp(name, "remove_permissions") == 0)
		return op_permissions(ctx, m, op, false);
	if (strcmp(name, "move_assignments") == 0)
		return op_move(ctx, m, op);
	return op_retire(ctx, m, op); /* the plan's shape was checked: retire is left */
}

/* --- users before and after -------------------------------------------------------------------- */

struct scope_state {
	const char *email;
	const char *company; /* code, or NULL: globally */
	const char *user_id;
	const char *company_id;
	const char *roles;   /* "a,b": assigned in exactly this scope */
	struct script_names perms;  /* effective here */
	struct script_names exempt; /* "a|b" pairs an override exempts here */
};

struct snapshot {
	struct scope_state *items;
	size_t count;
};

static int compare_scopes(const void *a, const void *b)
{
	const struct scope_state *x = a, *y = b;
	int order = strcmp(x->email, y->email);

	if (order)
		return order;
	if (!x->company || !y->company)
		return (x->company != NULL) - (y->company != NULL);
	return strcmp(x->company, y->company);
}

static int take_snapshot(struct script_ctx *ctx, struct snapshot *out)
{
	PGresult *res;
	int rc = script_query(ctx, &snapshot, 0, NULL, &res);

	if (rc)
		return rc;
	out->count = (size_t)PQntuples(res);
	out->items = arena_calloc(script_arena(ctx), out->count + 1, sizeof(*out->items));
	if (!out->items)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	for (size_t i = 0; i < out->count; i++) {
		struct scope_state *s = &out->items[i];
		int row = (int)i;

		s->email = PQgetvalue(res, row, 0);
		s->company = PQgetisnull(res, row, 1) ? NULL : PQgetvalue(res, row, 1);
		s->user_id = PQgetvalue(res, row, 2);
		s->company_id = PQgetisnull(res, row, 3) ? NULL : PQgetvalue(res, row, 3);
		s->roles = PQgetvalue(res, row, 4);
		rc = script_names_split(ctx, PQgetvalue(res, row, 5), &s->perms);
		if (!rc)
			rc = script_names_split(ctx, PQgetvalue(res, row, 6), &s->exempt);
		if (rc)
			return rc;
	}
	qsort(out->items, out->count, sizeof(*out->items), compare_scopes);
	return 0;
}

static const struct scope_state *find_scope(const struct snapshot *snap, const char *email,
					    const char *company)
{
	struct scope_state key = { .email = email, .company = company };

	return snap->count ? bsearch(&key, snap->items, snap->count, sizeof(key), compare_scopes)
			   : NULL;
}

/* An unexempted conflict of rule r in scope s (the database's iam_sod_conflicts() rule). */
static bool conflicts(struct script_ctx *ctx, const struct scope_state *s, PGresult *rules, int r)
{
	const char *a = PQgetvalue(rules, r, 0), *b = PQgetvalue(rules, r, 1);
	const char *pair = arena_printf(script_arena(ctx), "%s|%s", a, b);

	return s && script_names_contain(&s->perms, a) && script_names_contain(&s->perms, b) &&
	       !(pair && script_names_contain(&s->exempt, pair));
}

static void report_scope_change(struct script_ctx *ctx, const struct scope_state *before,
				const struct scope_state *after)
{
	const struct scope_state *any = after ? after : before;
	const struct script_names empty = { NULL, 0 };
	const struct script_names *old_perms = before ? &before->perms : &empty;
	const struct script_names *new_perms = after ? &after->perms : &empty;
	char diff[1024] = "";
	size_t used = 0;

	for (size_t i = 0; i < new_perms->count && used < sizeof(diff) - 80; i++)
		if (!script_names_contain(old_perms, new_perms->items[i]))
			used += (size_t)snprintf(diff + used, sizeof(diff) - used, " +%s",
						 new_perms->items[i]);
	for (size_t i = 0; i < old_perms->count && used < sizeof(diff) - 80; i++)
		if (!script_names_contain(new_perms, old_perms->items[i]))
			used += (size_t)snprintf(diff + used, sizeof(diff) - used, " -%s",
						 old_perms->items[i]);
	script_note(ctx, "user %s %s%s: roles [%s] -> [%s]; permissions%s", any->email,
		    any->company ? "in " : "globally", any->company ? any->company : "",
		    before ? before->roles : "", after ? after->roles : "", *diff ? diff : " unchanged");
}

static bool same_scope(const struct scope_state *a, const struct scope_state *b)
{
	if (!a || !b)
		return false;
	if (strcmp(a->roles, b->roles) != 0 || a->perms.count != b->perms.count)
		return false;
	for (size_t i = 0; i < a->perms.count; i++)
		if (strcmp(a->perms.items[i], b->perms.items[i]) != 0)
			return false;
	return true;
}

static void report_users(struct script_ctx *ctx, const struct snapshot *before,
			 const struct snapshot *after)
{
	long changed = 0;

	for (size_t i = 0; i < after->count; i++) {
		const struct scope_state *old =
			find_scope(before, after->items[i].email, after->items[i].company);

		if (!same_scope(old, &after->items[i])) {
			report_scope_change(ctx, old, &after->items[i]);
			changed++;
		}
	}
	for (size_t i = 0; i < before->count; i++)
		if (!find_scope(after, before->items[i].email, before->items[i].company)) {
			report_scope_change(ctx, &before->items[i], NULL);
			changed++;
		}
	script_note(ctx, "%ld user scope%s change%s", changed, changed == 1 ? "" : "s",
		    changed == 1 ? "s" : "");
}

/* The plan's acceptance of this conflict, or NULL. */
static json_t *acceptance(const struct plan *plan, const struct scope_state *s, const char *a,
			  const char *b)
{
	json_t *entry;
	size_t i;

	json_array_foreach(plan->accepted, i, entry) {
		const char *user = str(entry, "user"), *company = str(entry, "company");
		json_t *pair = json_object_get(entry, "permissions");
		const char *p0 = json_string_value(json_array_get(pair, 0));
		const char *p1 = json_string_value(json_array_get(pair, 1));

		if (strcasecmp(user, s->email) != 0)
			continue;
		if ((company == NULL) != (s->company == NULL) ||
		    (company && strcmp(company, s->company) != 0))
			continue;
		if ((strcmp(p0, a) == 0 && strcmp(p1, b) == 0) ||
		    (strcmp(p0, b) == 0 && strcmp(p1, a) == 0))
			return entry;
	}
	return NULL;
}

static int accept_conflict(struct script_ctx *ctx, struct migration *m,
			   const struct scope_state *s, const char *a, const char *b,
			   const char *reason)
{
	const char *params[] = { s->user_id, s->company_id, a, b, reason };
	PGresult *res;
	json_t *changes;
	char *text;
	int rc = script_query(ctx, &insert_override, 5, params, &res);

	if (rc)
		return rc;
	script_change(ctx, "sod_overrides", "%s %s%s: override of %s / %s (%s)", s->email,
		      s->company ? "in " : "globally", s->company ? s->company : "", a, b, reason);
	m->changed = true;
	/* What was accepted, not just that something was. */
	changes = json_pack("{s:s, s:s?, s:[s,s], s:s}", "user", s->email, "company", s->company,
			    "pair", a, b, "reason", reason);
	text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
	json_decref(changes);
	if (!text)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	rc = script_audit_event(ctx, "iam.sod.override", "sod_override", PQgetvalue(res, 0, 0),
				s->company_id, text);
	free(text);
	return rc;
}

/*
 * Conflicts after the plan that were not there before: refused unless
 * accepted. A global conflict is reported once, not again per company.
 */
static int check_user_sod(struct script_ctx *ctx, struct migration *m,
			  const struct snapshot *before, const struct snapshot *after)
{
	PGresult *rules = m->sod_rules;
	const char *first = NULL;
	long refused = 0;
	int rc = 0;

	for (size_t i = 0; !rc && i < after->count; i++) {
		const struct scope_state *s = &after->items[i];
		const struct scope_state *old = find_scope(before, s->email, s->company);
		const struct scope_state *global = s->company ? find_scope(after, s->email, NULL) : NULL;

		for (int r = 0; !rc && r < PQntuples(rules); r++) {
			const char *a = PQgetvalue(rules, r, 0), *b = PQgetvalue(rules, r, 1);
			json_t *accepted;

			if (!conflicts(ctx, s, rules, r) || conflicts(ctx, old, rules, r) ||
			    conflicts(ctx, global, rules, r))
				continue;
			accepted = acceptance(m->plan, s, a, b);
			if (accepted) {
				rc = accept_conflict(ctx, m, s, a, b, str(accepted, "reason"));
				continue;
			}
			script_note(ctx,
				    "segregation of duties: %s would hold both %s and %s %s%s (%s)",
				    s->email, a, b, s->company ? "in " : "globally",
				    s->company ? s->company : "", PQgetvalue(rules, r, 2));
			if (!first)
				first = arena_printf(script_arena(ctx), "%s would hold both %s and %s %s%s",
						     s->email, a, b, s->company ? "in " : "globally",
						     s->company ? s->company : "");
			refused++;
		}
	}
	if (rc)
		return rc;
	if (refused)
		return script_fail(ctx, EX_DATAERR,
				   "segregation of duties: the plan creates %ld conflict%s (%s%s); list "
				   "them under accept_sod_conflicts to accept them",
				   refused, refused == 1 ? "" : "s", first ? first : "",
				   refused > 1 ? ", ..." : "");
	return 0;
}

/* --- work ---------------------------------------------------------------------------------------- */

static int work(struct script_ctx *ctx)
{
	struct migration m = { .plan = script_data(ctx) };
	struct snapshot before, after;
	PGresult *res;
	json_t *op;
	size_t i;
	int rc;

	/* Role edits through the API wait until this migration commits or rolls back. */
	rc = script_query(ctx, &lock_tables, 0, NULL, NULL);
	if (!rc)
		rc = script_query(ctx, &list_permissions, 0, NULL, &res);
	if (!rc)
		rc = script_names_from_result(ctx, res, &m.known);
	if (!rc)
		rc = script_query(ctx, &list_sod_rules, 0, NULL, &m.sod_rules);
	if (!rc)
		rc = take_snapshot(ctx, &before);
	if (rc)
		return rc;
	json_array_foreach(m.plan->operations, i, op) {
		m.op_name = str(op, "op");
		m.op_number = i + 1;
		rc = run_operation(ctx, &m, op);
		if (rc)
			return rc;
	}
	rc = take_snapshot(ctx, &after);
	if (rc)
		return rc;
	report_users(ctx, &before, &after);
	rc = check_user_sod(ctx, &m, &before, &after);
	if (rc)
		return rc;
	if (m.changed) {
		rc = script_query(ctx, &bump_authz, 0, NULL, &res);
		if (rc)
			return rc;
		script_change(ctx, "authz_version", "bumped to %s", PQgetvalue(res, 0, 0));
	}
	return 0;
}

static const struct script_descriptor descriptor = {
	.name = "migrate-roles",
	.summary = "Applies a role-migration plan: rename, merge, split, permissions, assignments.",
	.details = "Operations run in order in one transaction; any error rolls all of them back.\n"
		   "Segregation-of-duties conflicts the plan would create (per user, per company,\n"
		   "global roles counted) are refused unless listed under accept_sod_conflicts.\n"
		   "Use --dry-run first: it prints every user's roles and permissions before and\n"
		   "after. Plan format: server/scripts/plans/README.md.",
	.idempotent = false,
	.flags = flags,
	.flag_count = sizeof(flags) / sizeof(flags[0]),
	.prepare = load_plan,
	.work = work,
};

int main(int argc, char **argv)
{
	return script_main(argc, argv, &descriptor);
}

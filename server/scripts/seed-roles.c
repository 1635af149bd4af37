/*
 * erp-seed-roles: upserts the system roles of the role catalog (the build's
 * build/gen/role-catalog.json: server/prisma/seed/role-catalog.json with the
 * modules' roles.json merged in by tools/role-catalog) and exactly their
 * permission sets.
 * Permission names and segregation-of-duties pairs come from the database
 * (written by erp-server migrate from the modules' catalogs), never from
 * module code. Idempotent: a second run reports "0 changes".
 *
 * It never silently undoes somebody else's change: each system role keeps
 * the permissions and description the seed last wrote (roles.seeded_*). A
 * role that no longer matches them was changed since (by erp-migrate-roles
 * or by hand); it is left as it is and reported, unless --reset names it.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "common/json.h"
#include "scripts/runtime/names.h"
#include "scripts/runtime/script.h"
#include "shared-kernel/uuid.h"

/* The build's merged catalog (tools/role-catalog: the base and the modules' roles.json). */
#ifndef ERP_DEFAULT_ROLE_CATALOG
#define ERP_DEFAULT_ROLE_CATALOG "build/gen/role-catalog.json"
#endif
#define DEFAULT_CATALOG ERP_DEFAULT_ROLE_CATALOG

static const struct script_flag flags[] = {
	{ "catalog", "FILE", "the role catalog (default: " DEFAULT_CATALOG ")", false },
	{ "reset", "ROLES",
	  "comma-separated system roles to bring back to the catalog even though they were"
	  " changed since the last seed", false },
};

/* --- SQL ------------------------------------------------------------------------------------ */

static const struct db_statement lock_roles = {
	"seed_roles_lock", "LOCK TABLE roles, role_permissions IN SHARE ROW EXCLUSIVE MODE", false,
};
static const struct db_statement list_permissions = {
	"seed_roles_permissions", "SELECT name FROM permissions ORDER BY name", true,
};
static const struct db_statement list_sod_rules = {
	"seed_roles_sod_rules",
	"SELECT permission_a, permission_b, description FROM sod_rules"
	" ORDER BY permission_a, permission_b",
	true,
};
static const struct db_statement select_role = {
	"seed_roles_select_role",
	"SELECT id, description, system, seeded_description,"
	"       (SELECT string_agg(p, ',' ORDER BY p) FROM jsonb_array_elements_text(seeded_permissions) p)"
	"         AS seeded_permissions, seeded_permissions IS NOT NULL AS seeded"
	" FROM roles WHERE name = $1 FOR UPDATE",
	false,
};
static const struct db_statement insert_role = {
	"seed_roles_insert_role",
	"INSERT INTO roles (id, name, description, system, seeded_description, seeded_permissions)"
	" VALUES ($1, $2, $3, true, $3, $4::jsonb)",
	false,
};
static const struct db_statement update_role = {
	"seed_roles_update_role",
	"UPDATE roles SET description = $2, system = true, version = version + 1,"
	"       updated_at = now()"
	" WHERE id = $1",
	false,
};
/* What this seed wrote: the baseline the next one compares with (no version bump). */
static const struct db_statement record_seeded = {
	"seed_roles_record_seeded",
	"UPDATE roles SET seeded_description = $2, seeded_permissions = $3::jsonb"
	" WHERE id = $1 AND (seeded_description IS DISTINCT FROM $2"
	"                    OR seeded_permissions IS DISTINCT FROM $3::jsonb)",
	false,
};
static const struct db_statement role_permissions = {
	"seed_roles_role_permissions",
	"SELECT permission FROM role_permissions WHERE role_id = $1 ORDER BY permission",
	false,
};
static const struct db_statement grant_permission = {
	"seed_roles_grant",
	"INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)",
	false,
};
static const struct db_statement revoke_permission = {
	"seed_roles_revoke",
	"DELETE FROM role_permissions WHERE role_id = $1 AND permission = $2",
	false,
};
static const struct db_statement bump_authz = {
	"seed_roles_bump_authz",
	"UPDATE authz_version SET version = version + 1 RETURNING version",
	false,
};
/* Everyone who holds the role, locked as the API locks a user it decides about. */
static const struct db_statement lock_holders = {
	"seed_roles_lock_holders",
	"SELECT iam_sod_lock_users(ARRAY(SELECT user_id FROM role_assignments WHERE role_id = $1))",
	false,
};
static const struct db_statement system_roles = {
	"seed_roles_system_roles", "SELECT name FROM roles WHERE system ORDER BY name", true,
};

/* --- the catalog file (prepare) ---------------------------------------------------------------- */

struct catalog {
	const char *path;
	json_t *roles; /* validated shape: [{name, description, permissions[]}] */
};

static void free_json(void *json)
{
	json_decref(json);
}

/* The shape of one role entry; the database checks (names, SoD) come in work. */
static int check_role_shape(struct script_ctx *ctx, const char *path, size_t index, json_t *role)
{
	static const char *const keys[] = { "name", "description", "permissions" };
	const char *unknown, *name;
	json_t *perms, *perm;
	size_t i;

	if (!json_is_object(role))
		return script_fail(ctx, EX_DATAERR, "%s: roles[%zu] is not an object", path, index);
	name = json_string_value(json_object_get(role, "name"));
	if (!name)
		return script_fail(ctx, EX_DATAERR, "%s: roles[%zu] has no \"name\" string", path,
				   index);
	if (!erp_json_has_only_keys(role, keys, 3, &unknown))
		return script_fail(ctx, EX_DATAERR, "%s: role \"%s\": unknown field \"%s\"", path,
				   name, unknown);
	if (!json_is_string(json_object_get(role, "description")))
		return script_fail(ctx, EX_DATAERR, "%s: role \"%s\" has no \"description\" string",
				   path, name);
	perms = json_object_get(role, "permissions");
	if (!json_is_array(perms))
		return script_fail(ctx, EX_DATAERR, "%s: role \"%s\" has no \"permissions\" array",
				   path, name);
	json_array_foreach(perms, i, perm)
		if (!json_is_string(perm))
			return script_fail(ctx, EX_DATAERR,
					   "%s: role \"%s\": permissions[%zu] is not a string", path,
					   name, i);
	return 0;
}

static int load_catalog(struct script_ctx *ctx)
{
	static const char *const keys[] = { "comment", "roles" };
	struct catalog *catalog = arena_calloc(script_arena(ctx), 1, sizeof(*catalog));
	const char *unknown;
	json_error_t error;
	json_t *root, *role;
	size_t i;
	int rc;

	if (!catalog)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	catalog->path = script_flag(ctx, "catalog") ? script_flag(ctx, "catalog") : DEFAULT_CATALOG;
	if (access(catalog->path, R_OK) != 0)
		return script_fail(ctx, EX_NOINPUT, "cannot read the role catalog %s: %s",
				   catalog->path, strerror(errno));
	root = json_load_file(catalog->path, JSON_REJECT_DUPLICATES, &error);
	if (!root)
		return script_fail(ctx, EX_DATAERR, "%s:%d:%d: %s", catalog->path, error.line,
				   error.column, error.text);
	if (arena_cleanup_add(script_arena(ctx), free_json, root))
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	if (!json_is_object(root) || !erp_json_has_only_keys(root, keys, 2, &unknown))
		return script_fail(ctx, EX_DATAERR,
				   "%s: expected an object with \"roles\" (and \"comment\")",
				   catalog->path);
	catalog->roles = json_object_get(root, "roles");
	if (!json_is_array(catalog->roles) || json_array_size(catalog->roles) == 0)
		return script_fail(ctx, EX_DATAERR, "%s: \"roles\" must be a non-empty array",
				   catalog->path);
	json_array_foreach(catalog->roles, i, role) {
		rc = check_role_shape(ctx, catalog->path, i, role);
		if (rc)
			return rc;
	}
	script_set_data(ctx, catalog);
	return 0;
}

/* --- one role ------------------------------------------------------------------------------------ */

struct seed {
	struct script_names known;  /* the permissions table */
	PGresult *sod_rules; /* permission_a, permission_b, description */
	struct script_names reset;  /* --reset */
	bool changed;
	long kept;           /* roles left as somebody changed them */
};

/* The catalog's permission set of a role, sorted, checked against the database. */
static int wanted_permissions(struct script_ctx *ctx, struct seed *seed, const char *path,
			      const char *name, json_t *perms, struct script_names *out)
{
	json_t *perm;
	size_t i;

	out->count = json_array_size(perms);
	out->items = arena_calloc(script_arena(ctx), out->count + 1, sizeof(*out->items));
	if (!out->items)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	json_array_foreach(perms, i, perm) {
		out->items[i] = json_string_value(perm);
		if (!script_names_contain(&seed->known, out->items[i]))
			return script_fail(ctx, EX_DATAERR,
					   "%s: role \"%s\": unknown permission \"%s\" (not in the "
					   "permissions table; is erp-server migrate current?)",
					   path, name, out->items[i]);
	}
	qsort(out->items, out->count, sizeof(*out->items), script_names_compare);
	for (i = 1; i < out->count; i++)
		if (strcmp(out->items[i - 1], out->items[i]) == 0)
			return script_fail(ctx, EX_DATAERR, "%s: role \"%s\": permission \"%s\" twice",
					   path, name, out->items[i]);
	for (int r = 0; r < PQntuples(seed->sod_rules); r++)
		if (script_names_contain(out, PQgetvalue(seed->sod_rules, r, 0)) &&
		    script_names_contain(out, PQgetvalue(seed->sod_rules, r, 1)))
			return script_fail(ctx, EX_DATAERR,
					   "%s: role \"%s\" holds both %s and %s, a "
					   "segregation-of-duties pair (%s)",
					   path, name, PQgetvalue(seed->sod_rules, r, 0),
					   PQgetvalue(seed->sod_rules, r, 1),
					   PQgetvalue(seed->sod_rules, r, 2));
	return 0;
}

/* Makes the role's permissions exactly wanted; *changed when anything moved. */
static int sync_permissions(struct script_ctx *ctx, const char *id, const char *name,
			    const struct script_names *have, const struct script_names *wanted, bool *changed)
{
	size_t h = 0, w = 0;
	int rc = 0;

	while (rc == 0 && (h < have->count || w < wanted->count)) {
		int order = h == have->count	 ? 1
			    : w == wanted->count ? -1
						 : strcmp(have->items[h], wanted->items[w]);

		if (order == 0) {
			h++, w++;
		} else if (order < 0) {
			const char *params[] = { id, have->items[h] };

			rc = script_query(ctx, &revoke_permission, 2, params, NULL);
			if (rc == 0)
				script_change(ctx, "role_permissions", "%s: revoked %s", name,
					      have->items[h]);
			h++;
			*changed = true;
		} else {
			const char *params[] = { id, wanted->items[w] };

			rc = script_query(ctx, &grant_permission, 2, params, NULL);
			if (rc == 0)
				script_change(ctx, "role_permissions", "%s: granted %s", name,
					      wanted->items[w]);
			w++;
			*changed = true;
		}
	}
	return rc;
}

/* {"field": {"old": x, "new": y}} for the audit trail; NULL when out of memory. */
static char *role_changes(struct script_ctx *ctx, const char *name, const char *old_description,
			  const char *new_description, const struct script_names *old_perms,
			  const struct script_names *new_perms, bool created)
{
	json_t *changes = json_object();
	char *text, *copy;

	if (!changes)
		return NULL;
	if (created)
		json_object_set_new(changes, "name", json_pack("{s:n, s:s}", "old", "new", name));
	if (!old_description || strcmp(old_description, new_description) != 0)
		json_object_set_new(changes, "description",
				    json_pack("{s:o, s:s}", "old",
					      old_description ? json_string(old_description)
							      : json_null(),
					      "new", new_description));
	json_object_set_new(changes, "permissions",
			    json_pack("{s:o, s:o}", "old", created ? json_null() : script_names_json(old_perms),
				      "new", script_names_json(new_perms)));
	text = json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(changes);
	copy = text ? arena_strdup(script_arena(ctx), text) : NULL;
	free(text);
	return copy;
}

/* The names as a JSON array's text, in the arena; NULL when out of memory. */
static char *names_json_text(struct script_ctx *ctx, const struct script_names *names)
{
	json_t *array = script_names_json(names);
	char *text = array ? json_dumps(array, JSON_COMPACT) : NULL;
	char *copy = text ? arena_strdup(script_arena(ctx), text) : NULL;

	free(text);
	json_decref(array);
	return copy;
}

/* " +a -b": what to has that from has not, and the other way round ("" when equal). */
static char *names_diff(struct script_ctx *ctx, const struct script_names *from,
			const struct script_names *to)
{
	char *out = arena_strdup(script_arena(ctx), "");

	for (size_t i = 0; out && i < to->count; i++)
		if (!script_names_contain(from, to->items[i]))
			out = arena_printf(script_arena(ctx), "%s +%s", out, to->items[i]);
	for (size_t i = 0; out && i < from->count; i++)
		if (!script_names_contain(to, from->items[i]))
			out = arena_printf(script_arena(ctx), "%s -%s", out, from->items[i]);
	return out;
}

/*
 * Whether the role is as the last seed left it. Returns 0 (go ahead: it is,
 * or --reset names it), -1 (somebody changed it since: left alone, reported),
 * or an exit code. A role created over the API under a catalog name is never
 * taken over.
 */
static int check_untouched(struct script_ctx *ctx, struct seed *seed, const char *name,
			   PGresult *row, const char *description, const struct script_names *have,
			   const struct script_names *wanted)
{
	const char *seeded_description = PQgetisnull(row, 0, PQfnumber(row, "seeded_description"))
						 ? NULL : PQgetvalue(row, 0, PQfnumber(row, "seeded_description"));
	bool system = strcmp(PQgetvalue(row, 0, PQfnumber(row, "system")), "t") == 0;
	bool seeded = strcmp(PQgetvalue(row, 0, PQfnumber(row, "seeded")), "t") == 0;
	struct script_names baseline = { NULL, 0 };
	char *changed_by_others, *catalog_wants;
	int rc;

	if (!system) {
		seed->kept++;
		script_note(ctx, "role %s exists but was made over the API, not by the catalog: left"
				 " alone (rename it so the catalog can create its own)", name);
		return -1;
	}
	if (seeded) {
		rc = script_names_split(ctx, PQgetvalue(row, 0, PQfnumber(row, "seeded_permissions")),
					&baseline);
		if (rc)
			return rc;
	} else {
		/* Seeded before the baseline was kept: as it is now counts as seeded if the catalog agrees. */
		baseline = *wanted;
		seeded_description = description;
	}
	changed_by_others = names_diff(ctx, &baseline, have);
	catalog_wants = names_diff(ctx, have, wanted);
	if (!changed_by_others || !catalog_wants)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	if (!*changed_by_others &&
	    strcmp(seeded_description, PQgetvalue(row, 0, PQfnumber(row, "description"))) == 0)
		return 0;
	if (script_names_contain(&seed->reset, name)) {
		script_note(ctx, "role %s was changed since the last seed (%s); --reset brings it back"
				 " to the catalog", name, *changed_by_others ? changed_by_others + 1
									 : "description");
		return 0;
	}
	seed->kept++;
	script_note(ctx, "role %s was changed since the last seed (%s): left as it is; the catalog"
			 " would make it%s%s. Run with --reset %s to apply the catalog",
		    name, *changed_by_others ? changed_by_others + 1 : "its description",
		    *catalog_wants ? catalog_wants : " as seeded",
		    strcmp(description, PQgetvalue(row, 0, PQfnumber(row, "description"))) != 0
			    ? " (and change the description)" : "",
		    name);
	return -1;
}

static int seed_role(struct script_ctx *ctx, struct seed *seed, const char *path, json_t *role,
		     size_t index)
{
	const char *name = json_string_value(json_object_get(role, "name"));
	const char *description = json_string_value(json_object_get(role, "description"));
	json_t *entries = script_data(ctx) ? ((struct catalog *)script_data(ctx))->roles : NULL;
	struct script_names wanted, have = { NULL, 0 };
	bool created = false, updated = false, perms_changed = false;
	const char *old_description = NULL;
	char id[ERP_UUID_TEXT_LEN + 1];
	char *wanted_json;
	PGresult *res, *perms_res;
	int rc;

	if (!script_is_role_name(name))
		return script_fail(ctx, EX_DATAERR,
				   "%s: role \"%s\": a role name is 1..64 of a-z 0-9 _ - and starts "
				   "with a letter",
				   path, name);
	for (size_t j = 0; j < index; j++)
		if (strcmp(json_string_value(json_object_get(json_array_get(entries, j), "name")),
			   name) == 0)
			return script_fail(ctx, EX_DATAERR, "%s: role \"%s\" is listed twice", path,
					   name);
	rc = wanted_permissions(ctx, seed, path, name, json_object_get(role, "permissions"),
				&wanted);
	if (rc)
		return rc;
	wanted_json = names_json_text(ctx, &wanted);
	if (!wanted_json)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");

	rc = script_query(ctx, &select_role, 1, &name, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0) {
		struct erp_uuid uuid;
		const char *params[] = { id, name, description, wanted_json };

		erp_uuid_v7(&uuid);
		erp_uuid_format(&uuid, id);
		rc = script_query(ctx, &insert_role, 4, params, NULL);
		if (rc)
			return rc;
		script_change(ctx, "roles", "created role %s", name);
		created = true;
	} else {
		snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
		old_description = PQgetvalue(res, 0, 1);
		updated = strcmp(old_description, description) != 0 ||
			  strcmp(PQgetvalue(res, 0, 2), "t") != 0;
		{
			const char *params[] = { id };

			rc = script_query(ctx, &role_permissions, 1, params, &perms_res);
			if (!rc)
				rc = script_names_from_result(ctx, perms_res, &have);
			if (rc)
				return rc;
		}
		rc = check_untouched(ctx, seed, name, res, description, &have, &wanted);
		if (rc)
			return rc > 0 ? rc : 0; /* < 0: kept as changed, reported */
		{
			const char *params[] = { id };

			rc = script_query(ctx, &lock_holders, 1, params, NULL);
			if (rc)
				return rc;
		}
	}
	rc = sync_permissions(ctx, id, name, &have, &wanted, &perms_changed);
	if (rc)
		return rc;
	if (!created) {
		/* Also when nothing moved: roles seeded before the baseline existed get one. */
		const char *params[] = { id, description, wanted_json };

		rc = script_query(ctx, &record_seeded, 3, params, NULL);
		if (rc)
			return rc;
	}
	if (!created && (updated || perms_changed)) {
		const char *params[] = { id, description };

		rc = script_query(ctx, &update_role, 2, params, NULL);
		if (rc)
			return rc;
		script_change(ctx, "roles", "updated role %s (%s%s%s)", name,
			      updated ? "description, system" : "",
			      updated && perms_changed ? "; " : "", perms_changed ? "permissions" : "");
	}
	if (created || updated || perms_changed) {
		char *changes = role_changes(ctx, name, old_description, description, &have,
					     &wanted, created);

		if (!changes)
			return script_fail(ctx, EX_SOFTWARE, "out of memory");
		rc = script_audit_event(ctx, created ? "iam.role.created" : "iam.role.updated", "role",
					id, NULL, changes);
		if (rc)
			return rc;
		seed->changed = true;
	}
	return 0;
}

/* --- work ------------------------------------------------------------------------------------------- */

/*
 * After the upsert: a user who now holds both sides of a pair in one scope
 * (global roles count in every company), through several roles, without an
 * override of that pair there. The same rule as the API: the database's
 * iam_sod_conflicts().
 */
static const struct db_statement user_conflict = {
	"seed_roles_user_conflict",
	"SELECT u.email, coalesce(c.code, 'every company (global roles)'), x.permission_a,"
	"       x.permission_b"
	" FROM iam_sod_conflicts(NULL) x JOIN users u ON u.id = x.user_id"
	" LEFT JOIN companies c ON c.id = x.company_id"
	" ORDER BY 1, 2 LIMIT 1",
	false,
};

static int work(struct script_ctx *ctx)
{
	struct catalog *catalog = script_data(ctx);
	struct seed seed = { 0 };
	struct script_names catalog_names = { NULL, 0 };
	PGresult *res;
	json_t *role;
	size_t i;
	int rc;

	/* Serializes with other seeds and with role edits through the API meanwhile. */
	rc = script_query(ctx, &lock_roles, 0, NULL, NULL);
	if (!rc)
		rc = script_query(ctx, &list_permissions, 0, NULL, &res);
	if (!rc)
		rc = script_names_from_result(ctx, res, &seed.known);
	if (!rc)
		rc = script_query(ctx, &list_sod_rules, 0, NULL, &seed.sod_rules);
	if (rc)
		return rc;
	if (seed.known.count == 0)
		return script_fail(ctx, EX_DATAERR,
				   "the permissions table is empty: run erp-server migrate first");
	if (script_flag(ctx, "reset")) {
		rc = script_names_split(ctx, script_flag(ctx, "reset"), &seed.reset);
		if (rc)
			return rc;
	}

	json_array_foreach(catalog->roles, i, role) {
		rc = seed_role(ctx, &seed, catalog->path, role, i);
		if (rc)
			return rc;
	}
	if (seed.changed) {
		rc = script_query(ctx, &user_conflict, 0, NULL, &res);
		if (rc)
			return rc;
		if (PQntuples(res) > 0)
			return script_fail(ctx, EX_DATAERR,
					   "the catalog would give %s both %s and %s in %s "
					   "(segregation of duties); change the catalog or the assignments",
					   PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2),
					   PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 1));
		rc = script_query(ctx, &bump_authz, 0, NULL, &res);
		if (rc)
			return rc;
		script_change(ctx, "authz_version", "bumped to %s (servers re-derive permissions)",
			      PQgetvalue(res, 0, 0));
	}

	if (seed.kept)
		script_note(ctx, "%ld role%s kept as changed since the last seed", seed.kept,
			    seed.kept == 1 ? "" : "s");

	/* System roles that left the catalog are reported, never deleted here. */
	catalog_names.count = json_array_size(catalog->roles);
	catalog_names.items = arena_calloc(script_arena(ctx), catalog_names.count + 1,
					   sizeof(*catalog_names.items));
	if (!catalog_names.items)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	json_array_foreach(catalog->roles, i, role)
		catalog_names.items[i] = json_string_value(json_object_get(role, "name"));
	qsort(catalog_names.items, catalog_names.count, sizeof(*catalog_names.items),
	      script_names_compare);
	rc = script_query(ctx, &system_roles, 0, NULL, &res);
	if (rc)
		return rc;
	for (int r = 0; r < PQntuples(res); r++)
		if (!script_names_contain(&catalog_names, PQgetvalue(res, r, 0)))
			script_note(ctx,
				    "system role %s is not in the catalog any more: retire it with "
				    "erp-migrate-roles",
				    PQgetvalue(res, r, 0));
	return 0;
}

static const struct script_descriptor descriptor = {
	.name = "seed-roles",
	.summary = "Upserts the system roles of the role catalog and exactly their permissions.",
	.details = "Unknown permission names and a role holding both sides of a\n"
		   "segregation-of-duties pair are data errors (exit 65) naming the entry,\n"
		   "and so is a catalog that would give one user both sides through several roles.\n"
		   "Roles not in the catalog are left alone (system ones are reported).\n"
		   "A system role changed since the last seed (by erp-migrate-roles or by\n"
		   "hand) is left as it is and reported, unless --reset names it.",
	.idempotent = true,
	.flags = flags,
	.flag_count = sizeof(flags) / sizeof(flags[0]),
	.prepare = load_catalog,
	.work = work,
};

int main(int argc, char **argv)
{
	return script_main(argc, argv, &descriptor);
}

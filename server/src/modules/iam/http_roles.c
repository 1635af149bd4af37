/* Roles: create, list, get, update the permission set (If-Match), delete when unassigned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "platform/audit.h"
#include "platform/events.h"
#include "platform/schema.h"
#include "shared-kernel/errors.h"

#define ROLE_JSON                                                                          \
	"json_build_object('id', r.id, 'name', r.name, 'description', r.description,"      \
	" 'system', r.system, 'version', r.version,"                                       \
	" 'permissions', (SELECT coalesce(json_agg(permission ORDER BY permission), '[]')"  \
	"                 FROM role_permissions WHERE role_id = r.id),"                      \
	" 'created_at', r.created_at, 'updated_at', r.updated_at)"

static const struct db_statement unknown_permissions = {
	"iam_roles_unknown_permissions",
	"SELECT string_agg(p, ', ' ORDER BY p) FROM jsonb_array_elements_text($1::jsonb) p"
	" WHERE p NOT IN (SELECT name FROM permissions)",
	true,
};
/* A role to copy: its permission set (JSON array text) and description. */
static const struct db_statement copy_source = {
	"iam_roles_copy_source",
	"SELECT (SELECT coalesce(jsonb_agg(permission ORDER BY permission), '[]'::jsonb)"
	"          FROM role_permissions WHERE role_id = r.id)::text AS permissions, r.description"
	" FROM roles r WHERE r.name = $1",
	true,
};
/* Privileged permissions the new set adds to a role, and how many users hold the role. */
static const struct db_statement added_privileged = {
	"iam_roles_added_privileged",
	"SELECT (SELECT string_agg(p, ', ' ORDER BY p) FROM jsonb_array_elements_text($2::jsonb) p"
	"         WHERE iam_is_privileged(p)"
	"           AND p NOT IN (SELECT permission FROM role_permissions WHERE role_id = $1)) AS added,"
	"       (SELECT count(DISTINCT user_id) FROM role_assignments WHERE role_id = $1) AS holders",
	false,
};
static const struct db_statement insert_role = {
	"iam_roles_insert",
	"INSERT INTO roles (id, name, description) VALUES ($1, $2, coalesce($3, ''))",
	false,
};
static const struct db_statement set_permissions = {
	"iam_roles_set_permissions",
	/* One statement's CTEs share a snapshot: deleting every row and re-inserting a kept
	 * one collides with itself, so only the dropped permissions are deleted. */
	"WITH dropped AS (DELETE FROM role_permissions WHERE role_id = $1"
	"  AND permission NOT IN (SELECT jsonb_array_elements_text($2::jsonb)))"
	" INSERT INTO role_permissions (role_id, permission)"
	" SELECT DISTINCT $1::uuid, p FROM jsonb_array_elements_text($2::jsonb) p"
	" ON CONFLICT DO NOTHING",
	false,
};
static const struct db_statement list_roles = {
	"iam_roles_list",
	PAGING_SQL("SELECT " ROLE_JSON " AS j, r.name AS k1, r.id::text AS k2 FROM roles r"
		   " WHERE ($1::text IS NULL OR (r.name, r.id::text) > ($1, $2))"
		   " ORDER BY r.name, r.id::text LIMIT $3::int", "$3"),
	true,
};
static const struct db_statement get_role = {
	"iam_roles_get", "SELECT " ROLE_JSON " FROM roles r WHERE r.name = $1", true,
};
static const struct db_statement lock_role = {
	"iam_roles_lock", "SELECT " ROLE_JSON " FROM roles r WHERE r.name = $1 FOR UPDATE", false,
};
static const struct db_statement touch_role = {
	"iam_roles_touch",
	"UPDATE roles SET description = coalesce($2, description), version = version + 1,"
	" updated_at = now() WHERE id = $1",
	false,
};
static const struct db_statement role_assigned = {
	"iam_roles_assigned", "SELECT count(*) FROM role_assignments WHERE role_id = $1", false,
};
static const struct db_statement delete_role = {
	"iam_roles_delete", "DELETE FROM roles WHERE id = $1", false,
};

struct role_change {
	struct erp_request *req;
	char id[40];
	const char *name;
	int expected_version;
	const char *permissions;  /* JSON array text, or NULL: unchanged */
	json_t *before;
	json_t *after;
	char *problem;            /* a sentence for 409/422 */
	bool unknown;             /* problem is about the permission list (422) */
	const char *field;        /* ... at this pointer (NULL: /permissions) */
	bool system;              /* refused: a system role is read-only over the API */
};

/*
 * iam.sod.override never comes through the API: a role holding it is made by
 * the role catalog (erp-seed-roles), so an administrator cannot mint one.
 */
static const char sod_override[] = "iam.sod.override";

static bool names_override(const char *permissions_json)
{
	json_t *list = json_loads(permissions_json, 0, NULL), *item;
	bool found = false;
	size_t i;

	json_array_foreach(list, i, item)
		found = found || (json_is_string(item) && strcmp(json_string_value(item), sod_override) == 0);
	json_decref(list);
	return found;
}

static int check_permission_set(struct db_conn *db, struct role_change *c)
{
	PGresult *res;
	int rc;

	if (names_override(c->permissions)) {
		c->problem = "iam.sod.override cannot be given to a role over the API; it comes only"
			     " with the seeded role sod-override";
		c->unknown = true;
		return ERP_ERR_INVALID;
	}
	rc = db_query(db, c->req->arena, &unknown_permissions, 1, &c->permissions, &res);
	if (rc)
		return rc;
	if (!PQgetisnull(res, 0, 0)) {
		c->problem = arena_printf(c->req->arena, "unknown permissions: %s", PQgetvalue(res, 0, 0));
		c->unknown = true;
		return ERP_ERR_INVALID;
	}
	return iam_sod_pair_in_set(db, c->req->arena, c->permissions, &c->problem);
}

/* The audit event and the domain event (global stream) of a change; action names both. */
static int audit_role(struct db_conn *db, struct role_change *c, const char *action)
{
	static const char *const fields[] = { "name", "description", "permissions" };
	static const char *const event_fields[] = { "id", "name", "description", "system",
						    "permissions", "version" };
	int rc = audit_record_changes(db, &(struct audit_event){
		.actor_id = iam_principal(c->req)->user_id, .action = action, .entity = "role",
		.entity_id = c->id, .request_id = c->req->request_id },
		c->before, c->after, fields, ERP_COUNT(fields));

	return rc ? rc : event_record_change(db, &(struct domain_event){
		.type = action, .entity = "role", .entity_id = c->id,
		.actor_id = iam_principal(c->req)->user_id, .request_id = c->req->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

static int respond_change_error(struct erp_request *req, struct role_change *c, int rc)
{
	if (rc == ERP_ERR_INVALID && c->unknown) {
		json_t *errors = json_array();

		schema_error_add(errors, c->field ? c->field : "/permissions", "unknown", c->problem);
		rc = http_respond_invalid(req, c->problem, errors);
		json_decref(errors);
		return rc;
	}
	if (c->system)
		return http_respond_problem(req, &PROBLEM_CONFLICT,
					    "system roles are read-only over the API: copy the role"
					    " (POST /api/v1/roles with \"copy_of\") and change the copy");
	if (rc == ERP_ERR_CONFLICT)
		return http_respond_problem(req, &PROBLEM_CONFLICT,
					    c->problem ? c->problem : "a role with this name already exists");
	if (rc == ERP_ERR_STALE)
		return http_respond_problem(req, &PROBLEM_PRECONDITION,
					    "the role was changed since you read it; read it again");
	return rc;
}

static int respond_role(struct erp_request *req, int status, json_t *role)
{
	etag_set(req, role);
	return http_respond_json(req, status, json_incref(role));
}

/* --- create ------------------------------------------------------------------------------ */

/* "copy_of": the permission set (and, unless given, the description) of another role. */
static int copy_role(struct db_conn *db, struct role_change *c, const char **description)
{
	const char *source = json_string_value(json_object_get(c->req->body, "copy_of"));
	PGresult *res;
	int rc;

	if (!source)
		return ERP_OK;
	rc = db_query(db, c->req->arena, &copy_source, 1, &source, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0) {
		c->problem = "no role has this name";
		c->unknown = true;
		c->field = "/copy_of";
		return ERP_ERR_INVALID;
	}
	c->permissions = PQgetvalue(res, 0, PQfnumber(res, "permissions"));
	if (!*description)
		*description = PQgetvalue(res, 0, PQfnumber(res, "description"));
	return ERP_OK;
}

static int create_work(struct db_conn *db, void *ctx)
{
	struct role_change *c = ctx;
	const char *description = json_string_value(json_object_get(c->req->body, "description"));
	const char *insert[3], *perms[2];
	int rc = copy_role(db, c, &description);

	if (!rc)
		rc = check_permission_set(db, c);
	insert[0] = c->id;
	insert[1] = c->name;
	insert[2] = description;
	perms[0] = c->id;
	perms[1] = c->permissions;

	if (!rc)
		rc = db_query(db, NULL, &insert_role, 3, insert, NULL);
	if (!rc)
		rc = db_query(db, NULL, &set_permissions, 2, perms, NULL);
	if (!rc)
		rc = resource_query_json(db, c->req->arena, &get_role, 1, &c->name, &c->after);
	return rc ? rc : audit_role(db, c, "iam.role.created");
}

int iam_roles_create(struct erp_request *req)
{
	struct role_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	json_t *given = json_object_get(req->body, "permissions");
	bool copy = json_object_get(req->body, "copy_of") != NULL;
	char *perms = NULL;
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	if (!given == !copy)
		return resource_field_error(req, given ? "/copy_of" : "/permissions",
					    "give either permissions or copy_of (the role to copy)");
	if (given) {
		perms = erp_json_dumps(given, JSON_COMPACT);
		if (!perms || arena_cleanup_add(req->arena, free, perms))
			return ERP_ERR_NO_MEMORY;
	}
	c->req = req;
	c->name = json_string_value(json_object_get(req->body, "name"));
	if (!iam_is_role_name(c->name))
		return resource_field_error(req, "/name",
					       "must be lower-case letters, digits, '_' or '-', starting with a letter");
	c->permissions = perms;
	iam_new_id(c->id);
	rc = db_transaction(http_db(req), create_work, c);
	if (rc)
		return respond_change_error(req, c, rc);
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/roles/%s", c->name));
	return respond_role(req, 201, c->after);
}

/* --- list, get ------------------------------------------------------------------------------ */

int iam_roles_list(struct erp_request *req)
{
	return paging_respond_list(req, &list_roles, 2, NULL, 0);
}

int iam_roles_get(struct erp_request *req)
{
	const char *name = http_param(req, "role");
	json_t *role;
	int rc = resource_query_json(http_db(req), req->arena, &get_role, 1, &name, &role);

	return rc ? rc : respond_role(req, 200, role);
}

/* --- update ---------------------------------------------------------------------------------- */

/*
 * Adding a privileged permission to a role people already hold would grant
 * it to all of them without a second administrator: refused. Make a new role
 * and request the grants instead.
 */
static int check_no_silent_grant(struct db_conn *db, struct role_change *c)
{
	const char *params[] = { c->id, c->permissions };
	PGresult *res;
	int rc = db_query(db, c->req->arena, &added_privileged, 2, params, &res);

	if (rc)
		return rc;
	if (PQgetisnull(res, 0, PQfnumber(res, "added")) ||
	    strcmp(PQgetvalue(res, 0, PQfnumber(res, "holders")), "0") == 0)
		return ERP_OK;
	c->problem = arena_printf(c->req->arena,
				  "the role is held by %s user(s); adding %s would grant it to them"
				  " without a second administrator: create a new role and request"
				  " its grants",
				  PQgetvalue(res, 0, PQfnumber(res, "holders")),
				  PQgetvalue(res, 0, PQfnumber(res, "added")));
	return c->problem ? ERP_ERR_CONFLICT : ERP_ERR_NO_MEMORY;
}

static int check_holders(struct db_conn *db, struct role_change *c)
{
	struct iam_sod_conflicts conflicts;
	int rc = iam_sod_conflicts_of_holders(db, c->req->arena, c->id, &conflicts);

	if (rc || conflicts.count == 0)
		return rc;
	c->problem = conflicts.sentence;
	return ERP_ERR_CONFLICT;
}

static int update_work(struct db_conn *db, void *ctx)
{
	struct role_change *c = ctx;
	const char *touch[2], *perms[2];
	int rc = resource_query_json(db, c->req->arena, &lock_role, 1, &c->name, &c->before);

	if (rc)
		return rc;
	snprintf(c->id, sizeof(c->id), "%s", json_string_value(json_object_get(c->before, "id")));
	if (json_is_true(json_object_get(c->before, "system"))) {
		c->system = true;
		return ERP_ERR_CONFLICT;
	}
	if (json_integer_value(json_object_get(c->before, "version")) != c->expected_version)
		return ERP_ERR_STALE;
	if (c->permissions) {
		rc = check_permission_set(db, c);
		if (!rc)
			rc = check_no_silent_grant(db, c);
		perms[0] = c->id;
		perms[1] = c->permissions;
		/* Everyone holding the role gets the new set: lock them, then none may end in a conflict. */
		if (!rc)
			rc = iam_sod_lock_holders(db, c->id);
		if (!rc)
			rc = db_query(db, NULL, &set_permissions, 2, perms, NULL);
		if (!rc)
			rc = check_holders(db, c);
		if (!rc)
			rc = iam_bump_authz_version(db);
		if (rc)
			return rc;
	}
	touch[0] = c->id;
	touch[1] = json_string_value(json_object_get(c->req->body, "description"));
	rc = db_query(db, NULL, &touch_role, 2, touch, NULL);
	if (!rc)
		rc = resource_query_json(db, c->req->arena, &get_role, 1, &c->name, &c->after);
	return rc ? rc : audit_role(db, c, "iam.role.updated");
}

int iam_roles_update(struct erp_request *req)
{
	struct role_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	json_t *perms;
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->name = http_param(req, "role");
	perms = json_object_get(req->body, "permissions");
	if (perms) {
		char *text = erp_json_dumps(perms, JSON_COMPACT);

		if (!text || arena_cleanup_add(req->arena, free, text))
			return ERP_ERR_NO_MEMORY;
		c->permissions = text;
	}
	if (etag_if_match(req, &c->expected_version))
		return 0;
	rc = db_transaction(http_db(req), update_work, c);
	return rc ? respond_change_error(req, c, rc) : respond_role(req, 200, c->after);
}

/* --- delete ------------------------------------------------------------------------------------ */

static int delete_work(struct db_conn *db, void *ctx)
{
	struct role_change *c = ctx;
	const char *id[1];
	PGresult *res;
	int rc = resource_query_json(db, c->req->arena, &lock_role, 1, &c->name, &c->before);

	if (rc)
		return rc;
	snprintf(c->id, sizeof(c->id), "%s", json_string_value(json_object_get(c->before, "id")));
	if (json_is_true(json_object_get(c->before, "system"))) {
		c->system = true;
		return ERP_ERR_CONFLICT;
	}
	id[0] = c->id;
	rc = db_query(db, c->req->arena, &role_assigned, 1, id, &res);
	if (rc)
		return rc;
	if (strcmp(PQgetvalue(res, 0, 0), "0") != 0) {
		c->problem = arena_printf(c->req->arena,
					  "the role is assigned %s time(s); revoke the assignments first",
					  PQgetvalue(res, 0, 0));
		return ERP_ERR_CONFLICT;
	}
	rc = db_query(db, NULL, &delete_role, 1, id, NULL);
	if (!rc)
		rc = iam_bump_authz_version(db);
	return rc ? rc : audit_role(db, c, "iam.role.deleted");
}

int iam_roles_delete(struct erp_request *req)
{
	struct role_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->name = http_param(req, "role");
	rc = db_transaction(http_db(req), delete_work, c);
	return rc ? respond_change_error(req, c, rc) : http_respond_empty(req, 204);
}

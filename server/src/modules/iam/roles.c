/*
 * Roles: create (with a permission set, or as a copy of another role),
 * read, change the description or permission set (against the version
 * read), delete when nobody holds it. System roles are read-only here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

struct role_change {
	const struct iam_role_input *in;
	char id[40];
	const char *permissions;  /* JSON array text, or NULL: unchanged */
	json_t *before;
	json_t *after;
};

/*
 * iam.sod.override never comes through the API: a role holding it is made by
 * the role catalog (erp-seed-roles), so an administrator cannot mint one.
 */
static const char sod_override[] = "iam.sod.override";

/* A refusal of a name the input gives that names nothing known (a permission, a role to copy). */
static int refuse_unknown(struct erp_ctx *ctx, const char *pointer, const char *detail)
{
	if (!detail)
		return ERP_ERR_NO_MEMORY;
	erp_refuse(&ctx->refusal, ERP_ERR_INVALID, detail);
	return erp_refuse_field_code(&ctx->refusal, pointer, "unknown", detail);
}

int iam_role_check_new(struct erp_refusal *refusal, const struct iam_role_input *in)
{
	if (in->permissions.given == (in->copy_of != NULL))
		return erp_refuse_field_code(refusal, in->permissions.given ? "/copy_of" : "/permissions",
					     "format",
					     "give either permissions or copy_of (the role to copy)");
	if (!iam_is_role_name(in->name))
		return erp_refuse_field_code(refusal, "/name", "format",
					     "must be lower-case letters, digits, '_' or '-',"
					     " starting with a letter");
	return ERP_OK;
}

int iam_role_check_permissions(struct erp_refusal *refusal, const char *permissions_json)
{
	json_t *list = json_loads(permissions_json, 0, NULL), *item;
	bool found = false;
	size_t i;

	json_array_foreach(list, i, item)
		found = found || (json_is_string(item) && strcmp(json_string_value(item), sod_override) == 0);
	json_decref(list);
	if (!found)
		return ERP_OK;
	erp_refuse(refusal, ERP_ERR_INVALID,
		   "iam.sod.override cannot be given to a role over the API; it comes only"
		   " with the seeded role sod-override");
	return erp_refuse_field_code(refusal, "/permissions", "unknown", refusal->detail);
}

/* The set as the statements take it: JSON array text in the arena (NULL: not given). */
static int permissions_text(struct arena *arena, const struct iam_permission_set *set,
			    const char **out)
{
	json_t *list;
	char *text;
	int rc = ERP_OK;

	*out = NULL;
	if (!set->given)
		return ERP_OK;
	list = json_array();
	for (size_t i = 0; list && i < set->count; i++)
		if (json_array_append_new(list, json_string(set->names[i])))
			rc = ERP_ERR_NO_MEMORY;
	text = list && !rc ? erp_json_dumps(list, JSON_COMPACT) : NULL;
	json_decref(list);
	/* arena_cleanup_add() frees the text when it fails */
	if (!text || arena_cleanup_add(arena, free, text))
		return ERP_ERR_NO_MEMORY;
	*out = text;
	return ERP_OK;
}

/* The set's rules that need the catalog: known names, and no pair of a segregation-of-duties rule. */
static int check_permission_set(struct erp_ctx *ctx, struct role_change *c)
{
	PGresult *res;
	const char *unknown;
	char *pair = NULL;
	int rc = iam_role_check_permissions(&ctx->refusal, c->permissions);

	if (rc)
		return rc;
	rc = db_query(ctx->db, ctx->arena, &iam_sql_role_unknown_permissions, 1, &c->permissions, &res);
	if (rc)
		return rc;
	unknown = db_value(res, 0, "unknown");
	if (unknown)
		return refuse_unknown(ctx, "/permissions",
				      arena_printf(ctx->arena, "unknown permissions: %s", unknown));
	rc = iam_sod_pair_in_set(ctx->db, ctx->arena, c->permissions, &pair);
	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse(&ctx->refusal, rc, pair);
	return rc;
}

/* The audit event and the domain event (global stream) of a change; action names both. */
static int audit_role(struct erp_ctx *ctx, struct role_change *c, const char *action)
{
	static const char *const fields[] = { "name", "description", "permissions" };
	static const char *const event_fields[] = { "id", "name", "description", "system",
						    "permissions", "version" };
	int rc = audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = action, .entity = "role", .entity_id = c->id,
		.request_id = ctx->request_id },
		c->before, c->after, fields, ERP_COUNT(fields));

	return rc ? rc : event_record_change(ctx->db, &(struct domain_event){
		.type = action, .entity = "role", .entity_id = c->id,
		.actor_id = ctx->actor_id, .request_id = ctx->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

/* A role that is there to change: locked, not a system role. */
static int lock_changeable(struct erp_ctx *ctx, struct role_change *c)
{
	int rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_role_lock, 1, &c->in->name,
				     &c->before);

	if (rc)
		return rc;
	snprintf(c->id, sizeof(c->id), "%s", json_string_value(json_object_get(c->before, "id")));
	if (json_is_true(json_object_get(c->before, "system")))
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "system roles are read-only over the API: copy the role"
				  " (POST /api/v1/roles with \"copy_of\") and change the copy");
	return ERP_OK;
}

/* --- create ------------------------------------------------------------------------------ */

/* "copy_of": the permission set (and, unless given, the description) of another role. */
static int copy_role(struct erp_ctx *ctx, struct role_change *c, const char **description)
{
	PGresult *res;
	int rc;

	if (!c->in->copy_of)
		return ERP_OK;
	rc = db_query(ctx->db, ctx->arena, &iam_sql_role_copy_source, 1, &c->in->copy_of, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return refuse_unknown(ctx, "/copy_of", "no role has this name");
	c->permissions = db_value(res, 0, "permissions");
	if (!*description)
		*description = db_value(res, 0, "description");
	return ERP_OK;
}

static int create_work(struct erp_ctx *ctx, void *state)
{
	struct role_change *c = state;
	const char *description = c->in->description;
	const char *insert[3], *perms[2];
	int rc = copy_role(ctx, c, &description);

	if (!rc)
		rc = check_permission_set(ctx, c);
	insert[0] = c->id;
	insert[1] = c->in->name;
	insert[2] = description;
	perms[0] = c->id;
	perms[1] = c->permissions;
	if (!rc) {
		rc = db_query(ctx->db, NULL, &iam_sql_role_insert, 3, insert, NULL);
		if (rc == ERP_ERR_CONFLICT)
			return erp_refuse(&ctx->refusal, rc, "a role with this name already exists");
	}
	if (!rc)
		rc = db_query(ctx->db, NULL, &iam_sql_role_set_permissions, 2, perms, NULL);
	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_role_get, 1, &c->in->name,
					 &c->after);
	return rc ? rc : audit_role(ctx, c, "iam.role.created");
}

int iam_role_create(struct erp_ctx *ctx, const struct iam_role_input *in, json_t **role)
{
	struct role_change c = { .in = in };
	int rc = iam_role_check_new(&ctx->refusal, in);

	if (!rc)
		rc = permissions_text(ctx->arena, &in->permissions, &c.permissions);
	if (rc)
		return rc;
	erp_uuid_v7_text(c.id);
	rc = db_usecase_transaction(ctx, create_work, &c);
	if (!rc)
		*role = c.after;
	return rc;
}

int iam_role_read(struct erp_ctx *ctx, const char *name, json_t **role)
{
	return resource_query_json(ctx->db, ctx->arena, &iam_sql_role_get, 1, &name, role);
}

/* --- change ---------------------------------------------------------------------------------- */

/*
 * Adding a privileged permission to a role people already hold would grant
 * it to all of them without a second administrator: refused. Make a new role
 * and request the grants instead.
 */
static int check_no_silent_grant(struct erp_ctx *ctx, struct role_change *c)
{
	const char *params[] = { c->id, c->permissions };
	const char *added, *holders;
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &iam_sql_role_added_privileged, 2, params, &res);

	if (rc)
		return rc;
	added = db_value(res, 0, "added");
	holders = db_value(res, 0, "holders");
	if (!added || strcmp(holders, "0") == 0)
		return ERP_OK;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena,
					    "the role is held by %s user(s); adding %s would grant it to them"
					    " without a second administrator: create a new role and request"
					    " its grants",
					    holders, added));
}

/* Everyone holding the role gets the new set: none may end in a conflict. */
static int check_holders(struct erp_ctx *ctx, struct role_change *c)
{
	struct iam_sod_conflicts conflicts;
	int rc = iam_sod_conflicts_of_holders(ctx->db, ctx->arena, c->id, &conflicts);

	if (rc || conflicts.count == 0)
		return rc;
	return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT, conflicts.sentence);
}

static int set_permissions(struct erp_ctx *ctx, struct role_change *c)
{
	const char *perms[] = { c->id, c->permissions };
	int rc = check_permission_set(ctx, c);

	if (!rc)
		rc = check_no_silent_grant(ctx, c);
	/* The holders are locked before the set changes, then checked against it. */
	if (!rc)
		rc = iam_sod_lock_holders(ctx->db, c->id);
	if (!rc)
		rc = db_query(ctx->db, NULL, &iam_sql_role_set_permissions, 2, perms, NULL);
	if (!rc)
		rc = check_holders(ctx, c);
	if (!rc)
		rc = iam_bump_authz_version(ctx->db);
	return rc;
}

static int update_work(struct erp_ctx *ctx, void *state)
{
	struct role_change *c = state;
	const char *touch[2];
	int rc = lock_changeable(ctx, c);

	if (rc)
		return rc;
	if (json_integer_value(json_object_get(c->before, "version")) != c->in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the role was changed since you read it; read it again");
	if (c->permissions) {
		rc = set_permissions(ctx, c);
		if (rc)
			return rc;
	}
	touch[0] = c->id;
	touch[1] = c->in->description;
	rc = db_query(ctx->db, NULL, &iam_sql_role_touch, 2, touch, NULL);
	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_role_get, 1, &c->in->name,
					 &c->after);
	return rc ? rc : audit_role(ctx, c, "iam.role.updated");
}

int iam_role_update(struct erp_ctx *ctx, const struct iam_role_input *in, json_t **role)
{
	struct role_change c = { .in = in };
	int rc = permissions_text(ctx->arena, &in->permissions, &c.permissions);

	if (!rc)
		rc = db_usecase_transaction(ctx, update_work, &c);
	if (!rc)
		*role = c.after;
	return rc;
}

/* --- delete ------------------------------------------------------------------------------------ */

static int delete_work(struct erp_ctx *ctx, void *state)
{
	struct role_change *c = state;
	const char *id[1];
	const char *assignments;
	PGresult *res;
	int rc = lock_changeable(ctx, c);

	if (rc)
		return rc;
	id[0] = c->id;
	rc = db_query(ctx->db, ctx->arena, &iam_sql_role_assignment_count, 1, id, &res);
	if (rc)
		return rc;
	assignments = db_value(res, 0, "assignments");
	if (strcmp(assignments, "0") != 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "the role is assigned %s time(s); revoke the"
						    " assignments first", assignments));
	rc = db_query(ctx->db, NULL, &iam_sql_role_delete, 1, id, NULL);
	if (!rc)
		rc = iam_bump_authz_version(ctx->db);
	return rc ? rc : audit_role(ctx, c, "iam.role.deleted");
}

int iam_role_delete(struct erp_ctx *ctx, const char *name)
{
	struct iam_role_input in = { .name = name };
	struct role_change c = { .in = &in };

	return db_usecase_transaction(ctx, delete_work, &c);
}

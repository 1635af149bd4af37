/*
 * Users: create, read, change (against the version read), deactivate and
 * reactivate. No hard delete: a user's trail outlives them.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

struct user_change {
	const char *id;
	const struct iam_user_new *created;
	const struct iam_user_change *changed;
	const char *password_hash;
	bool activate;
	json_t *before;
	json_t *after;
};

/* What a user's events tell partners (docs/events.md): never the password or its state. */
static const char *const user_event_fields[] = { "id", "email", "display_name", "active", "version" };

/* The domain event of a change of the user (type: iam.user.<verb>), last in its transaction. */
static int record_user_event(struct erp_ctx *ctx, struct user_change *c, const char *type)
{
	return event_record_change(ctx->db, &(struct domain_event){
		.type = type, .entity = "user", .entity_id = c->id,
		.actor_id = ctx->actor_id, .request_id = ctx->request_id },
		c->before, c->after, user_event_fields, ERP_COUNT(user_event_fields));
}

/* The audit event and the domain event of a change (action names both). */
static int audit_user_change(struct erp_ctx *ctx, struct user_change *c, const char *action)
{
	static const char *const fields[] = { "email", "display_name", "active" };
	int rc = audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = action, .entity = "user", .entity_id = c->id,
		.request_id = ctx->request_id },
		c->before, c->after, fields, ERP_COUNT(fields));

	return rc ? rc : record_user_event(ctx, c, action);
}

/* Emails are stored lower-case: *out, a lower-cased copy in the arena (NULL when email is). */
static int lower_email(struct arena *arena, const char *email, const char **out)
{
	char *copy = email ? arena_strdup(arena, email) : NULL;

	*out = copy;
	if (email && !copy)
		return ERP_ERR_NO_MEMORY;
	if (copy)
		iam_lowercase(copy);
	return ERP_OK;
}

/* --- create --------------------------------------------------------------------------- */

static int create_work(struct erp_ctx *ctx, void *state)
{
	struct user_change *c = state;
	const char *params[4] = { c->id, NULL, c->created->display_name, c->password_hash };
	json_t *changes;
	int rc = lower_email(ctx->arena, c->created->email, &params[1]);

	if (rc)
		return rc;
	rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_user_insert, 4, params, &c->after);
	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse(&ctx->refusal, rc, "a user with this email already exists");
	if (rc)
		return rc;
	changes = json_pack("{s:{s:O}, s:{s:O}, s:{s:b}}", "email", "new",
			    json_object_get(c->after, "email"), "display_name", "new",
			    json_object_get(c->after, "display_name"), "active", "new", 1);
	if (!changes) /* an audit event without its changes would hide what was done */
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = "iam.user.created", .entity = "user",
		.entity_id = c->id, .request_id = ctx->request_id, .changes = changes });
	json_decref(changes);
	return rc ? rc : record_user_event(ctx, c, "iam.user.created");
}

int iam_user_create(struct erp_ctx *ctx, const struct iam_user_new *in, json_t **user)
{
	char *id = arena_alloc(ctx->arena, 40), *hash = arena_alloc(ctx->arena, crypto_pwhash_STRBYTES);
	struct user_change c = { .created = in };
	int rc;

	if (!id || !hash)
		return ERP_ERR_NO_MEMORY;
	erp_uuid_v7_text(id);
	/* Hashed before the transaction: the slot is held for the computation only. */
	if (!iam_hash_limit_take())
		return iam_refuse_busy(ctx);
	rc = iam_password_hash(in->password, hash);
	iam_hash_limit_release();
	if (rc)
		return rc;
	c.id = id;
	c.password_hash = hash;
	rc = db_usecase_transaction(ctx, create_work, &c);
	if (!rc)
		*user = c.after;
	return rc;
}

/* --- read ------------------------------------------------------------------------------- */

int iam_user_read(struct erp_ctx *ctx, const char *id, json_t **user)
{
	return resource_query_json(ctx->db, ctx->arena, &iam_sql_user_get, 1, &id, user);
}

/* --- change ------------------------------------------------------------------------------ */

static int update_work(struct erp_ctx *ctx, void *state)
{
	struct user_change *c = state;
	const char *params[3];
	int rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_user_lock, 1, &c->id, &c->before);

	if (rc)
		return rc;
	if (json_integer_value(json_object_get(c->before, "version")) != c->changed->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the user was changed since you read it; read it again");
	params[0] = c->id;
	params[1] = c->changed->display_name;
	rc = lower_email(ctx->arena, c->changed->email, &params[2]);
	if (rc)
		return rc;
	rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_user_update, 3, params, &c->after);
	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse(&ctx->refusal, rc, "a user with this email already exists");
	return rc ? rc : audit_user_change(ctx, c, "iam.user.updated");
}

int iam_user_update(struct erp_ctx *ctx, const struct iam_user_change *in, json_t **user)
{
	struct user_change c = { .id = in->id, .changed = in };
	int rc = db_usecase_transaction(ctx, update_work, &c);

	if (!rc)
		*user = c.after;
	return rc;
}

/* --- deactivate / reactivate ---------------------------------------------------------- */

int iam_user_check_activation(struct erp_refusal *refusal, const char *actor_id, const char *id,
			      bool active)
{
	if (!active && actor_id && strcmp(id, actor_id) == 0)
		return erp_refuse(refusal, ERP_ERR_CONFLICT, "you cannot deactivate yourself");
	return ERP_OK;
}

static int activation_work(struct erp_ctx *ctx, void *state)
{
	struct user_change *c = state;
	const char *params[] = { c->id, c->activate ? "true" : "false" };
	int rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_user_lock, 1, &c->id, &c->before);

	if (rc)
		return rc;
	if (json_is_true(json_object_get(c->before, "active")) == c->activate) {
		c->after = c->before; /* already so: nothing to change, nothing to audit */
		return ERP_OK;
	}
	rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_user_set_active, 2, params, &c->after);
	/* A deactivated user's sessions end at once, everywhere. */
	if (!rc && !c->activate)
		rc = db_query(ctx->db, NULL, &iam_sql_user_sessions_revoke, 1, &c->id, NULL);
	if (!rc)
		rc = iam_bump_authz_version(ctx->db);
	return rc ? rc
		  : audit_user_change(ctx, c, c->activate ? "iam.user.reactivated"
							   : "iam.user.deactivated");
}

int iam_user_set_active(struct erp_ctx *ctx, const char *id, bool active, json_t **user)
{
	struct user_change c = { .id = id, .activate = active };
	int rc = iam_user_check_activation(&ctx->refusal, ctx->actor_id, id, active);

	if (!rc)
		rc = db_usecase_transaction(ctx, activation_work, &c);
	if (!rc)
		*user = c.after;
	return rc;
}

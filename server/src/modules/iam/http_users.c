/* Users: create, list, get, update (If-Match), deactivate, reactivate. No hard delete. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "platform/audit.h"
#include "platform/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

#define USER_JSON                                                                          \
	"json_build_object('id', id, 'email', email, 'display_name', display_name,"        \
	" 'active', active, 'must_change_password', must_change_password,"                 \
	" 'version', version, 'created_at', created_at, 'updated_at', updated_at)"

static const struct db_statement insert_user = {
	"iam_users_insert",
	/* The password an administrator sets is one-time: its owner chooses their own at first login. */
	"INSERT INTO users (id, email, display_name, password_hash, must_change_password)"
	" VALUES ($1, $2, $3, $4, true)"
	" RETURNING " USER_JSON,
	false,
};
static const struct db_statement list_users = {
	"iam_users_list",
	PAGING_SQL("SELECT " USER_JSON " AS j, email AS k1, id::text AS k2 FROM users"
		   " WHERE ($1::text IS NULL OR (email, id::text) > ($1, $2))"
		   "   AND ($3::boolean IS NULL OR active = $3::boolean)"
		   "   AND ($4::text IS NULL OR starts_with(email, $4))"
		   " ORDER BY email, id::text LIMIT $5::int", "$5"),
	true,
};
static const struct db_statement get_user = {
	"iam_users_get", "SELECT " USER_JSON " FROM users WHERE id = $1", true,
};
static const struct db_statement lock_user = {
	"iam_users_lock", "SELECT " USER_JSON " FROM users WHERE id = $1 FOR UPDATE", false,
};
static const struct db_statement update_user = {
	"iam_users_update",
	"UPDATE users SET display_name = coalesce($2, display_name), email = coalesce($3, email),"
	" version = version + 1, updated_at = now() WHERE id = $1 RETURNING " USER_JSON,
	false,
};
static const struct db_statement set_active = {
	"iam_users_set_active",
	"UPDATE users SET active = $2::boolean, version = version + 1, updated_at = now()"
	" WHERE id = $1 RETURNING " USER_JSON,
	false,
};
static const struct db_statement revoke_all_sessions = {
	"iam_users_revoke_sessions",
	"UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
	false,
};

struct user_change {
	struct erp_request *req;
	const char *id;
	int expected_version;
	json_t *before;
	json_t *after;
	const char *password_hash;
	bool activate;
};

/* What a user's events tell partners (docs/events.md): never the password or its state. */
static const char *const user_event_fields[] = { "id", "email", "display_name", "active", "version" };

/* The domain event of a change of the user (type: iam.user.<verb>), last in its transaction. */
static int record_user_event(struct db_conn *db, struct user_change *c, const char *type)
{
	return event_record_change(db, &(struct domain_event){
		.type = type, .entity = "user", .entity_id = c->id,
		.actor_id = iam_principal(c->req)->user_id, .request_id = c->req->request_id },
		c->before, c->after, user_event_fields, ERP_COUNT(user_event_fields));
}

static int respond_user(struct erp_request *req, int status, json_t *user)
{
	etag_set(req, user);
	return http_respond_json(req, status, json_incref(user));
}

/* --- create --------------------------------------------------------------------------- */

static int create_work(struct db_conn *db, void *ctx)
{
	struct user_change *c = ctx;
	char email[256];
	const char *params[4];
	json_t *changes;
	int rc;

	snprintf(email, sizeof(email), "%s", json_string_value(json_object_get(c->req->body, "email")));
	iam_lowercase(email);
	params[0] = c->id;
	params[1] = email;
	params[2] = json_string_value(json_object_get(c->req->body, "display_name"));
	params[3] = c->password_hash;
	rc = resource_query_json(db, c->req->arena, &insert_user, 4, params, &c->after);
	if (rc)
		return rc;
	changes = json_pack("{s:{s:O}, s:{s:O}, s:{s:b}}", "email", "new",
			    json_object_get(c->after, "email"), "display_name", "new",
			    json_object_get(c->after, "display_name"), "active", "new", 1);
	if (!changes) /* an audit event without its changes would hide what was done */
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(db, &(struct audit_event){
		.actor_id = iam_principal(c->req)->user_id, .action = "iam.user.created",
		.entity = "user", .entity_id = c->id, .request_id = c->req->request_id,
		.changes = changes });
	json_decref(changes);
	return rc ? rc : record_user_event(db, c, "iam.user.created");
}

int iam_users_create(struct erp_request *req)
{
	struct user_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	char *id = arena_alloc(req->arena, 40), *hash = arena_alloc(req->arena, crypto_pwhash_STRBYTES);
	int rc;

	if (!c || !id || !hash)
		return ERP_ERR_NO_MEMORY;
	iam_new_id(id);
	if (!iam_hash_limit_take())
		return iam_respond_hash_busy(req);
	rc = iam_password_hash(json_string_value(json_object_get(req->body, "password")), hash);
	iam_hash_limit_release();
	if (rc)
		return rc;
	*c = (struct user_change){ .req = req, .id = id, .password_hash = hash };
	rc = db_transaction(http_db(req), create_work, c);
	if (rc == ERP_ERR_CONFLICT)
		return http_respond_problem(req, &PROBLEM_CONFLICT, "a user with this email already exists");
	if (rc)
		return rc;
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/users/%s", id));
	return respond_user(req, 201, c->after);
}

/* --- list and get ------------------------------------------------------------------------ */

int iam_users_list(struct erp_request *req)
{
	json_t *active = json_object_get(req->query, "active");
	const char *filters[] = {
		active ? (json_is_true(active) ? "true" : "false") : NULL,
		json_string_value(json_object_get(req->query, "email")),
	};

	return paging_respond_list(req, &list_users, 2, filters, 2);
}

int iam_users_get(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	json_t *user;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	rc = resource_query_json(http_db(req), req->arena, &get_user, 1, &id, &user);
	return rc ? rc : respond_user(req, 200, user);
}

/* --- update ----------------------------------------------------------------------------- */

/* The audit event and the domain event of a change (action names both). */
static int audit_user_change(struct db_conn *db, struct user_change *c, const char *action)
{
	static const char *const fields[] = { "email", "display_name", "active" };
	int rc = audit_record_changes(db, &(struct audit_event){
		.actor_id = iam_principal(c->req)->user_id, .action = action, .entity = "user",
		.entity_id = c->id, .request_id = c->req->request_id },
		c->before, c->after, fields, ERP_COUNT(fields));

	return rc ? rc : record_user_event(db, c, action);
}

static int update_work(struct db_conn *db, void *ctx)
{
	struct user_change *c = ctx;
	char email[256];
	const char *given_email = json_string_value(json_object_get(c->req->body, "email"));
	const char *params[3];
	int rc;

	rc = resource_query_json(db, c->req->arena, &lock_user, 1, &c->id, &c->before);
	if (rc)
		return rc;
	if (json_integer_value(json_object_get(c->before, "version")) != c->expected_version)
		return ERP_ERR_STALE;
	if (given_email) {
		snprintf(email, sizeof(email), "%s", given_email);
		iam_lowercase(email);
	}
	params[0] = c->id;
	params[1] = json_string_value(json_object_get(c->req->body, "display_name"));
	params[2] = given_email ? email : NULL;
	rc = resource_query_json(db, c->req->arena, &update_user, 3, params, &c->after);
	return rc ? rc : audit_user_change(db, c, "iam.user.updated");
}

int iam_users_update(struct erp_request *req)
{
	struct user_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->id = resource_uuid_param(req, "id");
	if (!c->id)
		return ERP_ERR_NOT_FOUND;
	if (etag_if_match(req, &c->expected_version))
		return 0;
	rc = db_transaction(http_db(req), update_work, c);
	if (rc == ERP_ERR_CONFLICT)
		return http_respond_problem(req, &PROBLEM_CONFLICT, "a user with this email already exists");
	if (rc == ERP_ERR_STALE)
		return http_respond_problem(req, &PROBLEM_PRECONDITION,
					    "the user was changed since you read it; read it again");
	return rc ? rc : respond_user(req, 200, c->after);
}

/* --- deactivate / reactivate ---------------------------------------------------------- */

static int activation_work(struct db_conn *db, void *ctx)
{
	struct user_change *c = ctx;
	const char *params[] = { c->id, c->activate ? "true" : "false" };
	int rc;

	rc = resource_query_json(db, c->req->arena, &lock_user, 1, &c->id, &c->before);
	if (rc)
		return rc;
	if (json_is_true(json_object_get(c->before, "active")) == c->activate) {
		c->after = c->before; /* already so: nothing to change, nothing to audit */
		return ERP_OK;
	}
	rc = resource_query_json(db, c->req->arena, &set_active, 2, params, &c->after);
	/* A deactivated user's sessions end at once, everywhere. */
	if (!rc && !c->activate)
		rc = db_query(db, NULL, &revoke_all_sessions, 1, &c->id, NULL);
	if (!rc)
		rc = iam_bump_authz_version(db);
	return rc ? rc
		  : audit_user_change(db, c, c->activate ? "iam.user.reactivated"
							 : "iam.user.deactivated");
}

static int set_activation(struct erp_request *req, bool activate)
{
	struct user_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->activate = activate;
	c->id = resource_uuid_param(req, "id");
	if (!c->id)
		return ERP_ERR_NOT_FOUND;
	if (!activate && strcmp(c->id, iam_principal(req)->user_id) == 0)
		return http_respond_problem(req, &PROBLEM_CONFLICT, "you cannot deactivate yourself");
	rc = db_transaction(http_db(req), activation_work, c);
	return rc ? rc : respond_user(req, 200, c->after);
}

int iam_users_deactivate(struct erp_request *req)
{
	return set_activation(req, false);
}

int iam_users_reactivate(struct erp_request *req)
{
	return set_activation(req, true);
}

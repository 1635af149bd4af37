/*
 * Logging in and out, the caller's profile and password over HTTP: decode
 * the request, call the use case (login.c, me.c, password.c), render.
 */
#include "modules/iam/internal.h"
#include "platform/http/server.h"
#include "shared-kernel/errors.h"

static const char *body_text(struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->body, name));
}

int iam_login(struct erp_request *req)
{
	struct iam_login_input in = {
		.email = body_text(req, "email"),
		.password = body_text(req, "password"),
		.client_address = req->client_address,
		.config = req->server->config,
	};
	struct iam_login_outcome out;
	struct erp_ctx ctx;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = iam_log_in(&ctx, &in, &out);
	if (rc == ERP_ERR_THROTTLED && out.retry_after)
		http_add_header(req, "Retry-After", arena_strdup(req->arena, out.retry_after));
	if (rc == ERP_ERR_UNAUTHORIZED && erp_refused(&ctx.refusal))
		http_add_header(req, "WWW-Authenticate", "Bearer");
	if (rc)
		return iam_respond_failure(req, &ctx, rc);
	return http_respond_json(req, 200, json_pack("{s:s, s:s, s:O}", "token", out.token,
						     "expires_at", out.expires_at, "user", out.user));
}

int iam_logout(struct erp_request *req)
{
	struct erp_ctx ctx;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = iam_log_out(&ctx, iam_principal(req)->token_hash_hex);
	return rc ? iam_respond_failure(req, &ctx, rc) : http_respond_empty(req, 204);
}

int iam_me(struct erp_request *req)
{
	json_t *grants = iam_caller_grants_json(req), *me;
	struct erp_ctx ctx;
	int rc;

	if (!grants || arena_cleanup_add(req->arena, (arena_cleanup_fn)json_decref, grants))
		return ERP_ERR_NO_MEMORY;
	http_usecase_ctx(&ctx, req);
	rc = iam_me_read(&ctx, grants, &me);
	return rc ? iam_respond_failure(req, &ctx, rc) : http_respond_json(req, 200, json_incref(me));
}

int iam_change_password(struct erp_request *req)
{
	struct iam_password_input in = {
		.current = body_text(req, "current_password"),
		.next = body_text(req, "new_password"),
		.session_hash = iam_principal(req)->token_hash_hex,
		.client_address = req->client_address,
		.config = req->server->config,
	};
	const char *retry_after;
	struct erp_ctx ctx;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = iam_password_change(&ctx, &in, &retry_after);
	if (rc == ERP_ERR_THROTTLED && retry_after)
		http_add_header(req, "Retry-After", arena_strdup(req->arena, retry_after));
	return rc ? iam_respond_failure(req, &ctx, rc) : http_respond_empty(req, 204);
}

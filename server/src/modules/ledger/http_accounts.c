/* The chart of accounts over HTTP: decode the request, call the use case (accounts.c), render. */
#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"

static const char *body_text(struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->body, name));
}

int ledger_accounts_list(struct erp_request *req)
{
	json_t *active = json_object_get(req->query, "active");
	const char *filters[] = {
		ledger_request_company_id(req),
		json_string_value(json_object_get(req->query, "type")),
		json_is_boolean(active) ? (json_is_true(active) ? "true" : "false") : NULL,
		json_string_value(json_object_get(req->query, "prefix")),
	};

	return paging_respond_list(req, &ledger_sql_accounts_list, 2, filters, ERP_COUNT(filters));
}

int ledger_accounts_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *account;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_account_read(&ctx, http_param(req, "code"), &account);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, account);
}

int ledger_accounts_create(struct erp_request *req)
{
	struct ledger_account_new in = {
		.code = body_text(req, "code"),
		.name = body_text(req, "name"),
		.type = body_text(req, "type"),
		.currency = body_text(req, "currency"),
		.parent = body_text(req, "parent"),
	};
	struct erp_ctx ctx;
	json_t *account;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_account_create(&ctx, &in, &account);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/companies/%s/accounts/%s",
						      req->company_code, in.code));
	return etag_respond_entity(req, 201, account);
}

/* A change of the {code} account, against the version If-Match names when if_match. */
static int change_account(struct erp_request *req, struct ledger_account_change *in, bool if_match)
{
	struct erp_ctx ctx;
	json_t *account;
	int rc;

	in->code = http_param(req, "code");
	if (if_match && etag_if_match(req, &in->expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = ledger_account_update(&ctx, in, &account);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, account);
}

int ledger_accounts_update(struct erp_request *req)
{
	struct ledger_account_change in = {
		.name = body_text(req, "name"),
		.type = body_text(req, "type"),
		.currency = body_text(req, "currency"),
		.parent_given = json_object_get(req->body, "parent") != NULL,
		.parent = body_text(req, "parent"),
	};

	return change_account(req, &in, true);
}

int ledger_accounts_deactivate(struct erp_request *req)
{
	return change_account(req, &(struct ledger_account_change){ .activation = LEDGER_DEACTIVATE },
			      false);
}

int ledger_accounts_reactivate(struct erp_request *req)
{
	return change_account(req, &(struct ledger_account_change){ .activation = LEDGER_REACTIVATE },
			      false);
}

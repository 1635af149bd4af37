/* The company's ledger settings over HTTP: decode the request, call the use case (settings.c), render. */
#include "modules/ledger/internal.h"

/* A step of a settings change, against the version If-Match names when if_match; answered with status. */
static int change_settings(struct erp_request *req, struct ledger_settings_change *in, bool if_match,
			   int status)
{
	struct erp_ctx ctx;
	json_t *settings;
	int rc;

	if (if_match && etag_if_match(req, &in->expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = ledger_settings_change(&ctx, in, &settings);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, status, settings);
}

int ledger_settings_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *settings;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_settings_read(&ctx, &settings);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, settings);
}

int ledger_settings_request_change(struct erp_request *req)
{
	struct ledger_settings_change in = {
		.step = LEDGER_SETTINGS_REQUEST,
		.self_posting = json_is_true(json_object_get(req->body, "self_posting")),
	};

	return change_settings(req, &in, true, 202); /* pending until another user confirms it */
}

int ledger_settings_confirm_change(struct erp_request *req)
{
	return change_settings(req, &(struct ledger_settings_change){ .step = LEDGER_SETTINGS_CONFIRM },
			       true, 200);
}

int ledger_settings_cancel_change(struct erp_request *req)
{
	return change_settings(req, &(struct ledger_settings_change){ .step = LEDGER_SETTINGS_CANCEL },
			       false, 200);
}

int ledger_settings_retained_earnings(struct erp_request *req)
{
	const char *account = json_string_value(json_object_get(req->body, "account"));
	struct erp_ctx ctx;
	json_t *settings;
	int expected_version, rc;

	if (etag_if_match(req, &expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = ledger_settings_set_retained_earnings(&ctx, account, expected_version, &settings);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, settings);
}

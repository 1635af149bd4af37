/* The company's partner settings over HTTP: decode, call the use case (settings.c), render. */
#include "modules/partners/internal.h"

int partners_http_settings_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *settings;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = partners_settings_read(&ctx, &settings);
	return rc ? http_respond_failure(req, &ctx, rc)
		  : etag_respond_entity(req, 200, settings);
}

int partners_http_settings_update(struct erp_request *req)
{
	struct partners_settings_input in = {
		.default_receivable_account =
			json_string_value(json_object_get(req->body, "default_receivable_account")),
		.default_payable_account =
			json_string_value(json_object_get(req->body, "default_payable_account")),
	};
	struct erp_ctx ctx;
	json_t *settings;
	int rc;

	if (etag_if_match(req, &in.expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = partners_settings_update(&ctx, &in, &settings);
	return rc ? http_respond_failure(req, &ctx, rc)
		  : etag_respond_entity(req, 200, settings);
}

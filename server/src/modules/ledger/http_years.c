/* Closing a fiscal year over HTTP: decode the {year}, call the use case (year_close.c), render. */
#include <stdlib.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"

/* The {year} path parameter: four digits, 1900..9999; 0 otherwise (answered 404). */
static int year_param(const struct erp_request *req)
{
	const char *text = http_param(req, "year");
	char *end;
	long year;

	if (!text || !*text)
		return 0;
	year = strtol(text, &end, 10);
	return *end || end - text != 4 || year < 1900 || year > 9999 ? 0 : (int)year;
}

/*
 * A step of the {year}'s close, answered with status when it is taken;
 * expected_version: the version a confirmation names (If-Match), 0 otherwise.
 */
static int change_year(struct erp_request *req, enum ledger_year_step step, int expected_version,
		       int status)
{
	int year = year_param(req);
	struct erp_ctx ctx;
	json_t *after;
	int rc;

	if (!year)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = ledger_fiscal_year_change(&ctx, year, step, expected_version, &after);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, status, after);
}

int ledger_fiscal_year_get(struct erp_request *req)
{
	int year = year_param(req);
	struct erp_ctx ctx;
	json_t *found;
	int rc;

	if (!year)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = ledger_fiscal_year_read(&ctx, year, &found);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, found);
}

int ledger_fiscal_year_request_close(struct erp_request *req)
{
	return change_year(req, LEDGER_YEAR_REQUEST_CLOSE, 0, 202); /* waits for another user */
}

/* The confirmer names the version of the year they reviewed (If-Match). */
int ledger_fiscal_year_confirm_close(struct erp_request *req)
{
	int expected_version;

	if (!year_param(req))
		return ERP_ERR_NOT_FOUND;
	if (etag_if_match(req, &expected_version))
		return 0;
	return change_year(req, LEDGER_YEAR_CONFIRM_CLOSE, expected_version, 200);
}

int ledger_fiscal_year_cancel_close(struct erp_request *req)
{
	return change_year(req, LEDGER_YEAR_CANCEL_CLOSE, 0, 200);
}

int ledger_fiscal_year_reopen(struct erp_request *req)
{
	return change_year(req, LEDGER_YEAR_REOPEN, 0, 200);
}

/* What partners.h offers other modules: a partner read by code (partners_find()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/partners/internal.h"

static bool is_true(const PGresult *res, const char *name)
{
	const char *value = db_value(res, 0, name);

	return value && strcmp(value, "t") == 0;
}

/* A whole-number column the table keeps in range (its CHECKs). */
static int number(const PGresult *res, const char *name)
{
	return (int)strtol(db_value(res, 0, name), NULL, 10);
}

/* An arena copy of a column (NULL when NULL); false when out of memory. */
static bool copy(struct arena *arena, const PGresult *res, const char *name, const char **out)
{
	const char *value = db_value(res, 0, name);

	*out = value ? arena_strdup(arena, value) : NULL;
	return !value || *out;
}

int partners_find(struct db_conn *db, struct arena *arena, const char *company_id,
		  const char *code, bool share_lock, struct partners_partner *out)
{
	const char *params[] = { company_id, code };
	const char *limit;
	PGresult *res;
	int rc;

	if (!company_id || !code)
		return ERP_ERR_NOT_FOUND;
	rc = db_query(db, arena, share_lock ? &partners_sql_find_share : &partners_sql_find, 2,
		      params, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	*out = (struct partners_partner){ 0 };
	snprintf(out->id, sizeof(out->id), "%s", db_value(res, 0, "id"));
	if (!copy(arena, res, "code", &out->code) || !copy(arena, res, "name", &out->name) ||
	    !copy(arena, res, "receivable_account", &out->receivable_account) ||
	    !copy(arena, res, "payable_account", &out->payable_account))
		return ERP_ERR_NO_MEMORY;
	out->customer = is_true(res, "is_customer");
	out->vendor = is_true(res, "is_vendor");
	out->active = is_true(res, "active");
	snprintf(out->currency, sizeof(out->currency), "%s", db_value(res, 0, "currency"));
	out->terms.days = number(res, "payment_terms_days");
	out->terms.end_of_month = is_true(res, "payment_terms_end_of_month");
	limit = db_value(res, 0, "credit_limit_minor");
	out->has_credit_limit = limit != NULL;
	if (limit) {
		out->credit_limit_minor = strtoll(limit, NULL, 10);
		snprintf(out->credit_limit_currency, sizeof(out->credit_limit_currency), "%s",
			 db_value(res, 0, "credit_limit_currency"));
	}
	out->receivable_account_active = is_true(res, "receivable_active");
	out->payable_account_active = is_true(res, "payable_active");
	out->version = number(res, "version");
	return ERP_OK;
}

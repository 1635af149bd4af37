/*
 * The ledger accounts a partner or the settings name, as the ledger's view
 * ledger_account_directory has them (store_settings.c): read into the shape
 * the rules check (partners_check_account(), rules.c).
 */
#include <stdio.h>
#include <string.h>

#include "modules/partners/internal.h"

/* Fills out from the columns id, code, type and active of row 0 under prefix. */
static void account_columns(const PGresult *res, const char *id, const char *code,
			    const char *type, const char *active, struct partners_account *out)
{
	const char *id_text = db_value(res, 0, id);

	*out = (struct partners_account){ .found = id_text != NULL };
	if (!id_text)
		return;
	snprintf(out->id, sizeof(out->id), "%s", id_text);
	snprintf(out->code, sizeof(out->code), "%s", db_value(res, 0, code));
	snprintf(out->type, sizeof(out->type), "%s", db_value(res, 0, type));
	out->active = strcmp(db_value(res, 0, active), "t") == 0;
}

void partners_account_from(const PGresult *res, struct partners_account *out)
{
	account_columns(res, "id", "code", "type", "active", out);
}

void partners_default_from(const PGresult *res, enum partners_side side, bool *has_default,
			   struct partners_account *out)
{
	if (side == PARTNERS_RECEIVABLE)
		account_columns(res, "receivable_id", "receivable_code", "receivable_type",
				"receivable_active", out);
	else
		account_columns(res, "payable_id", "payable_code", "payable_type", "payable_active",
				out);
	*has_default = out->found;
}

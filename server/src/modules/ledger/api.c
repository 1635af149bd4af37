/* The ledger's public API for other modules (ledger.h): post from code, read balances. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"
#include "shared-kernel/uuid.h"

/* The first problem of a failed check, as one sentence. */
static char *first_problem(struct arena *arena, json_t *errors)
{
	json_t *first = json_array_get(errors, 0);

	return arena_printf(arena, "%s: %s", json_string_value(json_object_get(first, "pointer")),
			    json_string_value(json_object_get(first, "detail")));
}

/* Spec lines as service lines: amounts go through the same text rules as HTTP input. */
static struct ledger_line *lines_from_spec(struct arena *arena, const struct ledger_entry_spec *spec)
{
	struct ledger_line *lines = arena_calloc(arena, spec->line_count ? spec->line_count : 1,
						 sizeof(*lines));

	for (size_t i = 0; lines && i < spec->line_count; i++) {
		const struct ledger_line_spec *s = &spec->lines[i];
		char *text = arena_alloc(arena, ERP_MONEY_TEXT_MAX + 1);
		int64_t amount = s->debit_minor > 0 ? s->debit_minor : s->credit_minor;

		if (!text)
			return NULL;
		/* Exponent 0 here; re-formatted with the account's exponent once it is known. */
		snprintf(text, ERP_MONEY_TEXT_MAX + 1, "%lld", (long long)amount);
		lines[i].account = s->account;
		lines[i].description = s->description;
		if (s->debit_minor != 0 || s->credit_minor == 0) /* 0 and 0: "must be more than zero" */
			lines[i].debit = text;
		if (s->credit_minor != 0)
			lines[i].credit = text;
	}
	return lines;
}

/* Rewrites each amount text with its account's exponent (minor units -> decimal text). */
static void scale_amounts(struct ledger_line *lines, const struct ledger_entry_spec *spec)
{
	for (size_t i = 0; i < spec->line_count; i++) {
		const struct ledger_line_spec *s = &spec->lines[i];
		char *text = (char *)(lines[i].debit ? lines[i].debit : lines[i].credit);

		if (text && lines[i].found)
			erp_money_format(s->debit_minor > 0 ? s->debit_minor : s->credit_minor,
					 lines[i].exponent, text, ERP_MONEY_TEXT_MAX + 1);
	}
}

int ledger_post_entry(struct db_conn *db, struct arena *arena, const struct ledger_entry_spec *spec,
		      struct ledger_posted *out, const char **problem)
{
	struct ledger_header header = { spec->date, spec->memo, spec->reference, spec->source };
	struct ledger_post post = { .company_id = spec->company_id, .entry_id = out->id,
				    .poster_id = spec->actor_id, .request_id = spec->request_id };
	struct ledger_line *lines = lines_from_spec(arena, spec);
	struct erp_uuid id;
	json_t *errors = json_array();
	int rc, problems;

	*problem = NULL;
	if (spec->source && !ledger_is_source(spec->source)) {
		json_decref(errors);
		*problem = "source must be lower-case letters, digits, '.', '_' or '-', starting with a letter";
		return ERP_ERR_INVALID;
	}
	if (!lines || !errors) {
		json_decref(errors);
		return ERP_ERR_NO_MEMORY;
	}
	erp_uuid_v7(&id);
	erp_uuid_format(&id, out->id);
	rc = ledger_accounts_resolve(db, arena, spec->company_id, lines, spec->line_count);
	if (rc) {
		json_decref(errors);
		return rc;
	}
	scale_amounts(lines, spec);
	problems = ledger_check_lines(lines, spec->line_count, errors);
	if (problems != 0) {
		*problem = problems > 0 ? first_problem(arena, errors) : NULL;
		json_decref(errors);
		return problems > 0 ? ERP_ERR_INVALID : ERP_ERR_NO_MEMORY;
	}
	json_decref(errors);
	rc = ledger_entry_insert(db, arena, out->id, spec->company_id, spec->actor_id, &header, lines,
				 spec->line_count, NULL);
	if (!rc)
		rc = audit_record(db, &(struct audit_event){
			.actor_id = spec->actor_id, .action = "ledger.journal.created",
			.company_id = spec->company_id, .entity = "journal_entry", .entity_id = out->id,
			.request_id = spec->request_id });
	if (!rc)
		rc = ledger_post_draft(db, arena, &post);
	if (rc && erp_refused(&post.refusal))
		*problem = post.refusal.detail;
	if (!rc)
		snprintf(out->number, sizeof(out->number), "%s", post.number);
	return rc == ERP_ERR_FORBIDDEN ? ERP_ERR_CONFLICT : rc;
}

int ledger_account_balance(struct db_conn *db, struct arena *arena, const char *company_id,
			   const char *account, const char *as_of, int64_t *balance_minor)
{
	const char *params[] = { company_id, account, as_of };
	PGresult *res;
	int rc = db_query(db, arena, &ledger_sql_account_balance, 3, params, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	*balance_minor = strtoll(db_value(res, 0, "balance_minor"), NULL, 10);
	return ERP_OK;
}

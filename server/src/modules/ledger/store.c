/*
 * What several of the ledger's resources run of its statements
 * (store_<resource>.c): account resolution, inserting and replacing
 * drafts, the entry as clients see it, a posting's round trips, the
 * settings' and periods' changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"

static char *dump_to_arena(struct arena *arena, json_t *value)
{
	char *text = value ? erp_json_dumps(value, JSON_COMPACT) : NULL;

	json_decref(value);
	if (text && arena_cleanup_add(arena, free, text))
		return NULL; /* the cleanup list freed it */
	return text;
}

int ledger_accounts_resolve_queue(struct db_batch *batch, struct arena *arena, const char *company_id,
				  const struct ledger_line *lines, size_t count, PGresult **res)
{
	json_t *codes = json_array();
	const char *params[2] = { company_id, NULL };

	for (size_t i = 0; codes && i < count; i++)
		if (json_array_append_new(codes, json_string(lines[i].account)))
			json_decref(codes), codes = NULL;
	params[1] = dump_to_arena(arena, codes);
	if (!params[1])
		return ERP_ERR_NO_MEMORY;
	return db_batch_add(batch, &ledger_sql_accounts_resolve, 2,
			    params, res);
}

int ledger_accounts_resolve(struct db_conn *db, struct arena *arena, const char *company_id,
			    struct ledger_line *lines, size_t count)
{
	struct db_batch *batch = db_batch_new(arena);
	char found_company[40];
	PGresult *res;
	int rc = ledger_accounts_resolve_queue(batch, arena, company_id, lines, count, &res);

	if (!rc)
		rc = db_batch_run(db, batch);
	return rc ? rc : ledger_accounts_resolved(res, found_company, lines, count);
}

int ledger_accounts_resolved(PGresult *res, char company_id[40], struct ledger_line *lines,
			     size_t count)
{
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	snprintf(company_id, 40, "%s", db_value(res, 0, "company_id"));
	for (size_t i = 0; i < count; i++) {
		struct ledger_line *line = &lines[i];

		line->found = false;
		for (int row = 0; row < PQntuples(res) && !line->found; row++) {
			const char *code = db_value(res, row, "code");

			if (!code || strcmp(code, line->account) != 0)
				continue;
			line->found = true;
			snprintf(line->account_id, sizeof(line->account_id), "%s",
				 db_value(res, row, "account_id"));
			snprintf(line->currency, sizeof(line->currency), "%s", db_value(res, row, "currency"));
			line->exponent = (int)strtol(db_value(res, row, "exponent"), NULL, 10);
			line->active = strcmp(db_value(res, row, "active"), "t") == 0;
		}
	}
	return ERP_OK;
}

/* [{"line_no","account_id","debit","credit","description"}] as arena text. */
static const char *lines_rows(struct arena *arena, const struct ledger_line *lines, size_t count)
{
	json_t *rows = json_array();

	for (size_t i = 0; rows && i < count; i++) {
		json_t *row = json_pack("{s:I, s:s, s:I, s:I, s:s?}", "line_no", (json_int_t)(i + 1),
					"account_id", lines[i].account_id, "debit",
					(json_int_t)lines[i].debit_minor, "credit",
					(json_int_t)lines[i].credit_minor, "description",
					lines[i].description);

		if (json_array_append_new(rows, row))
			json_decref(rows), rows = NULL;
	}
	return dump_to_arena(arena, rows);
}

int ledger_entry_insert(struct db_conn *db, struct arena *arena, const char *id,
			const char *company_id, const char *author_id,
			const struct ledger_header *header, const struct ledger_line *lines,
			size_t count, const char **out)
{
	const char *params[] = { id, company_id, header->date, header->memo, header->reference,
				 header->source, author_id, lines_rows(arena, lines, count), NULL };
	PGresult *res;
	int rc;

	if (!params[7])
		return ERP_ERR_NO_MEMORY;
	rc = db_query(db, arena, &ledger_sql_entry_insert, 9, params, &res);
	if (!rc && out)
		*out = db_value(res, 0, "entry"); /* lives as long as the arena */
	return rc;
}

int ledger_entry_replace(struct db_conn *db, struct arena *arena, const char *id,
			 const struct ledger_header *header, const struct ledger_line *lines,
			 size_t count)
{
	const char *head[] = { id, header->date, header->memo, header->reference };
	const char *insert[] = { id, lines_rows(arena, lines, count) };
	int rc;

	if (!insert[1])
		return ERP_ERR_NO_MEMORY;
	rc = resource_exec_one(db, &ledger_sql_entry_update_header, 4, head);
	if (!rc)
		rc = db_query(db, NULL, &ledger_sql_entry_lines_delete, 1, &id, NULL);
	return rc ? rc : db_query(db, NULL, &ledger_sql_entry_lines_insert, 2, insert, NULL);
}

int ledger_chain_authored_by(struct db_conn *db, struct arena *arena, const char *entry_id,
			     const char *user_id, bool *authored)
{
	const char *params[] = { entry_id, user_id };
	PGresult *res;
	int rc = db_query(db, arena, &ledger_sql_entry_chain_authored_by, 2, params, &res);

	if (!rc)
		*authored = strcmp(db_value(res, 0, "authored"), "t") == 0;
	return rc;
}

int ledger_entry_take_over(struct db_conn *db, const char *id, const char *author_id)
{
	const char *params[] = { id, author_id };

	return resource_exec_one(db, &ledger_sql_entry_take_over, 2, params);
}

int ledger_entry_json(struct db_conn *db, struct arena *arena, const char *company_id,
		      const char *id, json_t **out)
{
	const char *params[] = { company_id, id };

	return resource_query_json(db, arena, &ledger_sql_entry_get, 2, params, out);
}

int ledger_post_lock(struct db_conn *db, struct arena *arena, const struct ledger_post *post,
		     struct ledger_post_facts *out)
{
	const char *key[] = { post->entry_id, post->company_id, post->company_id ? NULL : post->company_code };
	struct db_batch *batch = db_batch_new(arena);
	PGresult *period, *accounts, *number;
	int rc;

	/* In the order every posting takes them, so two postings never wait for each other in a circle. */
	db_batch_add(batch, &ledger_sql_post_lock_entry, 3, key, &out->entry);
	db_batch_add(batch, &ledger_sql_post_share_period, 3, key, &period);
	db_batch_add(batch, &ledger_sql_post_share_company, 3, key, NULL);
	db_batch_add(batch, &ledger_sql_post_share_accounts, 3, key, &accounts);
	db_batch_add(batch, &ledger_sql_post_next_number, 3, key, &number);
	rc = db_batch_run(db, batch);
	if (rc)
		return rc;
	if (PQntuples(out->entry) == 0)
		return ERP_ERR_NOT_FOUND;
	out->period_status = PQntuples(period) ? db_value(period, 0, "status")
					       : db_value(out->entry, 0, "period_status");
	out->sequence = PQntuples(number) ? db_value(number, 0, "last_number") : NULL;
	out->inactive = NULL;
	for (int row = 0; row < PQntuples(accounts); row++) {
		const char *code = db_value(accounts, row, "code");

		if (strcmp(db_value(accounts, row, "active"), "t") == 0)
			continue;
		out->inactive = out->inactive ? arena_printf(arena, "%s, %s", out->inactive, code)
					      : arena_strdup(arena, code);
		if (!out->inactive)
			return ERP_ERR_NO_MEMORY;
	}
	return ERP_OK;
}

int ledger_post_mark(struct db_conn *db, struct arena *arena, const struct ledger_post *post,
		     const struct ledger_post_facts *facts, bool closed, json_t **entry)
{
	const char *company_id = db_value(facts->entry, 0, "company_id");
	const char *stamp[] = { post->entry_id, db_value(facts->entry, 0, "entry_date") };
	const char *mark[] = { post->entry_id, db_value(facts->entry, 0, "fiscal_year"),
			       facts->sequence, post->number, post->poster_id, closed ? "true" : "false" };
	const char *get[] = { company_id, post->entry_id };
	struct db_batch *batch = db_batch_new(arena);
	PGresult *res;
	json_t *doc;
	int rc;

	db_batch_add(batch, &ledger_sql_post_stamp_lines, 2, stamp, NULL);
	db_batch_add(batch, &ledger_sql_post_mark, 6, mark, NULL);
	db_batch_add(batch, &ledger_sql_entry_get, 2, get, &res);
	rc = db_batch_run(db, batch);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	doc = erp_json_loadb(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), 0, NULL, NULL);
	if (!doc || arena_cleanup_add(arena, (arena_cleanup_fn)json_decref, doc))
		return ERP_ERR_NO_MEMORY;
	*entry = doc;
	return ERP_OK;
}

json_t *ledger_lines_json(const struct ledger_line *lines, size_t count)
{
	json_t *array = json_array();

	for (size_t i = 0; array && i < count; i++) {
		const struct ledger_line *l = &lines[i];
		char amount[ERP_MONEY_TEXT_MAX + 1];
		json_t *line;

		erp_money_format(l->debit_minor ? l->debit_minor : l->credit_minor, l->exponent, amount,
				 sizeof(amount));
		line = json_pack("{s:I, s:s, s:s, s:s, s:s*}", "line", (json_int_t)(i + 1), "account",
				 l->account, "currency", l->currency, l->debit_minor ? "debit" : "credit",
				 amount, "description", l->description);
		if (json_array_append_new(array, line))
			json_decref(array), array = NULL;
	}
	return array;
}

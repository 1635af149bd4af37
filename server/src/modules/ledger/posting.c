/*
 * Posting a draft: the one place that decides whether an entry may enter
 * the books (the version reviewed, an active author, period, four-eyes,
 * active accounts), gives it the next gapless number and stamps its lines
 * for the reports. Used by the post and reverse use cases (entries.c),
 * which ledger_post_entry() calls for other modules too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "platform/db/db_json.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"

/* What a posting read under its locks (lock()); texts live as long as the arena. */
struct posting_facts {
	PGresult *entry;           /* company_id, status, author_id, entry_date, version, period_id,
				      period_status, fiscal_year, period, self_posting, author_active */
	const char *period_status; /* as share-locked; NULL: no period covers the date */
	const char *year_status;   /* the fiscal year's, read after the period's lock; NULL: no period */
	const char *inactive;      /* codes of inactive accounts ("1100, 9000", share-locked), or NULL */
	const char *sequence;      /* the number taken in the entry's fiscal year; NULL without a period */
};

/*
 * One round trip that locks what a posting's rules read, each until commit,
 * and takes the entry's number: the entry (FOR UPDATE), its period, its
 * company and its accounts (FOR SHARE, so a close or lock, a currency change
 * or a deactivation waits for this posting, or this posting for it and then
 * reads what it left), its fiscal year's status (read after the period's
 * lock, which a year's close takes first), then the next number of its
 * fiscal year (the numbering row stays locked until commit: postings of a
 * company and year queue there, and a posting a rule refuses gives its
 * number back when it rolls back). ERP_ERR_NOT_FOUND when the company has no such entry.
 */
static int lock(struct erp_ctx *ctx, const struct ledger_post *post, struct posting_facts *out)
{
	const char *key[] = { post->entry_id, ctx->company->id };
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *period, *year, *accounts, *number;
	int rc;

	/* In the order every posting takes them, so two postings never wait for each other in a circle. */
	db_batch_add(batch, &ledger_sql_post_lock_entry, 2, key, &out->entry);
	db_batch_add(batch, &ledger_sql_post_share_period, 2, key, &period);
	db_batch_add(batch, &ledger_sql_post_share_year, 2, key, &year);
	db_batch_add(batch, &ledger_sql_post_share_company, 2, key, NULL);
	db_batch_add(batch, &ledger_sql_post_share_accounts, 2, key, &accounts);
	db_batch_add(batch, post->year_close ? &ledger_sql_post_next_closing_number
					     : &ledger_sql_post_next_number, 2, key, &number);
	rc = db_batch_run(ctx->db, batch);
	if (rc)
		return rc;
	if (PQntuples(out->entry) == 0)
		return ERP_ERR_NOT_FOUND;
	out->period_status = PQntuples(period) ? db_value(period, 0, "status")
					       : db_value(out->entry, 0, "period_status");
	out->year_status = PQntuples(year) ? db_value(year, 0, "status") : NULL;
	out->sequence = PQntuples(number) ? db_value(number, 0, "last_number") : NULL;
	out->inactive = NULL;
	for (int row = 0; row < PQntuples(accounts); row++) {
		const char *code = db_value(accounts, row, "code");

		if (strcmp(db_value(accounts, row, "active"), "t") == 0)
			continue;
		out->inactive = out->inactive ? arena_printf(ctx->arena, "%s, %s", out->inactive, code)
					      : arena_strdup(ctx->arena, code);
		if (!out->inactive)
			return ERP_ERR_NO_MEMORY;
	}
	return ERP_OK;
}

/*
 * One round trip that posts the locked draft: lines stamped with the
 * posting date and sequence, the entry marked with its number, the poster
 * and closed; post->entry: the entry as clients see it after (arena). Its
 * link in the chain and its lines' balances follow its commit (sealer.c).
 */
static int mark(struct erp_ctx *ctx, struct ledger_post *post, const struct posting_facts *facts,
		bool closed)
{
	const char *stamp[] = { post->entry_id, db_value(facts->entry, 0, "entry_date") };
	/* A closing entry's number is of its year's closing series: no JE sequence. */
	const char *marks[] = { post->entry_id, db_value(facts->entry, 0, "fiscal_year"),
				post->year_close ? NULL : facts->sequence, post->number, ctx->actor_id,
				closed && !post->year_close ? "true" : "false" };
	const char *get[] = { ctx->company->id, post->entry_id };
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *res;
	int rc;

	db_batch_add(batch, &ledger_sql_post_stamp_lines, 2, stamp, NULL);
	db_batch_add(batch, &ledger_sql_post_mark, 6, marks, NULL);
	db_batch_add(batch, &ledger_sql_entry_get, 2, get, &res);
	rc = db_batch_run(ctx->db, batch);
	if (rc)
		return rc;
	return db_value_json(ctx->arena, res, 0, "entry", &post->entry);
}

/*
 * The version, author, period, four-eyes and account rules against what the
 * posting locked; *closed says a closed period is used.
 */
static int check_rules(struct erp_ctx *ctx, const struct ledger_post *post,
		       const struct posting_facts *facts, bool *closed)
{
	struct erp_refusal *refusal = &ctx->refusal;
	PGresult *row = facts->entry;
	const char *period_status = facts->period_status, *inactive = facts->inactive;
	const char *author = db_value(row, 0, "author_id");
	const char *period = db_value(row, 0, "period");
	const char *version = db_value(row, 0, "version");
	bool self_posting = strcmp(db_value(row, 0, "self_posting"), "t") == 0;
	const char *author_of_record = post->reverses_author ? post->reverses_author : author;

	if (!ledger_action_allowed(db_value(row, 0, "status"), LEDGER_POST))
		return erp_refuse(refusal, ERP_ERR_CONFLICT, "the entry is already posted");
	if (post->expected_version && strtol(version, NULL, 10) != post->expected_version)
		return erp_refuse(refusal, ERP_ERR_STALE,
				  "the entry was changed since you read it; read it again");
	/* Nobody answers for a deactivated user's draft until someone active takes it over. */
	if (!post->reverses_author && strcmp(db_value(row, 0, "author_active"), "t") != 0)
		return erp_refuse(refusal, ERP_ERR_CONFLICT,
				  "the author of this draft is deactivated: someone active with"
				  " ledger.journal.create takes it over (POST .../take-over) before it is"
				  " posted, or a holder of ledger.journal.discard discards it");
	if (!period_status)
		return erp_refuse_made(refusal, ERP_ERR_INVALID,
				       arena_printf(ctx->arena, "no fiscal period covers %s; create the"
						    " fiscal year first", db_value(row, 0, "entry_date")));
	if (facts->year_status && strcmp(facts->year_status, "closed") == 0)
		return erp_refuse_made(refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "fiscal year %s is closed; nothing can be"
						    " posted into it until it is reopened",
						    db_value(row, 0, "fiscal_year")));
	/* The year's own closing entry, and its reversal, are what a closed or locked last period takes. */
	if (strcmp(period_status, "locked") == 0 && !post->year_close)
		return erp_refuse_made(refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "period %s is locked; nothing can be"
						    " posted into it", period));
	*closed = strcmp(period_status, "open") != 0;
	if (*closed && !post->may_post_closed && !post->year_close)
		return erp_refuse_made(refusal, ERP_ERR_FORBIDDEN,
				       arena_printf(ctx->arena, "period %s is closed; posting into it needs"
						    " ledger.period.post-closed", period));
	if (post->four_eyes && !self_posting && author_of_record &&
	    strcmp(author_of_record, ctx->actor_id) == 0)
		return erp_refuse(refusal, ERP_ERR_FORBIDDEN,
				  post->reverses_author
					  ? "four-eyes: you wrote the entry being reversed (or one it reverses);"
					    " another user must reverse it"
					  : "four-eyes: you wrote this entry; another user with ledger.journal.post"
					    " must post it");
	if (inactive)
		return erp_refuse_made(refusal, ERP_ERR_INVALID,
				       arena_printf(ctx->arena, "inactive accounts refuse postings: %s",
						    inactive));
	return ERP_OK;
}

static int audit_posting(struct erp_ctx *ctx, struct ledger_post *post, const char *closed_period)
{
	json_t *changes = json_pack("{s:{s:s, s:s}, s:{s:n, s:s}}", "status", "old", "draft", "new",
				    "posted", "number", "old", "new", post->number);
	int rc;

	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = "ledger.journal.posted",
		.company_id = ctx->company->id, .entity = "journal_entry", .entity_id = post->entry_id,
		.request_id = ctx->request_id, .changes = changes, .reason = closed_period });
	json_decref(changes);
	return rc;
}

/*
 * Three round trips with the caller's COMMIT: lock and number (the rules
 * then read what is locked), mark, and the audit and domain events, which
 * travel with COMMIT (db_query_at_commit()); once it commits, the sealer
 * is woken to link the entry into its company's chain.
 */
int ledger_post_draft(struct erp_ctx *ctx, struct ledger_post *post)
{
	struct posting_facts facts = { 0 };
	const char *closed_period = NULL;
	bool closed = false;
	int rc = lock(ctx, post, &facts);

	if (!rc)
		rc = check_rules(ctx, post, &facts, &closed);
	if (rc)
		return rc;
	if (!facts.sequence ||
	    (post->year_close ? ledger_closing_number_format : ledger_number_format)(
		    (int)strtol(db_value(facts.entry, 0, "fiscal_year"), NULL, 10),
		    (int)strtol(facts.sequence, NULL, 10), post->number, sizeof(post->number)) < 0)
		return ERP_ERR_INTERNAL;
	rc = mark(ctx, post, &facts, closed);
	if (!rc)
		rc = db_after_commit(ctx->db, ledger_sealer_wake, NULL);
	if (!rc && closed && !post->year_close) {
		closed_period = arena_printf(ctx->arena, "posted into closed period %s",
					     db_value(facts.entry, 0, "period"));
		if (!closed_period)
			rc = ERP_ERR_NO_MEMORY;
	}
	if (!rc)
		rc = audit_posting(ctx, post, closed_period);
	return rc ? rc : ledger_entry_event(ctx->db, &(struct domain_event){
		.type = "ledger.entry.posted", .company_id = ctx->company->id,
		.actor_id = ctx->actor_id, .request_id = ctx->request_id }, NULL, post->entry);
}

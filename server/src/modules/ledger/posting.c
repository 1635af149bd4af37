/*
 * Posting a draft: the one place that decides whether an entry may enter
 * the books (the version reviewed, an active author, period, four-eyes,
 * active accounts), gives it the next gapless number and stamps its lines
 * for the reports. Used by the post and reverse endpoints and by
 * ledger_post_entry() for other modules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"

static int refuse(struct arena *arena, struct ledger_post *post, int rc, const char *sentence)
{
	const char *detail = sentence ? arena_strdup(arena, sentence) : NULL;

	return detail ? erp_refuse(&post->refusal, rc, detail) : ERP_ERR_NO_MEMORY;
}

/*
 * The version, author, period, four-eyes and account rules against what the
 * posting locked; *closed says a closed period is used.
 */
static int check_rules(struct arena *arena, struct ledger_post *post,
		       const struct ledger_post_facts *facts, bool *closed)
{
	PGresult *row = facts->entry;
	const char *period_status = facts->period_status, *inactive = facts->inactive;
	const char *author = db_value(row, 0, "author_id");
	const char *period = db_value(row, 0, "period");
	const char *version = db_value(row, 0, "version");
	bool self_posting = strcmp(db_value(row, 0, "self_posting"), "t") == 0;
	const char *author_of_record = post->reverses_author ? post->reverses_author : author;

	if (!ledger_action_allowed(db_value(row, 0, "status"), LEDGER_POST))
		return refuse(arena, post, ERP_ERR_CONFLICT, "the entry is already posted");
	if (post->expected_version && strtol(version, NULL, 10) != post->expected_version)
		return ERP_ERR_STALE;
	/* Nobody answers for a deactivated user's draft until someone active takes it over. */
	if (!post->reverses_author && strcmp(db_value(row, 0, "author_active"), "t") != 0)
		return refuse(arena, post, ERP_ERR_CONFLICT,
			      "the author of this draft is deactivated: someone active with"
			      " ledger.journal.create takes it over (POST .../take-over) before it is"
			      " posted, or a holder of ledger.journal.discard discards it");
	if (!period_status)
		return refuse(arena, post, ERP_ERR_INVALID,
			      arena_printf(arena, "no fiscal period covers %s; create the fiscal year first",
					   db_value(row, 0, "entry_date")));
	if (strcmp(period_status, "locked") == 0)
		return refuse(arena, post, ERP_ERR_CONFLICT,
			      arena_printf(arena, "period %s is locked; nothing can be posted into it", period));
	*closed = strcmp(period_status, "closed") == 0;
	if (*closed && !post->may_post_closed)
		return refuse(arena, post, ERP_ERR_FORBIDDEN,
			      arena_printf(arena, "period %s is closed; posting into it needs"
					   " ledger.period.post-closed", period));
	if (post->four_eyes && !self_posting && author_of_record &&
	    strcmp(author_of_record, post->poster_id) == 0)
		return refuse(arena, post, ERP_ERR_FORBIDDEN,
			      post->reverses_author
				      ? "four-eyes: you wrote the entry being reversed (or one it reverses);"
				        " another user must reverse it"
				      : "four-eyes: you wrote this entry; another user with ledger.journal.post must post it");
	if (inactive)
		return refuse(arena, post, ERP_ERR_INVALID,
			      arena_printf(arena, "inactive accounts refuse postings: %s", inactive));
	return ERP_OK;
}

static int audit_posting(struct db_conn *db, struct ledger_post *post, bool closed,
			 const char *period)
{
	json_t *changes = json_pack("{s:{s:s, s:s}, s:{s:n, s:s}}", "status", "old", "draft", "new",
				    "posted", "number", "old", "new", post->number);
	int rc;

	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(db, &(struct audit_event){
		.actor_id = post->poster_id, .action = "ledger.journal.posted",
		.company_id = post->company_id, .entity = "journal_entry", .entity_id = post->entry_id,
		.request_id = post->request_id, .changes = changes,
		.reason = closed ? period : NULL });
	json_decref(changes);
	return rc;
}

/*
 * Three round trips with the caller's COMMIT: lock and number (the rules
 * then read what is locked), mark, and the audit and domain events, which
 * travel with COMMIT (db_query_at_commit()).
 */
int ledger_post_draft(struct db_conn *db, struct arena *arena, struct ledger_post *post)
{
	struct ledger_post_facts facts = { 0 };
	bool closed = false;
	int rc = ledger_post_lock(db, arena, post, &facts);

	if (!rc)
		rc = check_rules(arena, post, &facts, &closed);
	if (rc)
		return rc;
	if (!post->company_id)
		post->company_id = db_value(facts.entry, 0, "company_id");
	if (!facts.sequence ||
	    ledger_number_format((int)strtol(db_value(facts.entry, 0, "fiscal_year"), NULL, 10),
				 (int)strtol(facts.sequence, NULL, 10), post->number,
				 sizeof(post->number)) < 0)
		return ERP_ERR_INTERNAL;
	rc = ledger_post_mark(db, arena, post, &facts, closed, &post->entry);
	if (!rc)
		rc = audit_posting(db, post, closed,
				   closed ? arena_printf(arena, "posted into closed period %s",
							 db_value(facts.entry, 0, "period"))
					  : NULL);
	return rc ? rc : ledger_entry_event(db, &(struct domain_event){
		.type = "ledger.entry.posted", .company_id = post->company_id,
		.actor_id = post->poster_id, .request_id = post->request_id }, NULL, post->entry);
}

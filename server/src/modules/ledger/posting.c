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
#include "platform/audit.h"
#include "platform/events.h"
#include "shared-kernel/errors.h"

static const struct db_statement lock_entry = {
	"ledger_post_lock_entry",
	"SELECT e.status, e.author_id, e.entry_date, e.version, p.id AS period_id,"
	"  p.status AS period_status, p.fiscal_year, to_char(p.starts_on, 'YYYY-MM') AS period,"
	"  coalesce(s.self_posting, false) AS self_posting,"
	"  coalesce(u.active, true) AS author_active"
	" FROM ledger_entries e"
	" LEFT JOIN users u ON u.id = e.author_id"
	" LEFT JOIN ledger_periods p ON p.company_id = e.company_id"
	"   AND e.entry_date BETWEEN p.starts_on AND p.ends_on"
	" LEFT JOIN ledger_settings s ON s.company_id = e.company_id"
	" WHERE e.id = $2 AND e.company_id = $1 FOR UPDATE OF e",
	false,
};
static const struct db_statement share_period = {
	"ledger_post_share_period",
	/*
	 * Shared until commit: postings into a period run side by side, while a close
	 * or lock (FOR UPDATE) waits for them and they for it, so a period confirmed
	 * closed or locked takes no posting that was still running. The status read
	 * here, after any wait, is the one that holds.
	 */
	"SELECT status FROM ledger_periods WHERE id = $1 FOR SHARE",
	false,
};
static const struct db_statement next_number = {
	"ledger_post_next_number",
	/* The row lock serialises postings per company and year until commit: no gaps. */
	"INSERT INTO ledger_numbering (company_id, fiscal_year, last_number) VALUES ($1, $2, 1)"
	" ON CONFLICT (company_id, fiscal_year)"
	" DO UPDATE SET last_number = ledger_numbering.last_number + 1 RETURNING last_number",
	false,
};
static const struct db_statement stamp_lines = {
	"ledger_post_stamp_lines",
	"UPDATE ledger_lines SET posted_on = $2, posting_no = nextval('ledger_posting_no')"
	" WHERE entry_id = $1",
	false,
};
static const struct db_statement mark_posted = {
	"ledger_post_mark",
	"UPDATE ledger_entries SET status = 'posted', fiscal_year = $2, sequence = $3, number = $4,"
	" posted_by = $5, posted_at = now(), posted_into_closed_period = $6::boolean,"
	" version = version + 1, updated_at = now() WHERE id = $1",
	false,
};

static int refuse(struct arena *arena, struct ledger_post *post, int status, int rc,
		  const char *sentence)
{
	post->problem = sentence ? arena_strdup(arena, sentence) : NULL;
	post->problem_status = status;
	return post->problem ? rc : ERP_ERR_NO_MEMORY;
}

/* What the posting read under its locks, for the rules. */
struct locked_state {
	PGresult *row;             /* the entry (lock_entry) */
	const char *period_status; /* as share-locked; NULL: no period covers the date */
	const char *inactive;      /* codes of inactive accounts (share-locked), or NULL */
};

/*
 * The version, author, period, four-eyes and account rules against what the
 * posting locked; *closed says a closed period is used.
 */
static int check_rules(struct arena *arena, struct ledger_post *post, const struct locked_state *state,
		       bool *closed)
{
	PGresult *row = state->row;
	const char *period_status = state->period_status, *inactive = state->inactive;
	const char *author = ledger_value(row, 0, "author_id");
	const char *period = ledger_value(row, 0, "period");
	const char *version = ledger_value(row, 0, "version");
	bool self_posting = strcmp(ledger_value(row, 0, "self_posting"), "t") == 0;
	const char *author_of_record = post->reverses_author ? post->reverses_author : author;

	if (!ledger_action_allowed(ledger_value(row, 0, "status"), LEDGER_POST))
		return refuse(arena, post, 409, ERP_ERR_CONFLICT, "the entry is already posted");
	if (post->expected_version && strtol(version, NULL, 10) != post->expected_version)
		return ERP_ERR_STALE;
	/* Nobody answers for a deactivated user's draft until someone active takes it over. */
	if (!post->reverses_author && strcmp(ledger_value(row, 0, "author_active"), "t") != 0)
		return refuse(arena, post, 409, ERP_ERR_CONFLICT,
			      "the author of this draft is deactivated: someone active with"
			      " ledger.journal.create takes it over (POST .../take-over) before it is"
			      " posted, or a holder of ledger.journal.discard discards it");
	if (!period_status)
		return refuse(arena, post, 422, ERP_ERR_INVALID,
			      arena_printf(arena, "no fiscal period covers %s; create the fiscal year first",
					   ledger_value(row, 0, "entry_date")));
	if (strcmp(period_status, "locked") == 0)
		return refuse(arena, post, 409, ERP_ERR_CONFLICT,
			      arena_printf(arena, "period %s is locked; nothing can be posted into it", period));
	*closed = strcmp(period_status, "closed") == 0;
	if (*closed && !post->may_post_closed)
		return refuse(arena, post, 403, ERP_ERR_FORBIDDEN,
			      arena_printf(arena, "period %s is closed; posting into it needs"
					   " ledger.period.post-closed", period));
	if (post->four_eyes && !self_posting && author_of_record &&
	    strcmp(author_of_record, post->poster_id) == 0)
		return refuse(arena, post, 403, ERP_ERR_FORBIDDEN,
			      post->reverses_author
				      ? "four-eyes: you wrote the entry being reversed (or one it reverses);"
				        " another user must reverse it"
				      : "four-eyes: you wrote this entry; another user with ledger.journal.post must post it");
	if (inactive)
		return refuse(arena, post, 422, ERP_ERR_INVALID,
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
 * Locks what the rules read, each until commit: the entry (FOR UPDATE), its
 * period, its company and its accounts (FOR SHARE, so a close or lock, a
 * currency change or a deactivation waits for this posting, or this posting
 * for it and then reads what it left).
 */
static int lock_state(struct db_conn *db, struct arena *arena, struct ledger_post *post,
		      struct locked_state *state)
{
	const char *key[] = { post->company_id, post->entry_id };
	const char *period_id;
	PGresult *res;
	int rc = db_query(db, arena, &lock_entry, 2, key, &state->row);

	if (rc)
		return rc;
	if (PQntuples(state->row) == 0)
		return ERP_ERR_NOT_FOUND;
	period_id = ledger_value(state->row, 0, "period_id");
	state->period_status = NULL;
	if (period_id) {
		rc = db_query(db, arena, &share_period, 1, &period_id, &res);
		if (rc)
			return rc;
		state->period_status = PQntuples(res) ? ledger_value(res, 0, "status")
						      : ledger_value(state->row, 0, "period_status");
	}
	rc = ledger_company_share(db, post->company_id);
	return rc ? rc : ledger_entry_accounts_share(db, arena, post->entry_id, &state->inactive);
}

int ledger_post_draft(struct db_conn *db, struct arena *arena, struct ledger_post *post)
{
	const char *number_params[2], *stamp[2], *mark[6];
	struct locked_state state = { 0 };
	char sequence[16];
	bool closed = false;
	PGresult *row, *res;
	int rc = lock_state(db, arena, post, &state);

	if (!rc)
		rc = check_rules(arena, post, &state, &closed);
	if (rc)
		return rc;
	row = state.row;
	number_params[0] = post->company_id;
	number_params[1] = ledger_value(row, 0, "fiscal_year");
	rc = db_query(db, arena, &next_number, 2, number_params, &res);
	if (rc)
		return rc;
	snprintf(sequence, sizeof(sequence), "%s", ledger_value(res, 0, "last_number"));
	if (ledger_number_format((int)strtol(number_params[1], NULL, 10),
				 (int)strtol(sequence, NULL, 10), post->number, sizeof(post->number)) < 0)
		return ERP_ERR_INTERNAL;
	stamp[0] = post->entry_id;
	stamp[1] = ledger_value(row, 0, "entry_date");
	rc = db_query(db, NULL, &stamp_lines, 2, stamp, NULL);
	mark[0] = post->entry_id;
	mark[1] = number_params[1];
	mark[2] = sequence;
	mark[3] = post->number;
	mark[4] = post->poster_id;
	mark[5] = closed ? "true" : "false";
	if (!rc)
		rc = db_query(db, NULL, &mark_posted, 6, mark, NULL);
	if (rc)
		return rc;
	rc = audit_posting(db, post, closed,
			   closed ? arena_printf(arena, "posted into closed period %s",
						 ledger_value(row, 0, "period"))
				  : NULL);
	if (!rc)
		rc = ledger_entry_json(db, arena, post->company_id, post->entry_id, &post->entry);
	return rc ? rc : ledger_entry_event(db, &(struct domain_event){
		.type = "ledger.entry.posted", .company_id = post->company_id,
		.actor_id = post->poster_id, .request_id = post->request_id }, NULL, post->entry);
}

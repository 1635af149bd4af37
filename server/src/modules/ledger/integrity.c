/*
 * The ledger's integrity checks for `erp-server audit verify-ledger`: per
 * company, walk the hash chain of posted entries in chain order,
 * recomputing each entry's hash from what is stored now (chain_form.h),
 * and check that each links to the one before it, that no place is
 * missing and that the head row ends where the chain ends; then look for
 * gaps in the numbers of each series (JE, YC) and fiscal year. The first
 * entry that no longer matches is named; every problem is listed. Each
 * company's result is recorded in ledger_integrity_checks (the one write),
 * which GET .../reports/ledger-integrity shows.
 *
 * Entries posted but not sealed yet (sealer.c) are counted; one that has
 * waited too long is a problem.
 *
 * Entries are read a page at a time (keyset on the chain position), each
 * page in an arena of its own, so memory does not grow with the books.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/chain_form.h"
#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"

enum { PAGE_ENTRIES = 500, PROBLEMS_KEPT = 200 };

/* How long a committed entry may wait for its seal before the verifier calls it a problem. */
#define SEAL_WAIT_MAX "1 minute"


/* What the walk of one company's chain found. */
struct chain_walk {
	const char *company_id;
	long long entries;
	long long waiting;           /* posted, not sealed yet */
	long long last_seq;          /* the last place seen */
	char last_hash[LEDGER_CHAIN_HASH_HEX + 1]; /* the last stored hash seen ("" none) */
	char first_broken_id[40];    /* "" while intact */
	char first_broken_number[32];
	json_t *problems;            /* sentences */
	long long problem_count;
	FILE *out;
};

static int problem(struct chain_walk *w, const char *format, ...) __attribute__((format(printf, 2, 3)));

static int problem(struct chain_walk *w, const char *format, ...)
{
	char sentence[512];
	va_list args;

	va_start(args, format);
	vsnprintf(sentence, sizeof(sentence), format, args);
	va_end(args);
	fprintf(w->out, "chain: company %s: %s\n", w->company_id, sentence);
	w->problem_count++;
	if (w->problem_count <= PROBLEMS_KEPT && json_array_append_new(w->problems, json_string(sentence)))
		return ERP_ERR_NO_MEMORY;
	return ERP_OK;
}

/* Names the entry as the first that no longer matches, unless one was named before. */
static void first_broken(struct chain_walk *w, const char *id, const char *number)
{
	if (w->first_broken_id[0])
		return;
	snprintf(w->first_broken_id, sizeof(w->first_broken_id), "%s", id);
	snprintf(w->first_broken_number, sizeof(w->first_broken_number), "%s", number ? number : "");
}

/* Checks the entry in row against the walk so far; moves the walk on. */
static int check_entry(struct chain_walk *w, struct arena *arena, PGresult *res, int row)
{
	const char *id = db_value(res, row, "id"), *number = db_value(res, row, "number");
	const char *seq_text = db_value(res, row, "chain_seq"), *stored = db_value(res, row, "entry_hash");
	const char *prev = db_value(res, row, "prev_hash");
	char computed[LEDGER_CHAIN_HASH_HEX + 1];
	long long seq;
	int rc = ERP_OK;

	w->entries++;
	if (!seq_text || !stored) { /* the CHECK that pairs them dropped, and a row changed */
		first_broken(w, id, number);
		return problem(w, "entry %s (%s) has a place in the chain without a hash", number, id);
	}
	seq = strtoll(seq_text, NULL, 10);
	if (seq != w->last_seq + 1) {
		first_broken(w, id, number);
		rc = problem(w, "chain places %lld to %lld are missing: entry %s (%s) at place %lld follows"
			     " place %lld", w->last_seq + 1, seq - 1, number, id, seq, w->last_seq);
	}
	if (!rc && (prev ? strcmp(prev, w->last_hash) != 0 : w->last_hash[0] != '\0')) {
		first_broken(w, id, number);
		rc = problem(w, "entry %s (%s) does not link to the hash of the entry before it", number, id);
	}
	if (!rc && ledger_chain_hash_row(arena, w->company_id, res, row, seq_text, prev, computed))
		rc = ERP_ERR_NO_MEMORY;
	if (!rc && strcmp(computed, stored) != 0) {
		first_broken(w, id, number);
		rc = problem(w, "entry %s (%s) no longer matches its hash: its stored content was changed"
			     " after it was posted", number, id);
	}
	/* The lines' copies of the date and company are what the reports read; the hash covers the entry's. */
	if (!rc && strcmp(db_value(res, row, "misplaced"), "0") != 0) {
		first_broken(w, id, number);
		rc = problem(w, "entry %s (%s) has %s line(s) booked on another day or company than the"
			     " entry: their posted_on or company_id was changed after it was posted",
			     number, id, db_value(res, row, "misplaced"));
	}
	w->last_seq = seq;
	snprintf(w->last_hash, sizeof(w->last_hash), "%s", stored);
	return rc;
}

/* Walks the company's chain a page at a time. */
static int walk_chain(struct db_conn *db, struct chain_walk *w)
{
	char after[24] = "0", limit[16];
	int rc = ERP_OK, rows = PAGE_ENTRIES;

	snprintf(limit, sizeof(limit), "%d", PAGE_ENTRIES);
	while (!rc && rows == PAGE_ENTRIES) {
		struct arena *page = arena_new(64 * 1024);
		const char *params[] = { w->company_id, after, limit };
		PGresult *res;

		if (!page)
			return ERP_ERR_NO_MEMORY;
		rc = db_query(db, page, &ledger_sql_chain_walk, 3, params, &res);
		rows = rc ? 0 : PQntuples(res);
		for (int row = 0; !rc && row < rows; row++)
			rc = check_entry(w, page, res, row);
		if (!rc && rows)
			snprintf(after, sizeof(after), "%s", db_value(res, rows - 1, "chain_seq"));
		arena_free(page);
	}
	return rc;
}

/* The head row must end where the chain ends. */
static int check_head(struct chain_walk *w, PGresult *companies, int row)
{
	long long head_seq = strtoll(db_value(companies, row, "last_seq"), NULL, 10);
	const char *head_hash = db_value(companies, row, "last_hash");

	if (head_seq != w->last_seq)
		return problem(w, "the chain head says %lld entries, the chain ends at place %lld: entries"
			       " were removed or added around it", head_seq, w->last_seq);
	if (head_seq && (!head_hash || strcmp(head_hash, w->last_hash) != 0))
		return problem(w, "the chain head's hash is not the last entry's");
	return ERP_OK;
}

/*
 * Entries committed but not sealed yet are outside the chain for a moment
 * (sealer.c): counted, and a problem once one has waited longer than
 * SEAL_WAIT_MAX, since then nothing seals the company's postings (no
 * server running since it crashed, or a sealer that fails).
 */
static int check_unsealed(struct db_conn *db, struct arena *arena, struct chain_walk *w)
{
	const char *params[] = { w->company_id, SEAL_WAIT_MAX };
	PGresult *res;
	int rc = db_query(db, arena, &ledger_sql_chain_unsealed, 2, params, &res);

	if (rc)
		return rc;
	w->waiting = strtoll(db_value(res, 0, "waiting"), NULL, 10);
	if (!db_value(res, 0, "late_id"))
		return ERP_OK;
	return problem(w, "entry %s (%s), posted at %s, is not sealed after %s: %lld entr%s wait"
		       " outside the chain; a running erp-server seals them", db_value(res, 0, "late_number"),
		       db_value(res, 0, "late_id"), db_value(res, 0, "late_posted_at"), SEAL_WAIT_MAX,
		       w->waiting, w->waiting == 1 ? "y" : "ies");
}

/* Gaps in the numbers of each series and fiscal year. */
static int check_numbering(struct db_conn *db, struct arena *arena, struct chain_walk *w)
{
	PGresult *res;
	int rc = db_query(db, arena, &ledger_sql_numbering_gaps, 1, &w->company_id, &res);

	for (int row = 0; !rc && row < PQntuples(res); row++) {
		const char *next = db_value(res, row, "next");
		long long missing = strtoll(db_value(res, row, "missing"), NULL, 10);
		long long until = next ? strtoll(next, NULL, 10) - 1 : missing;

		rc = problem(w, "gap in the %s numbers of fiscal year %s: %lld%s%s missing (after %s)",
			     db_value(res, row, "series"), db_value(res, row, "fiscal_year"), missing,
			     until > missing ? " to " : "",
			     until > missing ? db_value(res, row, "next") : "",
			     db_value(res, row, "after"));
	}
	return rc;
}

/* Keeps the company's result for ledger_integrity_record(), in the arena. */
static int keep(struct arena *arena, const struct chain_walk *w, bool intact,
		struct ledger_integrity_result **results)
{
	struct ledger_integrity_result *r = arena_calloc(arena, 1, sizeof(*r));
	char *problems = erp_json_dumps(w->problems, JSON_COMPACT);

	if (!r || !problems || arena_cleanup_add(arena, free, problems)) {
		if (!r)
			free(problems);
		return ERP_ERR_NO_MEMORY;
	}
	snprintf(r->company_id, sizeof(r->company_id), "%s", w->company_id);
	r->intact = intact;
	snprintf(r->entries, sizeof(r->entries), "%lld", w->entries);
	snprintf(r->head_seq, sizeof(r->head_seq), "%lld", w->last_seq);
	snprintf(r->head_hash, sizeof(r->head_hash), "%s", w->last_hash);
	snprintf(r->first_broken_id, sizeof(r->first_broken_id), "%s", w->first_broken_id);
	snprintf(r->first_broken_number, sizeof(r->first_broken_number), "%s", w->first_broken_number);
	r->problems = problems;
	r->next = *results;
	*results = r;
	return ERP_OK;
}

/* One company: walk, head, numbers, the verdict printed and kept. */
static int verify_company(struct db_conn *db, struct arena *arena, PGresult *companies, int row,
			  FILE *out, long *problems, struct ledger_integrity_result **results)
{
	struct chain_walk w = { .company_id = db_value(companies, row, "id"), .out = out };
	bool intact;
	int rc;

	w.problems = json_array();
	if (!w.problems)
		return ERP_ERR_NO_MEMORY;
	rc = walk_chain(db, &w);
	if (!rc)
		rc = check_head(&w, companies, row);
	if (!rc)
		rc = check_unsealed(db, arena, &w);
	if (!rc)
		rc = check_numbering(db, arena, &w);
	intact = w.problem_count == 0;
	if (!rc) {
		if (w.first_broken_id[0])
			fprintf(out, "chain: company %s: first entry that no longer matches: %s (%s)\n",
				w.company_id, w.first_broken_number, w.first_broken_id);
		fprintf(out, "chain: company %s: %s: %lld entr%s in the chain, head %s, %lld waiting for"
			" the seal\n", w.company_id, intact ? "intact" : "BROKEN", w.entries,
			w.entries == 1 ? "y" : "ies", w.last_hash[0] ? w.last_hash : "(none)", w.waiting);
		*problems += w.problem_count;
		rc = keep(arena, &w, intact, results);
	}
	json_decref(w.problems);
	return rc;
}

int ledger_integrity_check(struct db_conn *db, struct arena *arena, FILE *out, long *problems,
			   struct ledger_integrity_result **results)
{
	PGresult *companies;
	int rc = db_query(db, arena, &ledger_sql_chain_companies, 0, NULL, &companies);

	for (int row = 0; !rc && row < PQntuples(companies); row++)
		rc = verify_company(db, arena, companies, row, out, problems, results);
	return rc;
}

int ledger_integrity_record(struct db_conn *db, const struct ledger_integrity_result *results)
{
	int rc = results ? db_exec(db, "BEGIN") : ERP_OK;

	for (const struct ledger_integrity_result *r = results; !rc && r; r = r->next) {
		const char *params[] = {
			r->company_id, r->intact ? "true" : "false", r->entries, r->head_seq,
			r->head_hash[0] ? r->head_hash : NULL,
			r->first_broken_id[0] ? r->first_broken_id : NULL,
			r->first_broken_number[0] ? r->first_broken_number : NULL, r->problems,
		};

		rc = db_query(db, NULL, &ledger_sql_integrity_record, 8, params, NULL);
	}
	if (results)
		db_exec(db, rc ? "ROLLBACK" : "COMMIT");
	return rc;
}

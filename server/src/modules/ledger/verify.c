/*
 * `erp-server audit verify-ledger`: the ledger's books checked against
 * themselves, read-only, in one snapshot (the chains' results are then
 * recorded for the ledger-integrity report: the one write). Each check is a function in
 * checks[] below that names every problem it finds, one line each; a new
 * check (the entries' hash chain, the numbering) is one more function and
 * one more row of the array.
 */
#include <stdio.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"

/* What every check gets: the connection (inside the snapshot), an arena, where to name problems. */
struct verify_run {
	struct db_conn *db;
	struct arena *arena;
	FILE *out;
	long problems;   /* named so far, by every check */
	struct ledger_integrity_result *chains; /* what check_chain() found, recorded after the snapshot */
};

/*
 * A check: names each problem on run->out and counts it in run->problems;
 * returns 0 when it ran to the end (problems or not), or an ERP_ERR_* code.
 */
struct verify_check {
	const char *name;
	int (*run)(struct verify_run *run);
};

/* Every balance row against the lines it sums (store_verify.c). */
static int check_balances(struct verify_run *run)
{
	PGresult *res;
	int rc = db_query(run->db, run->arena, &ledger_sql_verify_balances, 0, NULL, &res);
	int rows;

	if (rc)
		return rc;
	rows = PQntuples(res);
	for (int row = 0; row < rows && row < 1000; row++)
		fprintf(run->out,
			"balances: company %s account %s %s %s: the lines sum to debit %s credit %s,"
			" the balance row holds debit %s credit %s\n",
			db_value(res, row, "company_id"), db_value(res, row, "account"),
			db_value(res, row, "span"), db_value(res, row, "starts_on"),
			db_value(res, row, "lines_debit"), db_value(res, row, "lines_credit"),
			db_value(res, row, "kept_debit"), db_value(res, row, "kept_credit"));
	if (rows > 1000)
		fprintf(run->out, "balances: more rows differ; the first 1000 are named\n");
	run->problems += rows;
	return ERP_OK;
}

/* Each company's hash chain of posted entries and the gaps in its numbers (integrity.c). */
static int check_chain(struct verify_run *run)
{
	return ledger_integrity_check(run->db, run->arena, run->out, &run->problems, &run->chains);
}

static const struct verify_check checks[] = {
	{ "balances", check_balances },
	{ "chain and numbering", check_chain },
};

/* Says in err why the database could not be read; the code verify_module() maps to 69 or 70. */
static int failure(struct db_conn *db, int rc, char *err, size_t err_size)
{
	const char *state = db_last_sqlstate(db);

	/* A missing table or function: the database is not (fully) migrated. */
	if (strncmp(state, "42P01", 5) == 0 || strncmp(state, "42883", 5) == 0) {
		snprintf(err, err_size, "the ledger's tables are missing or older than this server:"
			 " run erp-server migrate (%s)", db_last_message(db));
		return ERP_ERR_UNAVAILABLE;
	}
	snprintf(err, err_size, "cannot read the ledger: %s",
		 rc == ERP_ERR_NO_MEMORY ? "out of memory" : db_last_message(db));
	return rc == ERP_ERR_NO_MEMORY ? rc : (rc == ERP_ERR_UNAVAILABLE ? rc : ERP_ERR_INTERNAL);
}

int ledger_verify_books(struct db_conn *db, FILE *out, char *err, size_t err_size)
{
	struct verify_run run = { .db = db, .arena = arena_new(0), .out = out };
	int rc;

	if (!run.arena) {
		snprintf(err, err_size, "out of memory");
		return ERP_ERR_NO_MEMORY;
	}
	/* One snapshot for every check: a posting committing meanwhile is seen by all or none. */
	rc = db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	for (size_t i = 0; !rc && i < ERP_COUNT(checks); i++) {
		long before = run.problems;

		rc = checks[i].run(&run);
		if (!rc)
			fprintf(out, "%s: %s\n", checks[i].name,
				run.problems == before ? "sound" : "problems named above");
	}
	if (rc)
		rc = failure(db, rc, err, err_size);
	db_exec(db, rc ? "ROLLBACK" : "COMMIT");
	/* The one write: the chains' results, for the ledger-integrity report. */
	if (!rc && ledger_integrity_record(db, run.chains))
		rc = failure(db, ERP_ERR_UNAVAILABLE, err, err_size);
	arena_free(run.arena);
	if (rc)
		return rc;
	return run.problems ? 1 : 0;
}

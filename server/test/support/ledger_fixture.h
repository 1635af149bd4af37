#ifndef ERP_TEST_LEDGER_FIXTURE_H
#define ERP_TEST_LEDGER_FIXTURE_H

/*
 * Test fixtures for the general ledger (server/src/modules/ledger) over real
 * HTTP: a started erp-server-test on a fresh migrated database with the
 * bootstrap administrator logged in, and one-line helpers for the setup
 * every ledger test repeats (companies, roles, users, accounts, fiscal
 * years, drafts, postings). Each helper asserts its own success, so a test
 * reads as the story it checks.
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "test/support/testlib.h"

/* A running server and its database, for one test binary (Check unchecked fixture). */
struct test_ledger {
	struct test_server server;
	char db_url[1024];
	char admin_token[64];
	char admin_id[40];
};

/* A user created over the API and logged in. */
struct test_ledger_user {
	char id[40];
	char token[64];
};

/* The password every user made by test_ledger_user() has. */
extern const char test_ledger_password[];

/*
 * Creates (or recreates) database db_name, migrates it, writes the bootstrap
 * administrator (who also holds iam.sod.override), starts bin/erp-server-test
 * with extra_env (as test_server_start; may be NULL) and logs the
 * administrator in.
 */
void test_ledger_start(struct test_ledger *ledger, const char *db_name, const char *const extra_env[]);

/*
 * test_ledger_start() with the server connected as a deployment connects it:
 * as LOGIN role login (created in the cluster when missing), a member of
 * erp_app. ledger->db_url stays the owner's, for the test's own queries.
 */
void test_ledger_start_as_app(struct test_ledger *ledger, const char *db_name, const char *login);

/*
 * Waits (up to 10 s) until the server's sealer has linked every posted
 * entry into its company's chain and the balances (sealer.c).
 */
void test_ledger_wait_sealed(const struct test_ledger *ledger);

/*
 * test_ledger_wait_sealed(), then runs `erp-server audit verify-ledger` on
 * the ledger's database; asserts exit 0 (its findings in the failure's
 * message).
 */
void test_ledger_verify_books(const struct test_ledger *ledger);

/* test_ledger_verify_books(), then stops the server; asserts a clean exit. */
void test_ledger_stop(struct test_ledger *ledger);

/*
 * A path from a printf format, in one of eight rotating static buffers, so a
 * call can take several at once: test_ledger_path("/api/v1/companies/%s", code).
 */
const char *test_ledger_path(const char *format, ...) __attribute__((format(printf, 1, 2)));

/*
 * One request as token (NULL: anonymous) with an optional extra header
 * ("Name: value") and JSON body. Returns the status. With r the caller gets
 * the response and frees it; with r NULL it is freed here. Asserts that an
 * answer arrived.
 */
long test_ledger_call(const struct test_ledger *ledger, const char *token, const char *method,
		      const char *path, const char *extra_header, const char *body,
		      struct test_response *r);

/*
 * One request without any Check assertion, for client threads (threads
 * report, the main thread asserts): as token, with an optional extra header
 * ("Name: value") and JSON body. Returns the status, or -1 when no answer
 * came; the answer's "id" into id and its body (malloc'd, or NULL) into
 * *text when they are not NULL.
 */
long test_ledger_try(const struct test_ledger *ledger, const char *token, const char *method,
		     const char *path, const char *extra_header, const char *body, char id[40],
		     char **text);

/*
 * A request run on a thread of its own (or on the caller's), so a test can
 * hold a lock meanwhile: set token, path and what else it needs, start it,
 * join it, then read status, answer (the body, cut to fit) and answered_ms
 * (test_now_ms() when the answer came).
 */
struct test_ledger_pending {
	const char *token;
	const char *method;       /* POST when NULL */
	const char *path;         /* may point at path_text (test_ledger_pending_path()) */
	const char *extra_header; /* may be NULL */
	const char *body;         /* may be NULL */
	long status;              /* -1: no answer */
	char answer[512];
	double answered_ms;
	char path_text[256];
	const struct test_ledger *ledger;
	pthread_t thread;
};

/* Sets pending's path from a printf format, kept in pending itself. */
void test_ledger_pending_path(struct test_ledger_pending *pending, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/* Runs pending's request on the calling thread (no Check assertion: fit for client threads). */
void test_ledger_pending_run(const struct test_ledger *ledger, struct test_ledger_pending *pending);

/* Starts pending's request on a new thread; asserts it started. */
void test_ledger_pending_start(const struct test_ledger *ledger, struct test_ledger_pending *pending);

/* Waits for pending's thread; asserts it joined. */
void test_ledger_pending_join(struct test_ledger_pending *pending);

/* Runs sql on conn; asserts it succeeded (a command or rows). */
void test_ledger_sql_ok(PGconn *conn, const char *sql);

/* A connection of its own to the ledger's database with a transaction begun. */
PGconn *test_ledger_begin(const struct test_ledger *ledger);

/* Ends conn's transaction with how ("COMMIT" or "ROLLBACK") and closes it; returns when (test_now_ms()). */
double test_ledger_end(PGconn *conn, const char *how);

/* The administrator creates company code in currency; asserts 201. */
void test_ledger_company(const struct test_ledger *ledger, const char *code, const char *currency);

/* The administrator creates role name holding permissions (JSON array text); asserts 201. */
void test_ledger_role(const struct test_ledger *ledger, const char *name, const char *permissions);

/*
 * The administrator grants role to user_id in company (NULL: globally).
 * reason: NULL, or the reason that accepts a segregation-of-duties conflict
 * (the administrator holds iam.sod.override). Asserts 201.
 */
void test_ledger_grant(const struct test_ledger *ledger, const char *user_id, const char *role,
		       const char *company, const char *reason);

/* Creates a user with test_ledger_password over the API and logs it in. */
void test_ledger_user(const struct test_ledger *ledger, const char *email,
		      struct test_ledger_user *user);

/* Creates account code (currency NULL: the company's) as token; asserts 201. */
void test_ledger_account(const struct test_ledger *ledger, const char *token, const char *company,
			 const char *code, const char *type, const char *currency);

/* Creates the twelve monthly periods of fiscal_year (from January) as token; asserts 201. */
void test_ledger_fiscal_year(const struct test_ledger *ledger, const char *token,
			     const char *company, int fiscal_year);

/* The id (37 bytes with the NUL) of the period called name ("2026-03"); asserts it exists. */
void test_ledger_period_id(const struct test_ledger *ledger, const char *token, const char *company,
			   const char *name, char id[40]);

/* Closes every monthly period of fiscal_year in company as token; asserts 200 for each. */
void test_ledger_close_periods(const struct test_ledger *ledger, const char *token,
			       const char *company, int fiscal_year);

/*
 * Creates a balanced two-line draft as token: debit_account debited and
 * credit_account credited with amount (decimal text) on date. Asserts 201;
 * writes the entry id.
 */
void test_ledger_draft(const struct test_ledger *ledger, const char *token, const char *company,
		       const char *date, const char *debit_account, const char *credit_account,
		       const char *amount, const char *memo, char id[40]);

/*
 * Posts entry id as token under the version token reads first (If-Match, as
 * a reviewer would); asserts 200; writes its number (24 bytes) unless number
 * is NULL.
 */
void test_ledger_post(const struct test_ledger *ledger, const char *token, const char *company,
		      const char *id, char number[24]);

/*
 * A step of company's fiscal_year close as token: "close", "close/confirm"
 * (under the version token reads first, as a reviewer would),
 * "close/cancel", "reopen". Returns the status (the answer as in
 * test_ledger_call()).
 */
long test_ledger_year_step(const struct test_ledger *ledger, const char *token, const char *company,
			   int fiscal_year, const char *step, struct test_response *r);

/*
 * The people of a set of posted books, each with one role of their own:
 * <prefix>-keeper (accounts and periods), <prefix>-clerk (drafts),
 * <prefix>-approver (postings), <prefix>-reader (reports).
 */
struct test_ledger_crew {
	char prefix[16];
	struct test_ledger_user keeper, clerk, approver, reader;
};

/*
 * Creates the crew's four roles and its users keeper@<prefix>.test,
 * clerk@..., approver@..., reader@... (prefix: a few lower-case letters).
 */
void test_ledger_crew_start(const struct test_ledger *ledger, struct test_ledger_crew *crew,
			    const char *prefix);

/*
 * Company code in EUR with the crew granted there, accounts 1000 (asset) and
 * 4000 (revenue), fiscal year 2026 and entries posted sales: entry i (from 1)
 * on 2026-02-i debits 1000 and credits 4000 with 10 * i. Writes the second
 * entry's id into second unless it is NULL.
 */
void test_ledger_posted_books(const struct test_ledger *ledger, const struct test_ledger_crew *crew,
			      const char *code, int entries, char second[40]);

/*
 * Locks period_id of company the four-eyes way: requester_token asks for it
 * (asserts 202), confirmer_token confirms (asserts 200). The period must be
 * closed, ended, the company's earlier periods locked and no drafts in it.
 */
void test_ledger_lock_period(const struct test_ledger *ledger, const char *requester_token,
			     const char *confirmer_token, const char *company, const char *period_id);

/*
 * Sets company's self_posting the four-eyes way: requester_token asks for it
 * under the settings' current ETag (asserts 202), confirmer_token confirms
 * the version it reads (asserts 200).
 */
void test_ledger_self_posting(const struct test_ledger *ledger, const char *requester_token,
			      const char *confirmer_token, const char *company, bool self_posting);

/* The first column of the first row of a query (printf format) as a number; asserts a value. */
long long test_ledger_db_number(const struct test_ledger *ledger, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/* A string member of a JSON object, or "" when absent or not a string (never NULL). */
const char *test_ledger_text(json_t *object, const char *name);

/* The ETag of a response as an "If-Match: <etag>" header, in static storage; asserts one. */
const char *test_ledger_if_match(const struct test_response *r);

/*
 * GETs path as token (asserts 200) and returns its ETag as an "If-Match:
 * <etag>" header, in one of four rotating static buffers: the version a
 * reviewer saw.
 */
const char *test_ledger_read_if_match(const struct test_ledger *ledger, const char *token,
				      const char *path);

#endif

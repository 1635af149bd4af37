/*
 * Red team: the application's database role (a LOGIN member of erp_app, as
 * the server connects in production) writing directly, within what it is
 * granted (SELECT, INSERT, UPDATE, DELETE on the business tables), against
 * the rules docs/controls.md says the database enforces "for the
 * application role and the owner alike", so that "a bug in the server, a
 * stolen application password ... cannot quietly change the record":
 *
 *  - "Posted entries and their lines never change or disappear"
 *    (ledger_reject_posted_change): a line added to a posted entry, a draft's
 *    line moved into one;
 *  - "A period, once locked, never changes" (ledger_periods_lock_rules): the
 *    locked period deleted and made again, open; an open period stretched
 *    over the locked one's days;
 *  - "self_posting ... changes only to the pending value, in the update that
 *    records a confirmed_by other than the requester"
 *    (ledger_settings_four_eyes), and "a period becomes locked only ... by a
 *    locked_by other than the lock_requested_by": one login writing both
 *    names;
 *  - "Only the database seals" (ledger_seal()): a seal of the login's own,
 *    a head moved, a balance written, the seal function replaced, two
 *    logins sealing at once;
 *  - not claimed for the database, tried because the promise covers it:
 *    a draft posted around the server by its own author, and a reviewed
 *    draft's amounts changed under the version the approver reviewed.
 *
 * The server itself runs as an erp_app login too; the test's own reads use
 * the owner's URL.
 */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define APP_LOGIN "t_attack_db_app"
#define ENTRIES "/api/v1/companies/DB/journal-entries"

static struct test_ledger L;
static char app_url[1100];
static char company_id[40], cash_id[40], revenue_id[40];
static struct test_ledger_user keeper, clerk, approver, controller, controller2;

static char *owner_value(const char *format, const char *arg)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), format, arg);
	return test_db_value(L.db_url, sql);
}

static void copy_value(char out[40], const char *format, const char *arg)
{
	char *value = owner_value(format, arg);

	ck_assert_msg(value != NULL, format, arg);
	snprintf(out, 40, "%s", value);
	free(value);
}

static void start_shared(void)
{
	test_ledger_start_as_app(&L, "t_attack_database_app", APP_LOGIN);
	snprintf(app_url, sizeof(app_url), "%s", test_db_login_url(L.db_url, APP_LOGIN, "erp_app"));
	test_ledger_company(&L, "DB", "EUR");
	test_ledger_role(&L, "db-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(&L, "db-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "db-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "db-controller", "[\"ledger.period.lock\",\"ledger.settings.manage\","
					      "\"ledger.period.read\"]");
	test_ledger_user(&L, "keeper@db.test", &keeper);
	test_ledger_user(&L, "clerk@db.test", &clerk);
	test_ledger_user(&L, "approver@db.test", &approver);
	test_ledger_user(&L, "controller@db.test", &controller);
	test_ledger_user(&L, "controller2@db.test", &controller2);
	test_ledger_grant(&L, keeper.id, "db-keeper", "DB", NULL);
	test_ledger_grant(&L, clerk.id, "db-clerk", "DB", NULL);
	test_ledger_grant(&L, approver.id, "db-approver", "DB", NULL);
	test_ledger_grant(&L, controller.id, "db-controller", "DB", NULL);
	test_ledger_grant(&L, controller2.id, "db-controller", "DB", NULL);
	test_ledger_account(&L, keeper.token, "DB", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "DB", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "DB", 2025);
	test_ledger_fiscal_year(&L, keeper.token, "DB", 2026);
	copy_value(company_id, "SELECT id FROM companies WHERE code = '%s'", "DB");
	copy_value(cash_id, "SELECT id FROM ledger_accounts WHERE code = '%s'", "1000");
	copy_value(revenue_id, "SELECT id FROM ledger_accounts WHERE code = '%s'", "4000");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/*
 * Runs sql (one or more statements: one transaction) as the erp_app login.
 * Returns NULL when it committed, else the SQLSTATE (static storage).
 */
static const char *as_app(const char *sql)
{
	static char state[8];
	PGconn *conn = PQconnectdb(app_url);
	PGresult *res;
	const char *code;

	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "%s", PQerrorMessage(conn));
	res = PQexec(conn, sql);
	code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	snprintf(state, sizeof(state), "%s", code ? code : "");
	PQclear(res);
	PQfinish(conn);
	return state[0] ? state : NULL;
}

static long long owner_number(const char *format, const char *arg)
{
	return test_ledger_db_number(&L, format, arg);
}

/* A draft by the clerk, posted by the approver; writes its id. */
static void posted_entry(const char *date, const char *amount, const char *memo, char id[40])
{
	test_ledger_draft(&L, clerk.token, "DB", date, "1000", "4000", amount, memo, id);
	test_ledger_post(&L, approver.token, "DB", id, NULL);
}

/* --- posted entries ---------------------------------------------------------------------------- */

START_TEST(a_posted_entry_gains_no_line)
{
	char id[40], sql[2048];
	const char *state;

	posted_entry("2026-03-02", "100.00", "posted, then padded", id);
	/* Two more lines, balanced, stamped as posted: the entry now moves 1,000,100.00. */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor,"
		 "   credit_minor, posted_on, posting_no) VALUES"
		 " ('%s', 3, '%s', '%s', 100000000, 0, '2026-03-02', nextval('ledger_posting_no')),"
		 " ('%s', 4, '%s', '%s', 0, 100000000, '2026-03-02', nextval('ledger_posting_no'))",
		 id, company_id, cash_id, id, company_id, revenue_id);
	state = as_app(sql);
	ck_assert_msg(state != NULL,
		      "broke: the erp_app login added two lines (1,000,000.00 each side) to posted entry %s;"
		      " it now has %lld lines and debits %lld minor units: ledger_lines_immutable guards"
		      " UPDATE and DELETE only, not INSERT",
		      id, owner_number("SELECT count(*) FROM ledger_lines WHERE entry_id = '%s'", id),
		      owner_number("SELECT sum(debit_minor) FROM ledger_lines WHERE entry_id = '%s'", id));
	ck_assert_int_eq(owner_number("SELECT count(*) FROM ledger_lines WHERE entry_id = '%s'", id), 2);
}
END_TEST

START_TEST(a_drafts_line_is_not_moved_into_a_posted_entry)
{
	char posted[40], draft[40], sql[1024];
	const char *state;

	posted_entry("2026-03-03", "200.00", "posted, then joined", posted);
	test_ledger_draft(&L, clerk.token, "DB", "2026-03-03", "1000", "4000", "7777.00", "a draft", draft);
	/* The trigger reads the OLD row's entry (a draft): the move is checked against the wrong one. */
	snprintf(sql, sizeof(sql),
		 "UPDATE ledger_lines SET entry_id = '%s', line_no = line_no + 10,"
		 " posted_on = '2026-03-03', posting_no = nextval('ledger_posting_no')"
		 " WHERE entry_id = '%s'",
		 posted, draft);
	state = as_app(sql);
	ck_assert_msg(state != NULL,
		      "broke: the erp_app login moved the lines of draft %s (7777.00) into posted entry %s,"
		      " which now has %lld lines: ledger_reject_posted_change() checks only OLD.entry_id",
		      draft, posted,
		      owner_number("SELECT count(*) FROM ledger_lines WHERE entry_id = '%s'", posted));
	ck_assert_int_eq(owner_number("SELECT count(*) FROM ledger_lines WHERE entry_id = '%s'", posted), 2);
}
END_TEST

/* --- locked periods ------------------------------------------------------------------------------ */

/* Closes and locks period name of DB the four-eyes way; writes its id. */
static void locked_period(const char *name, char id[40])
{
	test_ledger_period_id(&L, keeper.token, "DB", name, id);
	ck_assert_int_eq(test_ledger_call(&L, keeper.token, "POST",
					  test_ledger_path("/api/v1/companies/DB/fiscal-periods/%s/close", id),
					  NULL, NULL, NULL), 200);
	test_ledger_lock_period(&L, controller.token, controller2.token, "DB", id);
}

/* The approver posts a fresh draft dated date; returns the status. */
static long post_dated(const char *date, char id[40])
{
	test_ledger_draft(&L, clerk.token, "DB", date, "1000", "4000", "9999.00", "into a locked month", id);
	return test_ledger_call(&L, approver.token, "POST", test_ledger_path(ENTRIES "/%s/post", id),
				test_ledger_read_if_match(&L, approver.token,
							  test_ledger_path(ENTRIES "/%s", id)),
				NULL, NULL);
}

START_TEST(a_locked_period_is_neither_deleted_nor_made_again_open)
{
	char jan[40], sql[1024], id[40];
	const char *state;
	long posting = 0;

	locked_period("2025-01", jan);
	snprintf(sql, sizeof(sql),
		 "DELETE FROM ledger_periods WHERE id = '%s';"
		 "INSERT INTO ledger_periods (id, company_id, fiscal_year, number, starts_on, ends_on)"
		 " VALUES (gen_random_uuid(), '%s', 2025, 1, '2025-01-01', '2025-01-31')",
		 jan, company_id);
	state = as_app(sql);
	if (!state)
		posting = post_dated("2025-01-15", id);
	ck_assert_msg(state != NULL,
		      "broke: the erp_app login deleted locked period 2025-01 (%s) and inserted it again,"
		      " open; the approver's posting into 2025-01-15 then answered %ld"
		      " (ledger_periods_lock_rules is a BEFORE UPDATE trigger: DELETE is not guarded)",
		      jan, posting);
}
END_TEST

START_TEST(an_open_period_is_not_stretched_over_a_locked_one)
{
	char feb[40], mar[40], sql[1024], id[40];
	const char *state;
	long posting = 0;

	/* February 2025 locked (January is, from the test before, or is locked here). */
	if (owner_number("SELECT count(*) FROM ledger_periods WHERE company_id = '%s'"
			 " AND starts_on = '2025-01-01' AND status = 'locked'", company_id) == 0) {
		char jan[40];

		locked_period("2025-01", jan);
	}
	locked_period("2025-02", feb);
	test_ledger_period_id(&L, keeper.token, "DB", "2025-03", mar);
	/* March (open) now starts on 2 January: it covers locked February's days too, and comes
	 * first in starts_on order. */
	snprintf(sql, sizeof(sql), "UPDATE ledger_periods SET starts_on = '2025-01-02' WHERE id = '%s'", mar);
	state = as_app(sql);
	if (!state)
		posting = post_dated("2025-02-14", id);
	ck_assert_msg(posting != 200,
		      "broke: the erp_app login stretched open period 2025-03 over locked 2025-02 (%s);"
		      " the approver's posting dated 2025-02-14 then answered 200: posting.c picks the first"
		      " period whose dates cover the entry, and nothing in the database keeps periods from"
		      " overlapping",
		      feb);
	(void)state;
}
END_TEST

/* --- the second person, written by one login ------------------------------------------------------- */

/*
 * Not here: one erp_app login writing a two-person change in two UPDATEs that
 * name two people (a self_posting request and its "confirmation", a lock
 * request and its "confirmation"). The triggers compare columns the same
 * writer fills; the database cannot tell who is behind one login. Stated as a
 * limit in docs/controls.md ("What is left"), with what would detect it.
 */

/* --- not claimed for the database: four-eyes and the reviewed version -------------------------------- */

START_TEST(a_draft_is_not_posted_around_the_server_by_its_author)
{
	char id[40], sql[2048];
	const char *state;

	test_ledger_draft(&L, clerk.token, "DB", "2026-03-05", "1000", "4000", "123456.00", "self-posted", id);
	snprintf(sql, sizeof(sql),
		 "UPDATE ledger_lines SET posted_on = '2026-03-05', posting_no = nextval('ledger_posting_no')"
		 " WHERE entry_id = '%s';"
		 "UPDATE ledger_entries SET status = 'posted', fiscal_year = 2026, sequence = 900001,"
		 " number = 'JE-2026-900001', posted_by = author_id, posted_at = now(),"
		 " version = version + 1 WHERE id = '%s'",
		 id, id);
	state = as_app(sql);
	ck_assert_msg(state != NULL,
		      "broke (not claimed by the docs' database list): the erp_app login posted draft %s"
		      " (123456.00) with posted_by = author_id = the clerk, no approver, no audit event;"
		      " the trial balance now counts it",
		      id);
}
END_TEST

START_TEST(a_reviewed_draft_does_not_change_under_the_version_reviewed)
{
	char id[40], sql[512];
	const char *if_match, *state;
	long long debit;

	test_ledger_draft(&L, clerk.token, "DB", "2026-03-06", "1000", "4000", "10.00", "reviewed", id);
	if_match = test_ledger_read_if_match(&L, approver.token, test_ledger_path(ENTRIES "/%s", id));
	snprintf(sql, sizeof(sql), "UPDATE ledger_lines SET debit_minor = debit_minor * 100000"
				   " WHERE entry_id = '%s' AND debit_minor > 0;"
				   "UPDATE ledger_lines SET credit_minor = credit_minor * 100000"
				   " WHERE entry_id = '%s' AND credit_minor > 0", id, id);
	state = as_app(sql);
	if (!state)
		ck_assert_int_eq(test_ledger_call(&L, approver.token, "POST",
						  test_ledger_path(ENTRIES "/%s/post", id), if_match, NULL,
						  NULL), 200);
	debit = owner_number("SELECT coalesce(sum(debit_minor), 0) FROM ledger_lines WHERE entry_id = '%s'"
			     " AND posted_on IS NOT NULL", id);
	ck_assert_msg(state != NULL || debit == 0 || debit == 1000,
		      "broke (not claimed by the docs' database list): the erp_app login changed draft %s"
		      " from 10.00 to 1,000,000.00 without changing its version; the approver's posting"
		      " under the reviewed If-Match posted %lld minor units",
		      id, debit);
}
END_TEST

START_TEST(one_user_does_not_hold_both_sides_through_rows_the_app_login_writes)
{
	struct test_ledger_user u;
	char sql[2048], id[40];
	const char *state;
	long posting = 0;
	char *b;

	test_ledger_user(&L, "both-by-sql@db.test", &u);
	b = test_db_value(L.db_url, "SELECT id FROM users WHERE email = 'second-admin@fixture.test'");
	ck_assert_ptr_nonnull(b);
	/* Writer and approver in DB, "granted" by the administrator and "approved" by the second. */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO role_assignments (id, user_id, role_id, company_id, granted_by, approved_by)"
		 " SELECT gen_random_uuid(), '%s', r.id, '%s', '%s', '%s' FROM roles r"
		 " WHERE r.name IN ('db-clerk', 'db-approver');"
		 "UPDATE authz_version SET version = version + 1",
		 u.id, company_id, L.admin_id, b);
	free(b);
	state = as_app(sql);
	if (!state) {
		char other[40];

		/* Both sides held: posts another clerk's entry, and the SoD function says so. */
		test_ledger_draft(&L, clerk.token, "DB", "2026-03-07", "1000", "4000", "5.00", "by sql", other);
		posting = test_ledger_call(&L, u.token, "POST", test_ledger_path(ENTRIES "/%s/post", other),
					   test_ledger_read_if_match(&L, u.token, test_ledger_path(ENTRIES "/%s", other)),
					   NULL, NULL);
		test_ledger_draft(&L, u.token, "DB", "2026-03-07", "1000", "4000", "6.00", "mine", id);
	}
	ck_assert_msg(state != NULL,
		      "broke (not claimed by the docs' database list): the erp_app login gave %s"
		      " ledger.journal.create and ledger.journal.post in DB with a forged granter and"
		      " approver and no audit event; it wrote a draft and posted another's (%ld);"
		      " iam_sod_conflicts() now reports %lld conflict(s): the rule is asked, never enforced",
		      u.id, posting,
		      owner_number("SELECT count(*) FROM iam_sod_conflicts(ARRAY['%s'::uuid])", u.id));
}
END_TEST

/* --- the seal (docs/controls/ledger.md, "Only the database seals") --------------------------------- */

/* As as_app(), one statement; its one value, or NULL for SQL NULL (static storage); asserts it ran. */
static const char *app_value(const char *sql)
{
	static char value[128];
	PGconn *conn = PQconnectdb(app_url);
	PGresult *res;
	bool null;

	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "%s", PQerrorMessage(conn));
	res = PQexec(conn, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(conn));
	null = PQgetisnull(res, 0, 0);
	snprintf(value, sizeof(value), "%s", null ? "" : PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(conn);
	return null ? NULL : value;
}

/*
 * A posted entry of DB waiting for its seal: the owner holds the company's
 * chain head (made by a first sealed posting) while the approver posts it.
 * The caller ends the returned transaction.
 */
static PGconn *waiting_entry(const char *date, const char *memo, char id[40])
{
	char first[40], sql[256];
	PGconn *head;

	posted_entry(date, "1.00", "the head made", first);
	test_ledger_wait_sealed(&L);
	head = test_ledger_begin(&L);
	snprintf(sql, sizeof(sql), "SELECT 1 FROM ledger_chain_heads WHERE company_id = '%s' FOR UPDATE",
		 company_id);
	test_ledger_sql_ok(head, sql);
	posted_entry(date, "10.00", memo, id);
	ck_assert_int_eq(owner_number("SELECT count(*) FROM ledger_entries WHERE id = '%s'"
				      " AND chain_seq IS NULL", id), 1);
	return head;
}

static void assert_refused(const char *sql, const char *what)
{
	const char *state = as_app(sql);

	ck_assert_msg(state != NULL && strcmp(state, "42501") == 0,
		      "broke: the erp_app login %s (%s): %s", what, state ? state : "committed", sql);
}

/*
 * The place after the head with a hash of its choosing, a place far ahead
 * (where the company's sealing would stop), a posted entry born sealed:
 * the application's login writes no seal; the sealer then seals the
 * waiting entry with the hash of its stored rows.
 */
START_TEST(the_app_login_writes_no_seal_of_its_own)
{
	char id[40], sql[1024];
	PGconn *head = waiting_entry("2026-03-10", "waits for its seal", id);
	long long next = owner_number("SELECT last_seq + 1 FROM ledger_chain_heads WHERE company_id = '%s'",
				      company_id);

	snprintf(sql, sizeof(sql),
		 "UPDATE ledger_entries SET chain_seq = %lld, entry_hash = repeat('0', 64),"
		 " prev_hash = (SELECT last_hash FROM ledger_chain_heads WHERE company_id = '%s')"
		 " WHERE id = '%s'", next, company_id, id);
	assert_refused(sql, "sealed a waiting entry after the head with a hash of its choosing");
	snprintf(sql, sizeof(sql),
		 "UPDATE ledger_entries SET chain_seq = %lld, prev_hash = repeat('1', 64),"
		 " entry_hash = repeat('2', 64) WHERE id = '%s'", next + 1000, id);
	assert_refused(sql, "sealed a waiting entry a thousand places ahead");
	snprintf(sql, sizeof(sql),
		 "INSERT INTO ledger_entries (id, company_id, status, entry_date, memo, fiscal_year,"
		 " sequence, number, posted_at, chain_seq, prev_hash, entry_hash) VALUES"
		 " (gen_random_uuid(), '%s', 'posted', '2026-03-10', 'born sealed', 2026, 900100,"
		 " 'JE-2026-900100', now(), %lld, repeat('1', 64), repeat('2', 64))", company_id, next + 2000);
	assert_refused(sql, "inserted a posted entry with a seal");
	test_ledger_end(head, "ROLLBACK");
	test_ledger_wait_sealed(&L);
	ck_assert_int_eq(owner_number("SELECT count(*) FROM ledger_entries WHERE id = '%s'"
				      " AND entry_hash = ledger_chain_hash_of(id)", id), 1);
}
END_TEST

/* The heads and the balances: the seal's alone to write. */
START_TEST(the_app_login_moves_no_head_and_writes_no_balance)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), "UPDATE ledger_chain_heads SET updated_at = now() WHERE company_id = '%s'",
		 company_id);
	assert_refused(sql, "wrote its company's chain head");
	assert_refused("INSERT INTO ledger_chain_heads (company_id) SELECT id FROM companies"
		       " ON CONFLICT (company_id) DO NOTHING", "made chain heads");
	snprintf(sql, sizeof(sql), "UPDATE ledger_account_balances SET debit_minor = debit_minor + 100"
				   " WHERE company_id = '%s'", company_id);
	assert_refused(sql, "changed the balances");
	snprintf(sql, sizeof(sql),
		 "INSERT INTO ledger_account_balances (company_id, span, starts_on, account_id,"
		 " debit_minor, credit_minor) VALUES ('%s', 'day', '2026-12-31', '%s', 100, 0)",
		 company_id, cash_id);
	assert_refused(sql, "added a balance");
	snprintf(sql, sizeof(sql), "DELETE FROM ledger_account_balances WHERE company_id = '%s'", company_id);
	assert_refused(sql, "deleted the balances");
	assert_refused("CREATE OR REPLACE FUNCTION ledger.ledger_seal(uuid, integer) RETURNS integer"
		       " LANGUAGE sql AS 'SELECT 0'", "replaced the seal function");
}
END_TEST

/*
 * What the login may do: ask the database to seal. While another holds the
 * head it seals nothing (NULL); afterwards the entry is sealed (by it or
 * the sealer, whichever comes first) with the hash of its stored rows, and
 * nonsense arguments are refused.
 */
START_TEST(the_app_login_seals_only_as_the_database_seals)
{
	char id[40], sql[256];
	PGconn *head = waiting_entry("2026-03-11", "sealed on request", id);
	const char *sealed;
	long long length = owner_number("SELECT last_seq FROM ledger_chain_heads WHERE company_id = '%s'",
					company_id);

	snprintf(sql, sizeof(sql), "SELECT ledger_seal('%s', 10)", company_id);
	ck_assert_ptr_null(app_value(sql));
	test_ledger_end(head, "ROLLBACK");
	sealed = app_value(sql);
	ck_assert_msg(sealed && (strcmp(sealed, "0") == 0 || strcmp(sealed, "1") == 0), "%s",
		      sealed ? sealed : "NULL");
	test_ledger_wait_sealed(&L);
	ck_assert_int_eq(owner_number("SELECT count(*) FROM ledger_entries WHERE id = '%s'"
				      " AND entry_hash = ledger_chain_hash_of(id)", id), 1);
	ck_assert_int_eq(owner_number("SELECT last_seq FROM ledger_chain_heads WHERE company_id = '%s'",
				      company_id), length + 1);
	snprintf(sql, sizeof(sql), "SELECT ledger_seal('%s', 0)", company_id);
	ck_assert_str_eq(as_app(sql), "22023");
}
END_TEST

/*
 * conn (an erp_app login) seals DB's next waiting entry itself, in a
 * transaction it leaves open, holding the head: a waiting entry is made
 * (waiting_entry()), the owner lets go of the head and conn asks at once.
 * The server's sealer may ask first; then another try, up to five.
 */
static void seal_first(PGconn *conn, const char *date)
{
	char id[40], sql[256];

	snprintf(sql, sizeof(sql), "SELECT ledger_seal('%s', 10)", company_id);
	for (int attempt = 0; attempt < 5; attempt++) {
		PGconn *head = waiting_entry(date, "sealed by the login", id);
		PGresult *res;
		bool sealed;

		test_ledger_sql_ok(conn, "BEGIN");
		test_ledger_end(head, "ROLLBACK");
		res = PQexec(conn, sql);
		ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
		sealed = !PQgetisnull(res, 0, 0) && strcmp(PQgetvalue(res, 0, 0), "1") == 0;
		PQclear(res);
		if (sealed)
			return;
		test_ledger_sql_ok(conn, "ROLLBACK");
	}
	ck_abort_msg("the server's sealer sealed first five times in a row");
}

/* DB's chain: as long as its posted entries, each in it once (the verifier walks the links). */
static void assert_every_posted_entry_sealed(void)
{
	ck_assert_int_eq(owner_number("SELECT last_seq FROM ledger_chain_heads WHERE company_id = '%s'",
				      company_id),
			 owner_number("SELECT count(*) FROM ledger_entries WHERE company_id = '%s'"
				      " AND status = 'posted'", company_id));
}

/*
 * Two logins of erp_app at once: while the first holds the company's head
 * (its seal not committed), the second's seal links nothing (NULL, at once:
 * it does not wait); after the first commits, the second finds nothing left
 * to seal on what it read before, and the chain has each entry once.
 */
START_TEST(two_logins_sealing_at_once_link_each_entry_once)
{
	PGconn *first = PQconnectdb(app_url), *second;
	char sql[256];
	const char *value;

	ck_assert_msg(PQstatus(first) == CONNECTION_OK, "%s", PQerrorMessage(first));
	second = PQconnectdb(test_db_login_url(L.db_url, APP_LOGIN "_2", "erp_app"));
	ck_assert_msg(PQstatus(second) == CONNECTION_OK, "%s", PQerrorMessage(second));
	seal_first(first, "2026-03-13");
	snprintf(sql, sizeof(sql), "SELECT ledger_seal('%s', 10)", company_id);
	{
		PGresult *res = PQexec(second, sql);

		ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQerrorMessage(second));
		ck_assert_msg(PQgetisnull(res, 0, 0), "the second login sealed %s entries while the first"
			      " held the head", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	test_ledger_sql_ok(first, "COMMIT");
	PQfinish(first);
	PQfinish(second);
	value = app_value(sql);
	ck_assert_msg(value && strcmp(value, "0") == 0, "%s", value ? value : "NULL");
	test_ledger_verify_books(&L);
	assert_every_posted_entry_sealed();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/attack/database_app");
	TCase *tc = tcase_create("database_app");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, a_posted_entry_gains_no_line);
	tcase_add_test(tc, a_drafts_line_is_not_moved_into_a_posted_entry);
	tcase_add_test(tc, a_locked_period_is_neither_deleted_nor_made_again_open);
	tcase_add_test(tc, an_open_period_is_not_stretched_over_a_locked_one);
	tcase_add_test(tc, a_draft_is_not_posted_around_the_server_by_its_author);
	tcase_add_test(tc, a_reviewed_draft_does_not_change_under_the_version_reviewed);
	tcase_add_test(tc, one_user_does_not_hold_both_sides_through_rows_the_app_login_writes);
	tcase_add_test(tc, the_app_login_writes_no_seal_of_its_own);
	tcase_add_test(tc, the_app_login_moves_no_head_and_writes_no_balance);
	tcase_add_test(tc, the_app_login_seals_only_as_the_database_seals);
	tcase_add_test(tc, two_logins_sealing_at_once_link_each_entry_once);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * erp-seed-demo (server/scripts/seed-demo.c) against a migrated, role-seeded
 * database: what it writes (company, users with their roles, accounts, a
 * fiscal year, posted and draft entries), that it writes it as the server
 * would (four-eyes, gapless numbers, balanced books, audit trail), that it is
 * idempotent, that it runs nowhere but in development, and that bad data,
 * segregation of duties and missing permissions stop it with nothing written.
 */
#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

/* The demo data the script reads by default, as make run uses it. */
static json_t *demo_data(void)
{
	char path[1024];
	json_t *root;

	snprintf(path, sizeof(path), "%s/server/prisma/seed/demo-company.json",
		 test_env("ERP_TEST_REPO"));
	root = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(root);
	return root;
}

static long demo_count(const char *key, bool posted_only)
{
	json_t *root = demo_data(), *entry;
	long n = 0;
	size_t i;

	if (!posted_only)
		n = (long)json_array_size(json_object_get(root, key));
	else
		json_array_foreach(json_object_get(root, "entries"), i, entry)
			n += json_is_string(json_object_get(entry, "poster"));
	json_decref(root);
	return n;
}

/* A scratch folder for one test's password files (and data file). */
struct scratch {
	char dir[64];
	char passwords[96];
	char data[96];
};

static void scratch_make(struct scratch *s)
{
	snprintf(s->dir, sizeof(s->dir), "/tmp/erp-demo.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s->dir));
	snprintf(s->passwords, sizeof(s->passwords), "%s/passwords", s->dir);
	snprintf(s->data, sizeof(s->data), "%s/demo.json", s->dir);
}

static void scratch_remove(struct scratch *s)
{
	const char *argv[] = { "/bin/rm", "-rf", s->dir, NULL };

	ck_assert_int_eq(test_run(argv, NULL, NULL), 0);
}

static const char *seeded_database(const char *name)
{
	const char *url = script_fixture_database(name);
	const char *args[] = { "--env", "test", NULL };
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);
	return url;
}

/* erp-seed-demo --env ENV --passwords DIR [--data FILE] [extra] */
static void seed_demo(struct script_run *r, const char *url, const char *env,
		      const struct scratch *s, const char *data, const char *extra,
		      const char *const environment[])
{
	const char *args[] = { "--env", env, "--passwords", s->passwords,
			       data ? "--data" : extra, data ? data : NULL, extra, NULL };

	script_fixture_run(r, url, "seed-demo", args, environment, NULL);
}

static char *file_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[256];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

/* The user's password file: mode 600, a base64url password its stored hash accepts. */
static void assert_password_file(const char *url, const struct scratch *s, const char *email)
{
	char path[256], sql[256], *password, *hash;
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", s->passwords, email);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	password = file_text(path);
	ck_assert_ptr_nonnull(password);
	ck_assert_uint_eq(strlen(password), 24);
	ck_assert_uint_eq(strspn(password, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					   "0123456789-_"), 24);
	snprintf(sql, sizeof(sql), "SELECT password_hash FROM users WHERE email = '%s'", email);
	hash = test_db_value(url, sql);
	ck_assert_ptr_nonnull(hash);
	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(crypto_pwhash_str_verify(hash, password, strlen(password)), 0);
	free(password);
	free(hash);
}

static long demo_companies(const char *url)
{
	return script_fixture_count(url, "SELECT count(*) FROM companies WHERE code = 'DEMO'");
}

static long users(const char *url)
{
	return script_fixture_count(url, "SELECT count(*) FROM users");
}

START_TEST(seeds_the_demo_company_as_the_server_would)
{
	const char *url = seeded_database("t_sd_seed");
	struct scratch s;
	struct script_run r;
	char sql[512];

	scratch_make(&s);
	seed_demo(&r, url, "development", &s, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_str_eq(r.err, "");
	ck_assert_ptr_nonnull(strstr(r.out, "created company DEMO"));
	ck_assert_ptr_nonnull(strstr(r.out, "login bookkeeper@example.com: accountant in DEMO"));

	/* The people and their roles, in the company only. */
	ck_assert_int_eq(users(url), demo_count("users", false));
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT count(*) FROM role_assignments a JOIN users u ON u.id = a.user_id"
		" JOIN roles r ON r.id = a.role_id JOIN companies c ON c.id = a.company_id"
		" WHERE c.code = 'DEMO' AND (u.email, r.name) IN (('bookkeeper@example.com', 'accountant'),"
		"  ('approver@example.com', 'approver'), ('controller@example.com', 'controller'))"), 3);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_assignments"
						   " WHERE company_id IS NULL"), 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM iam_sod_conflicts("
						   "ARRAY(SELECT id FROM users))"), 0);
	assert_password_file(url, &s, "bookkeeper@example.com");
	assert_password_file(url, &s, "approver@example.com");
	assert_password_file(url, &s, "controller@example.com");

	/* The chart, with its hierarchy, in the company's currency. */
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM ledger_accounts"
						   " WHERE currency = 'EUR' AND exponent = 2"),
			 demo_count("accounts", false));
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT count(*) FROM ledger_accounts a JOIN ledger_accounts p ON p.id = a.parent_id"
		" WHERE a.code = '1200' AND p.code = '1000'"), 1);

	/* An open fiscal year of twelve months, this year (UTC). */
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT count(*) FROM ledger_periods WHERE status = 'open'"
		" AND fiscal_year = extract(year FROM now() AT TIME ZONE 'UTC')"
		" AND starts_on = make_date(fiscal_year, number, 1)"), 12);

	/* Entries: a month of them up to today, posted ones by another user, numbered 1..n. */
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM ledger_entries"),
			 demo_count("entries", false));
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT count(*) FROM ledger_entries e JOIN users a ON a.id = e.author_id"
		" JOIN users p ON p.id = e.posted_by WHERE e.status = 'posted'"
		" AND a.email = 'bookkeeper@example.com' AND p.email = 'approver@example.com'"
		" AND e.number = format('JE-%s-%s', e.fiscal_year, lpad(e.sequence::text, 6, '0'))"),
			 demo_count("entries", true));
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM ledger_entries WHERE status = 'posted' AND sequence BETWEEN 1"
		 " AND %ld", demo_count("entries", true));
	ck_assert_int_eq(script_fixture_count(url, sql), demo_count("entries", true));
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM ledger_entries"
						   " WHERE status = 'draft' AND number IS NULL"
						   "   AND posted_by IS NULL"),
			 demo_count("entries", false) - demo_count("entries", true));
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT count(*) FROM ledger_entries WHERE entry_date > (now() AT TIME ZONE 'UTC')::date"
		" OR entry_date < (now() AT TIME ZONE 'UTC')::date - 27"
		" OR extract(year FROM entry_date) <> extract(year FROM now() AT TIME ZONE 'UTC')"), 0);
	/* Posted lines are stamped for the reports, and the books balance. */
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT count(*) FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id"
		" WHERE (e.status = 'posted') <> (l.posted_on IS NOT NULL AND l.posting_no IS NOT NULL)"), 0);
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT sum(debit_minor) - sum(credit_minor) FROM ledger_lines WHERE posted_on IS NOT NULL"), 0);
	ck_assert_int_gt(script_fixture_count(url, "SELECT sum(debit_minor) FROM ledger_lines"
						   " WHERE posted_on IS NOT NULL"), 0);

	/* Audited: every creation in the IAM trail under the run, no secret anywhere. */
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit_events WHERE request_id LIKE 'script:%%'"
		 " AND action = 'ledger.journal.posted' AND changes->'posted_by'->>'new' ="
		 " (SELECT id::text FROM users WHERE email = 'approver@example.com')");
	ck_assert_int_eq(script_fixture_count(url, sql), demo_count("entries", true));
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT count(DISTINCT action) FROM audit_events WHERE request_id LIKE 'script:%'"
		" AND action IN ('iam.company.created', 'iam.user.created', 'iam.assignment.granted',"
		" 'ledger.account.created', 'ledger.fiscal_year.created', 'ledger.journal.created',"
		" 'ledger.journal.posted')"), 7);
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT count(*) FROM audit_events WHERE changes::text LIKE '%argon%'"
		" OR changes::text LIKE '%password%'"), 0);
	{
		char *password, path[256];

		snprintf(path, sizeof(path), "%s/approver@example.com", s.passwords);
		password = file_text(path);
		ck_assert_ptr_null(strstr(r.out, password));
		snprintf(sql, sizeof(sql), "SELECT (SELECT count(*) FROM script_executions x"
			 " WHERE x::text LIKE '%%%s%%') + (SELECT count(*) FROM audit_events e"
			 " WHERE e::text LIKE '%%%s%%')", password, password);
		ck_assert_int_eq(script_fixture_count(url, sql), 0);
		free(password);
	}
	script_run_free(&r);
	script_fixture_verify(&r, url);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	script_run_free(&r);
	scratch_remove(&s);
}
END_TEST

START_TEST(a_second_run_changes_nothing_and_says_so)
{
	const char *url = seeded_database("t_sd_twice");
	const char *count_all = "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM"
				" role_assignments) + (SELECT count(*) FROM ledger_accounts) + (SELECT"
				" count(*) FROM ledger_periods) + (SELECT count(*) FROM ledger_lines)"
				" + (SELECT count(*) FROM ledger_entries WHERE status = 'posted')";
	struct scratch s;
	struct script_run r;
	char path[256], *before, *after;
	long rows;

	scratch_make(&s);
	seed_demo(&r, url, "development", &s, NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);
	rows = script_fixture_count(url, count_all);
	snprintf(path, sizeof(path), "%s/bookkeeper@example.com", s.passwords);
	before = file_text(path);

	seed_demo(&r, url, "development", &s, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "erp-seed-demo: 0 changes\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "demo company DEMO is complete"));
	ck_assert_int_eq(script_fixture_count(url, count_all), rows);
	after = file_text(path);
	ck_assert_str_eq(before, after);
	script_run_free(&r);
	free(before);
	free(after);
	scratch_remove(&s);
}
END_TEST

/* Made-up data never reaches a shared environment, however the run is confirmed. */
START_TEST(runs_nowhere_but_in_development)
{
	const char *url = seeded_database("t_sd_envs");
	const char *const ci[] = { "CI=true", NULL };
	const char *const production_shell[] = { "ERP_ENV=production", NULL };
	static const char *const refused[] = { "production", "staging", "test" };
	struct scratch s;
	struct script_run r;

	scratch_make(&s);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *args[] = { "--env", refused[i], "--passwords", s.passwords,
				       "--confirm-production=t_sd_envs", "--reason", "CHG-1 demo", NULL };

		script_fixture_run(&r, url, "seed-demo", args, NULL, NULL);
		ck_assert_msg(r.status == 77, "%s: %d %s", refused[i], r.status, r.err);
		ck_assert_ptr_nonnull(strstr(r.err, "erp-seed-demo runs only in development, not in"));
		ck_assert_ptr_nonnull(strstr(r.err, refused[i]));
		script_run_free(&r);
	}
	/* --env development in a production shell, or under CI: the runtime's guards. */
	seed_demo(&r, url, "development", &s, NULL, NULL, production_shell);
	ck_assert_int_eq(r.status, 77);
	ck_assert_ptr_nonnull(strstr(r.err, "contradicts ERP_ENV=production"));
	script_run_free(&r);
	seed_demo(&r, url, "development", &s, NULL, NULL, ci);
	ck_assert_int_eq(r.status, 77);
	ck_assert_ptr_nonnull(strstr(r.err, "CI is set"));
	script_run_free(&r);

	/* Each refusal is on record; nothing was written, no password made. */
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE script = 'seed-demo' AND phase = 'end'"
						   " AND status = 'refused' AND exit_code = 77"),
			 5);
	ck_assert_int_eq(demo_companies(url), 0);
	ck_assert_int_eq(users(url), 0);
	ck_assert_int_ne(access(s.passwords, F_OK), 0);
	scratch_remove(&s);
}
END_TEST

START_TEST(a_dry_run_writes_nothing)
{
	const char *url = seeded_database("t_sd_dry");
	struct scratch s;
	struct script_run r;

	scratch_make(&s);
	seed_demo(&r, url, "development", &s, NULL, "--dry-run", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "created company DEMO"));
	ck_assert_ptr_nonnull(strstr(r.out, "dry run: would write a new password to"));
	ck_assert_ptr_nonnull(strstr(r.out, "dry run: rolled back, nothing was changed"));
	ck_assert_int_eq(demo_companies(url), 0);
	ck_assert_int_eq(users(url), 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM ledger_entries"), 0);
	ck_assert_int_ne(access(s.passwords, F_OK), 0);
	script_run_free(&r);
	scratch_remove(&s);
}
END_TEST

/* A password file left by an earlier run (or written by hand) is the user's password. */
START_TEST(a_kept_password_file_is_used)
{
	const char *url = seeded_database("t_sd_kept");
	struct scratch s;
	struct script_run r;
	char path[256], sql[256], *hash;
	FILE *f;

	scratch_make(&s);
	ck_assert_int_eq(mkdir(s.passwords, 0700), 0);
	snprintf(path, sizeof(path), "%s/controller@example.com", s.passwords);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("kept controller secret\n", f);
	fclose(f);
	seed_demo(&r, url, "development", &s, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	script_run_free(&r);
	snprintf(sql, sizeof(sql), "SELECT password_hash FROM users WHERE email = '%s'",
		 "controller@example.com");
	hash = test_db_value(url, sql);
	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(crypto_pwhash_str_verify(hash, "kept controller secret", 22), 0);
	free(hash);
	scratch_remove(&s);
}
END_TEST

/* --- bad data: one change each, refused before anything is written ---------------------- */

static json_t *entry(json_t *root, size_t i)
{
	return json_array_get(json_object_get(root, "entries"), i);
}

static json_t *line(json_t *root, size_t i, size_t j)
{
	return json_array_get(json_object_get(entry(root, i), "lines"), j);
}

static void unbalanced(json_t *root)
{
	json_object_set_new(line(root, 1, 0), "debit", json_string("1800.01"));
}

static void author_posts(json_t *root)
{
	json_object_set_new(entry(root, 0), "poster", json_string("bookkeeper@example.com"));
}

static void unknown_account(json_t *root)
{
	json_object_set_new(line(root, 0, 0), "account", json_string("9999"));
}

static void child_before_parent(json_t *root)
{
	json_object_set_new(json_array_get(json_object_get(root, "accounts"), 1), "parent",
			    json_string("5000"));
}

static void too_many_decimals(json_t *root)
{
	json_object_set_new(line(root, 0, 0), "debit", json_string("25000.001"));
}

static void both_sides(json_t *root)
{
	json_object_set_new(line(root, 0, 0), "credit", json_string("1.00"));
}

static void path_in_email(json_t *root)
{
	json_object_set_new(json_array_get(json_object_get(root, "users"), 0), "email",
			    json_string("../bookkeeper@example.com"));
}

static void unknown_field(json_t *root)
{
	json_object_set_new(json_object_get(root, "company"), "owner", json_string("me"));
}

static void unknown_role(json_t *root)
{
	json_object_set_new(json_array_get(json_object_get(root, "users"), 0), "role",
			    json_string("bookkeeper"));
}

static void controller_posts(json_t *root)
{
	json_object_set_new(entry(root, 0), "poster", json_string("controller@example.com"));
}

static void approver_writes(json_t *root)
{
	json_object_set_new(entry(root, 0), "author", json_string("approver@example.com"));
	json_object_set_new(entry(root, 0), "poster", json_string("controller@example.com"));
}

static const struct bad_data {
	void (*change)(json_t *root);
	const char *message;
} bad_data[] = {
	/* found in the file */
	{ unbalanced, "entries[1] does not balance" },
	{ author_posts, "entries[0]: four-eyes: its author cannot post it" },
	{ unknown_account, "account 9999 is not in \"accounts\"" },
	{ child_before_parent, "account 1100: its parent 5000 must be listed before it" },
	{ too_many_decimals, "entries[0]: lines[0]:" },
	{ both_sides, "lines[0] needs exactly one of debit and credit" },
	{ path_in_email, "email must be lower-case letters" },
	{ unknown_field, "\"company\" must be an object of code, name and currency" },
	/* found against the database */
	{ unknown_role, "there is no role bookkeeper: run erp-seed-roles first" },
	{ controller_posts, "controller@example.com cannot post entries in DEMO: no ledger.journal.post" },
	{ approver_writes, "approver@example.com cannot write entries in DEMO: no ledger.journal.create" },
};

START_TEST(bad_data_is_refused_with_nothing_written)
{
	const struct bad_data *c = &bad_data[_i];
	char name[32];
	const char *url;
	struct scratch s;
	struct script_run r;
	json_t *root = demo_data();

	snprintf(name, sizeof(name), "t_sd_bad_%d", _i);
	url = seeded_database(name);
	scratch_make(&s);
	c->change(root);
	ck_assert_int_eq(json_dump_file(root, s.data, 0), 0);
	json_decref(root);
	seed_demo(&r, url, "development", &s, s.data, NULL, NULL);
	ck_assert_msg(r.status == 65, "case %d: exit %d: %s", _i, r.status, r.err);
	ck_assert_msg(strstr(r.err, c->message) != NULL, "case %d: %s", _i, r.err);
	ck_assert_int_eq(script_fixture_lines(r.err), 1);
	ck_assert_int_eq(demo_companies(url), 0);
	ck_assert_int_eq(users(url), 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM ledger_entries"), 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE script = 'seed-demo' AND phase = 'end'"
						   " AND status = 'failed' AND exit_code = 65"),
			 1);
	script_run_free(&r);
	scratch_remove(&s);
}
END_TEST

/*
 * Segregation of duties holds for the script as for the API: a bookkeeper who
 * already approves in the company is not made an accountant there too.
 */
START_TEST(a_grant_that_breaks_segregation_of_duties_is_refused)
{
	const char *url = seeded_database("t_sd_sod");
	struct scratch s;
	struct script_run r;
	json_t *root = demo_data();
	long assignments;

	scratch_make(&s);
	json_object_set_new(json_array_get(json_object_get(root, "users"), 0), "role",
			    json_string("approver"));
	json_object_set_new(root, "entries", json_array());
	ck_assert_int_eq(json_dump_file(root, s.data, 0), 0);
	json_decref(root);
	seed_demo(&r, url, "development", &s, s.data, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	script_run_free(&r);
	assignments = script_fixture_count(url, "SELECT count(*) FROM role_assignments");

	seed_demo(&r, url, "development", &s, NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_msg(strstr(r.err, "granting accountant to bookkeeper@example.com in DEMO would"
				    " break segregation of duties") != NULL, "%s", r.err);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_assignments"),
			 assignments);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM ledger_entries"), 0);
	script_run_free(&r);
	scratch_remove(&s);
}
END_TEST

/*
 * The scripts' database role may not write the books: the demo runs only
 * where make run connects as the cluster's owner (docs: server/scripts/README.md).
 */
START_TEST(an_erp_scripts_login_cannot_write_the_books)
{
	const char *owner = seeded_database("t_sd_role");
	char url[1024];
	struct scratch s;
	struct script_run r;

	snprintf(url, sizeof(url), "%s", test_db_login_url(owner, "t_sd_scripts", "erp_scripts"));
	scratch_make(&s);
	seed_demo(&r, url, "development", &s, NULL, NULL, NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "permission denied") != NULL, "%s", r.err);
	ck_assert_int_eq(demo_companies(owner), 0);
	script_run_free(&r);
	scratch_remove(&s);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/scripts/seed_demo");
	TCase *tc = tcase_create("seed-demo");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, seeds_the_demo_company_as_the_server_would);
	tcase_add_test(tc, a_second_run_changes_nothing_and_says_so);
	tcase_add_test(tc, runs_nowhere_but_in_development);
	tcase_add_test(tc, a_dry_run_writes_nothing);
	tcase_add_test(tc, a_kept_password_file_is_used);
	tcase_add_loop_test(tc, bad_data_is_refused_with_nothing_written, 0,
			    (int)(sizeof(bad_data) / sizeof(bad_data[0])));
	tcase_add_test(tc, a_grant_that_breaks_segregation_of_duties_is_refused);
	tcase_add_test(tc, an_erp_scripts_login_cannot_write_the_books);
	suite_add_tcase(s, tc);
	return s;
}

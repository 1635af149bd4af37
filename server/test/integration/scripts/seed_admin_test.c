/* erp-seed-admin (server/scripts/seed-admin.c) against a migrated, role-seeded database. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

#define PASSWORD "correct horse battery staple"

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

static void seed_admin(struct script_run *r, const char *url, const char *email,
		       const char *extra_flag, const char *const env[], const char *stdin_text)
{
	const char *args[] = { "--env", "test", "--email", email, extra_flag, NULL };

	script_fixture_run(r, url, "seed-admin", args, env, stdin_text);
}

static const char *const password_env[] = { "ERP_SEED_ADMIN_PASSWORD=" PASSWORD, NULL };

static long users(const char *url)
{
	return script_fixture_count(url, "SELECT count(*) FROM users");
}

static void assert_password(const char *url, const char *email, const char *password)
{
	char sql[256], *hash;

	snprintf(sql, sizeof(sql), "SELECT password_hash FROM users WHERE email = '%s'", email);
	hash = test_db_value(url, sql);
	ck_assert_ptr_nonnull(hash);
	ck_assert_msg(strncmp(hash, "$argon2id$", 10) == 0, "not argon2id: %s", hash);
	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(crypto_pwhash_str_verify(hash, password, strlen(password)), 0);
	ck_assert_int_ne(crypto_pwhash_str_verify(hash, "wrong password!", 15), 0);
	/* The server's own parameters: no rehash needed at login. */
	ck_assert_int_eq(crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
							crypto_pwhash_MEMLIMIT_INTERACTIVE),
			 0);
	free(hash);
}

START_TEST(creates_a_global_administrator_with_an_argon2id_hash)
{
	const char *url = seeded_database("t_sa_create");
	char *version_before = test_db_value(url, "SELECT version FROM authz_version"), *after;
	struct script_run r;

	seed_admin(&r, url, "Root@Example.COM", NULL, password_env, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "created user root@example.com"));
	ck_assert_ptr_null(strstr(r.out, PASSWORD));
	ck_assert_ptr_null(strstr(r.err, PASSWORD));
	assert_password(url, "root@example.com", PASSWORD);
	ck_assert_int_eq(script_fixture_count(url,
					      "SELECT count(*) FROM role_assignments a"
					      " JOIN users u ON u.id = a.user_id"
					      " JOIN roles r ON r.id = a.role_id"
					      " WHERE u.email = 'root@example.com' AND u.active"
					      "   AND r.name = 'administrator' AND a.company_id IS NULL"),
			 1);
	/* UUIDv7 id. */
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM users"
						   " WHERE substr(id::text, 15, 1) = '7'"),
			 1);
	after = test_db_value(url, "SELECT version FROM authz_version");
	ck_assert_int_gt(strtol(after, NULL, 10), strtol(version_before, NULL, 10));
	/* Audited everywhere, the password nowhere. */
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM audit_events"
						   " WHERE action IN ('iam.user.created',"
						   "                  'iam.assignment.granted')"
						   "   AND request_id LIKE 'script:%'"),
			 2);
	ck_assert_int_eq(script_fixture_count(url,
					      "SELECT count(*) FROM script_executions"
					      " WHERE script = 'seed-admin'"
					      "   AND arguments->>'email' = 'Root@Example.COM'"),
			 2);
	ck_assert_int_eq(script_fixture_count(url,
					      "SELECT (SELECT count(*) FROM script_executions s"
					      "         WHERE s::text LIKE '%battery%')"
					      "     + (SELECT count(*) FROM audit_events e"
					      "         WHERE e::text LIKE '%battery%' OR e::text LIKE '%argon%')"),
			 0);
	free(version_before);
	free(after);
	script_run_free(&r);
}
END_TEST

START_TEST(reads_the_password_from_stdin)
{
	const char *url = seeded_database("t_sa_stdin");
	struct script_run r;

	seed_admin(&r, url, "stdin@example.com", NULL, NULL, "from stdin 12345\n");
	ck_assert_msg(r.status == 0, "%s", r.err);
	assert_password(url, "stdin@example.com", "from stdin 12345");
	script_run_free(&r);
}
END_TEST

START_TEST(refuses_when_an_active_administrator_exists)
{
	const char *url = seeded_database("t_sa_refuse");
	struct script_run r;

	seed_admin(&r, url, "first@example.com", NULL, password_env, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);

	seed_admin(&r, url, "second@example.com", NULL, password_env, NULL);
	ck_assert_int_eq(r.status, 77);
	ck_assert_int_eq(script_fixture_lines(r.err), 1);
	ck_assert_ptr_nonnull(strstr(r.err, "an active administrator already exists (first@example.com)"));
	ck_assert_int_eq(users(url), 1);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE phase = 'end' AND status = 'refused'"),
			 1);
	script_run_free(&r);

	/* --if-absent: success without a change, the make run path. */
	seed_admin(&r, url, "second@example.com", "--if-absent", password_env, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "erp-seed-admin: 0 changes\n"));
	ck_assert_int_eq(users(url), 1);
	script_run_free(&r);

	/* --force: another one. */
	seed_admin(&r, url, "second@example.com", "--force", password_env, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(users(url), 2);
	script_run_free(&r);

	/* The same email again is a data error, even forced. */
	seed_admin(&r, url, "SECOND@example.com", "--force", password_env, NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "a user with the email second@example.com already exists"));
	script_run_free(&r);
}
END_TEST

START_TEST(inactive_administrators_do_not_count)
{
	const char *url = seeded_database("t_sa_inactive");
	struct script_run r;

	seed_admin(&r, url, "old@example.com", NULL, password_env, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);
	ck_assert_int_eq(test_db_exec(url, "UPDATE users SET active = false"), 0);
	seed_admin(&r, url, "new@example.com", NULL, password_env, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_int_eq(users(url), 2);
	script_run_free(&r);
}
END_TEST

START_TEST(bad_inputs_change_nothing)
{
	const char *url = seeded_database("t_sa_bad");
	const char *const short_env[] = { "ERP_SEED_ADMIN_PASSWORD=short", NULL };
	const char *no_email[] = { "--env", "test", NULL };
	struct script_run r;

	seed_admin(&r, url, "a@example.com", NULL, short_env, NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "the password must be 12..1024 bytes"));
	script_run_free(&r);

	seed_admin(&r, url, "a@example.com", NULL, NULL, "");
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "no password"));
	script_run_free(&r);

	{
		/* 1025 bytes on stdin, newline-terminated: one over the limit. */
		static char too_long[1027];

		memset(too_long, 'p', 1025);
		too_long[1025] = '\n';
		seed_admin(&r, url, "a@example.com", NULL, NULL, too_long);
		ck_assert_int_eq(r.status, 65);
		script_run_free(&r);
		ck_assert_int_eq(users(url), 0);
	}

	seed_admin(&r, url, "not an email", NULL, password_env, NULL);
	ck_assert_int_eq(r.status, 64);
	script_run_free(&r);

	seed_admin(&r, url, "a@example.com", "--if-absent", password_env, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);

	script_fixture_run(&r, url, "seed-admin", no_email, password_env, NULL);
	ck_assert_int_eq(r.status, 64);
	ck_assert_ptr_nonnull(strstr(r.err, "--email is required"));
	script_run_free(&r);

	/* Every failure above was audited as failed; only the --if-absent run created a user. */
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE script = 'seed-admin' AND phase = 'end'"
						   "   AND status = 'failed'"),
			 5);
	ck_assert_int_eq(users(url), 1);
}
END_TEST

START_TEST(needs_the_administrator_role)
{
	const char *url = script_fixture_database("t_sa_no_role");
	struct script_run r;

	seed_admin(&r, url, "a@example.com", NULL, password_env, NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "run erp-seed-roles first"));
	ck_assert_int_eq(users(url), 0);
	script_run_free(&r);
}
END_TEST

START_TEST(dry_run_creates_nobody)
{
	const char *url = seeded_database("t_sa_dry");
	struct script_run r;

	seed_admin(&r, url, "a@example.com", "--dry-run", password_env, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "created user a@example.com"));
	ck_assert_ptr_nonnull(strstr(r.out, "dry run: rolled back"));
	ck_assert_int_eq(users(url), 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE script = 'seed-admin' AND status = 'dry-run'"
						   "   AND affected->>'users' = '1'"),
			 1);
	script_run_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("erp-seed-admin");
	TCase *tc = tcase_create("seed-admin");

	tcase_add_test(tc, creates_a_global_administrator_with_an_argon2id_hash);
	tcase_add_test(tc, reads_the_password_from_stdin);
	tcase_add_test(tc, refuses_when_an_active_administrator_exists);
	tcase_add_test(tc, inactive_administrators_do_not_count);
	tcase_add_test(tc, bad_inputs_change_nothing);
	tcase_add_test(tc, needs_the_administrator_role);
	tcase_add_test(tc, dry_run_creates_nobody);
	suite_add_tcase(suite, tc);
	return suite;
}

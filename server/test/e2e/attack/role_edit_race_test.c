/*
 * Red team: one administrator, alone, racing a role edit against the grant
 * of that role (docs/controls.md, "Role edits cannot grant behind the
 * approval" and "Privileged grants wait for a second administrator").
 *
 * The administrator holds iam.role.manage, iam.user.manage and
 * iam.assignment.manage (the bootstrap administrator of the fixture). They
 * make a role holding only a read permission (not privileged: its grant
 * takes effect at once) and, at the same moment:
 *
 *   T1  PATCH /roles/{role}  adds ledger.journal.post (allowed: nobody holds
 *       the role yet)
 *   T2  POST /users/{puppet}/role-assignments  grants the role to an account
 *       the administrator made and chose the password of
 *
 * The control holds when the puppet never ends up holding the privileged
 * permission through an assignment nobody approved: either the edit sees the
 * holder (409), or the grant sees the privileged role (202, a request a
 * second administrator must approve).
 *
 * The second test plays the whole story the promise is about: the
 * administrator races one puppet into ledger.journal.create and another into
 * ledger.journal.post, writes a draft as the first and posts it as the
 * second. Money must not move.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

enum { ATTEMPTS = 40 };

static struct test_ledger L;
static struct test_ledger_user keeper;

static void start_shared(void)
{
	test_ledger_start(&L, "t_attack_role_edit_race", NULL);
	test_ledger_company(&L, "RR", "EUR");
	test_ledger_role(&L, "rr-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_user(&L, "keeper@role-race.test", &keeper);
	test_ledger_grant(&L, keeper.id, "rr-keeper", "RR", NULL);
	test_ledger_account(&L, keeper.token, "RR", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "RR", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "RR", 2026);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

struct shot {
	const char *method;
	char path[256];
	char header[96];   /* If-Match, or "" */
	char body[256];
	pthread_barrier_t *start;
	useconds_t delay;  /* after the barrier */
	long status;
	char detail[512];
};

static void *fire(void *arg)
{
	struct shot *s = arg;
	struct test_response r;

	pthread_barrier_wait(s->start);
	if (s->delay)
		usleep(s->delay);
	test_iam_request(L.server.base_url, s->method, s->path, L.admin_token,
			 s->header[0] ? s->header : NULL, s->body[0] ? s->body : NULL, &r);
	s->status = r.status;
	snprintf(s->detail, sizeof(s->detail), "%s", r.body ? r.body : "");
	test_response_free(&r);
	return NULL;
}

/*
 * One race: a fresh role holding only ledger.journal.read; the administrator
 * edits it to add `permission` and grants it to user_id in RR at the same
 * time. Returns true when the user now holds `permission` through an
 * assignment of that role nobody approved.
 */
static bool race_once(const char *user_id, const char *permission, int attempt, char role[64])
{
	struct shot edit = { .method = "PATCH" }, grant = { .method = "POST" };
	pthread_barrier_t start;
	pthread_t te, tg;
	long long unapproved;

	static int roles_made;

	snprintf(role, 64, "rr-%s-%d", strstr(permission, "post") ? "post" : "create", ++roles_made);
	test_ledger_role(&L, role, "[\"ledger.journal.read\"]");
	snprintf(edit.path, sizeof(edit.path), "/api/v1/roles/%s", role);
	snprintf(edit.header, sizeof(edit.header), "%s",
		 test_ledger_read_if_match(&L, L.admin_token, edit.path));
	snprintf(edit.body, sizeof(edit.body), "{\"permissions\":[\"ledger.journal.read\",\"%s\"]}",
		 permission);
	snprintf(grant.path, sizeof(grant.path), "/api/v1/users/%s/role-assignments", user_id);
	snprintf(grant.body, sizeof(grant.body), "{\"role\":\"%s\",\"company\":\"RR\"}", role);
	/* The grant leaves a little after the edit, by a varying margin. */
	grant.delay = (useconds_t)(attempt % 5) * 500;
	pthread_barrier_init(&start, NULL, 2);
	edit.start = grant.start = &start;
	ck_assert_int_eq(pthread_create(&te, NULL, fire, &edit), 0);
	ck_assert_int_eq(pthread_create(&tg, NULL, fire, &grant), 0);
	pthread_join(te, NULL);
	pthread_join(tg, NULL);
	pthread_barrier_destroy(&start);
	ck_assert_msg(edit.status == 200 || edit.status == 409, "edit: %ld %s", edit.status, edit.detail);
	ck_assert_msg(grant.status == 201 || grant.status == 202, "grant: %ld %s", grant.status,
		      grant.detail);
	unapproved = test_ledger_db_number(
		&L,
		"SELECT count(*) FROM role_assignments ra JOIN roles r ON r.id = ra.role_id"
		" JOIN role_permissions rp ON rp.role_id = ra.role_id"
		" WHERE ra.user_id = '%s' AND r.name = '%s' AND rp.permission = '%s'"
		"   AND ra.approved_by IS NULL",
		user_id, role, permission);
	if (unapproved > 0)
		fprintf(stderr,
			"role_edit_race: attempt %d: edit %ld, grant %ld: %s holds %s through role %s,"
			" granted at once, approved by nobody\n",
			attempt, edit.status, grant.status, user_id, permission, role);
	return unapproved > 0;
}

/* Races until one attempt gets permission to user_id unapproved; returns the attempts won. */
static int race(const char *user_id, const char *permission, char won_role[64])
{
	int won = 0;

	for (int i = 1; i <= ATTEMPTS && !won; i++) {
		char role[64];

		if (race_once(user_id, permission, i, role)) {
			won++;
			snprintf(won_role, 64, "%s", role);
		}
	}
	return won;
}

START_TEST(a_role_edited_while_it_is_granted_does_not_skip_the_second_administrator)
{
	struct test_ledger_user puppet;
	char role[64] = "";
	int won;

	/* The administrator's own second account: they chose its password. */
	test_ledger_user(&L, "puppet-post@role-race.test", &puppet);
	won = race(puppet.id, "ledger.journal.post", role);
	ck_assert_msg(won == 0,
		      "broke: one administrator alone gave their puppet ledger.journal.post in RR"
		      " through role %s: PATCH /roles/%s (adding the permission to an unheld role)"
		      " raced POST /users/%s/role-assignments, which answered 201 with no approval",
		      role, role, puppet.id);
	/* Nothing the puppet holds was granted without a second administrator. */
	ck_assert_int_eq(test_ledger_db_number(
				 &L,
				 "SELECT count(*) FROM role_assignments ra"
				 " JOIN role_permissions rp ON rp.role_id = ra.role_id"
				 " WHERE ra.user_id = '%s' AND iam_is_privileged(rp.permission)"
				 "   AND ra.approved_by IS NULL",
				 puppet.id),
			 0);
}
END_TEST

START_TEST(one_administrator_with_two_puppets_cannot_move_money)
{
	struct test_ledger_user writer, poster;
	char writer_role[64] = "", poster_role[64] = "", id[40];
	const char *path;
	struct test_response r;
	long status;

	test_ledger_user(&L, "puppet-writer@role-race.test", &writer);
	test_ledger_user(&L, "puppet-poster@role-race.test", &poster);
	if (race(writer.id, "ledger.journal.create", writer_role) == 0 ||
	    race(poster.id, "ledger.journal.post", poster_role) == 0)
		return; /* the race was not won: the control held for these attempts */
	/* Both puppets hold a side of the pair, each through a grant nobody approved. */
	test_ledger_draft(&L, writer.token, "RR", "2026-02-10", "1000", "4000", "250000.00",
			  "To the administrator's friend", id);
	path = test_ledger_path("/api/v1/companies/RR/journal-entries/%s", id);
	test_ledger_call(&L, poster.token, "POST",
			 test_ledger_path("/api/v1/companies/RR/journal-entries/%s/post", id),
			 test_ledger_read_if_match(&L, poster.token, path), NULL, &r);
	status = r.status;
	test_response_free(&r);
	ck_assert_msg(status != 200,
		      "broke: one administrator alone moved money: puppets %s (role %s, ledger.journal.create)"
		      " and %s (role %s, ledger.journal.post) were granted through edit/grant races;"
		      " entry %s of 250000.00 was written by one and posted by the other",
		      writer.id, writer_role, poster.id, poster_role, id);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/attack/role_edit_race");
	TCase *tc = tcase_create("role_edit_race");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, a_role_edited_while_it_is_granted_does_not_skip_the_second_administrator);
	tcase_add_test(tc, one_administrator_with_two_puppets_cannot_move_money);
	suite_add_tcase(s, tc);
	return s;
}

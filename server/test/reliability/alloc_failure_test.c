/*
 * Allocation failure, one allocation at a time (curl's torture mode,
 * SQLite's fault tests): a representative write request (a role, a user, a
 * grant, a partner) is sent again and again, the N-th of its allocations
 * failing on attempt N, until an attempt makes all its allocations without
 * reaching N. Every failed
 * attempt must be answered 500 or 503 with a problem body, must commit
 * nothing or everything (rows and their audit event), and must leave the
 * server serving; the server must exit 0 at the end, which under
 * LeakSanitizer means nothing leaked.
 *
 * Only the sanitizer build (SANITIZE=1) compiles fault injection
 * (common/alloc.h); the test server arms it per request from the
 * X-Test-Fail-Allocation header (server/test/e2e/support/fault.h). In other
 * builds this file has no tests.
 */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

#ifdef ERP_FAULT_INJECTION

enum { MAX_ATTEMPTS = 20000, MAX_NOTES = 4 };

static const char admin_email[] = "admin@alloc.test";
static const char admin_password[] = "alloc-admin-password-1";

enum commit_state { COMMITTED_NOTHING, COMMITTED_ALL, COMMITTED_PART };

/* One representative request: how to make attempt n's body, and what it commits. */
struct fault_case {
	const char *scenario;
	const char *method;
	const char *audit_action; /* the event every committed attempt writes, with its changes */
	/* Writes attempt n's path and body; may prepare rows through db. */
	void (*prepare)(PGconn *db, unsigned long n, char *path, size_t path_size, char *body,
			size_t body_size);
	/* What attempt n left in the database, given the change in audit events. */
	enum commit_state (*committed)(PGconn *db, unsigned long n, long audit_delta);
};

static long query_long(PGconn *db, const char *sql, const char *param)
{
	const char *params[] = { param };
	PGresult *res = PQexecParams(db, sql, param ? 1 : 0, NULL, param ? params : NULL, NULL, NULL, 0);
	long value;

	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db));
	value = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return value;
}

/* --- POST /api/v1/roles ------------------------------------------------------------ */

static void role_prepare(PGconn *db, unsigned long n, char *path, size_t path_size, char *body,
			 size_t body_size)
{
	(void)db;
	snprintf(path, path_size, "/api/v1/roles");
	snprintf(body, body_size,
		 "{\"name\":\"fault-role-%lu\",\"description\":\"Made by allocation-failure attempt %lu\","
		 "\"permissions\":[\"iam.user.read\",\"iam.role.read\"]}",
		 n, n);
}

static enum commit_state role_committed(PGconn *db, unsigned long n, long audit_delta)
{
	char name[64], description[96];
	const char *params[] = { name, description };
	PGresult *res;
	long roles, grants;

	snprintf(name, sizeof(name), "fault-role-%lu", n);
	snprintf(description, sizeof(description), "Made by allocation-failure attempt %lu", n);
	/* Exactly what was sent: under memory pressure a parser may lose a letter and go on. */
	res = PQexecParams(db, "SELECT count(*) FROM roles WHERE name = $1 AND description = $2", 2,
			   NULL, params, NULL, NULL, 0);
	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	roles = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	if (roles == 0 && query_long(db, "SELECT count(*) FROM roles WHERE name LIKE 'fault-role-%'"
					 " AND description NOT LIKE 'Made by allocation-failure attempt %'",
				     NULL) > 0)
		return COMMITTED_PART;
	grants = query_long(db, "SELECT count(*) FROM role_permissions p JOIN roles r ON r.id = p.role_id"
				" WHERE r.name = $1", name);
	if (roles == 0 && grants == 0 && audit_delta == 0)
		return COMMITTED_NOTHING;
	if (roles == 1 && grants == 2 && audit_delta == 1)
		return COMMITTED_ALL;
	return COMMITTED_PART;
}

/* --- POST /api/v1/users ----------------------------------------------------------- */

static void user_prepare(PGconn *db, unsigned long n, char *path, size_t path_size, char *body,
			 size_t body_size)
{
	(void)db;
	snprintf(path, path_size, "/api/v1/users");
	snprintf(body, body_size,
		 "{\"email\":\"fault-%lu@alloc.test\",\"display_name\":\"Fault %lu\","
		 "\"password\":\"fault-user-password-%lu\"}",
		 n, n, n);
}

static enum commit_state user_committed(PGconn *db, unsigned long n, long audit_delta)
{
	char email[64];
	long users;

	snprintf(email, sizeof(email), "fault-%lu@alloc.test", n);
	users = query_long(db, "SELECT count(*) FROM users WHERE email = $1", email);
	/* Exactly what was sent (see role_committed()). */
	if (users != query_long(db, "SELECT count(*) FROM users WHERE email = $1"
				    " AND display_name = 'Fault ' || substr(email, 7, strpos(email, '@') - 7)",
				email))
		return COMMITTED_PART;
	if (users == 0 && audit_delta == 0)
		return COMMITTED_NOTHING;
	if (users == 1 && audit_delta == 1)
		return COMMITTED_ALL;
	return COMMITTED_PART;
}

/* --- POST /api/v1/users/{id}/role-assignments -------------------------------------------- */

static char grantee_id[40];

static void grant_prepare(PGconn *db, unsigned long n, char *path, size_t path_size, char *body,
			  size_t body_size)
{
	char email[64];
	const char *params[] = { email };
	PGresult *res;

	/* A fresh user per attempt (straight into the table: no password needed). */
	snprintf(email, sizeof(email), "grantee-%lu@alloc.test", n);
	res = PQexecParams(db,
			   "INSERT INTO users (id, email, display_name, password_hash)"
			   " VALUES (gen_random_uuid(), $1, 'Grantee', 'x') RETURNING id",
			   1, NULL, params, NULL, NULL, 0);
	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQerrorMessage(db));
	snprintf(grantee_id, sizeof(grantee_id), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	snprintf(path, path_size, "/api/v1/users/%s/role-assignments", grantee_id);
	snprintf(body, body_size, "{\"role\":\"fault-grantable\",\"company\":null,"
				  "\"reason\":\"allocation-failure attempt %lu\"}", n);
}

static enum commit_state grant_committed(PGconn *db, unsigned long n, long audit_delta)
{
	long assignments;

	(void)n;
	assignments = query_long(db, "SELECT count(*) FROM role_assignments WHERE user_id = $1::uuid",
				 grantee_id);
	if (assignments == 0 && audit_delta == 0)
		return COMMITTED_NOTHING;
	if (assignments == 1 && audit_delta == 1)
		return COMMITTED_ALL;
	return COMMITTED_PART;
}

/* --- POST /api/v1/companies/{company}/partners ------------------------------------------ */

static void partner_prepare(PGconn *db, unsigned long n, char *path, size_t path_size, char *body,
			    size_t body_size)
{
	(void)db;
	snprintf(path, path_size, "/api/v1/companies/FA/partners");
	snprintf(body, body_size,
		 "{\"code\":\"F%lu\",\"name\":\"Fault %lu\",\"roles\":[\"customer\"],"
		 "\"tax_id\":\"FT-%lu\",\"credit_limit\":\"%lu.50\",\"receivable_account\":\"1200\","
		 "\"billing_address\":{\"line1\":\"Street %lu\",\"city\":\"Town\",\"country\":\"DE\"}}",
		 n, n, n, n, n);
}

static enum commit_state partner_committed(PGconn *db, unsigned long n, long audit_delta)
{
	char code[32];
	long partners, exact;

	snprintf(code, sizeof(code), "F%lu", n);
	partners = query_long(db, "SELECT count(*) FROM partners_partners WHERE code = $1", code);
	/* Exactly what was sent (see role_committed()), its account and its event beside it. */
	exact = query_long(db, "SELECT count(*) FROM partners_partners p"
			       " JOIN ledger_account_directory a ON a.id = p.receivable_account_id"
			       " WHERE p.code = $1 AND p.name = 'Fault ' || substr($1, 2)"
			       "   AND p.tax_id = 'FT' || substr($1, 2) AND a.code = '1200'"
			       "   AND p.credit_limit_minor = substr($1, 2)::bigint * 100 + 50"
			       "   AND p.billing_address->>'line1' = 'Street ' || substr($1, 2)"
			       "   AND EXISTS (SELECT 1 FROM platform_events e WHERE e.entity_id = p.id::text"
			       "               AND e.type = 'partners.partner.created')", code);
	if (partners != exact)
		return COMMITTED_PART;
	if (partners == 0 && audit_delta == 0)
		return COMMITTED_NOTHING;
	if (partners == 1 && audit_delta == 1)
		return COMMITTED_ALL;
	return COMMITTED_PART;
}

/* --- the loop ------------------------------------------------------------------------------ */

struct tally {
	unsigned long attempts;        /* N values tried, the clean one included */
	unsigned long allocations;     /* of the clean attempt */
	unsigned long failed_5xx;      /* answered 500/503 with a problem body */
	unsigned long absorbed;        /* the failure was survived: 2xx, all committed */
	unsigned long committed_lost;  /* 5xx although everything was committed */
	unsigned long bad;             /* anything else: wrong status, partial commit, harm */
	char notes[MAX_NOTES][160];
	int note_count;
	int exit_status;
	bool clean_ok;
};

static void note(struct tally *t, const char *format, unsigned long n, long status, const char *what)
{
	t->bad++;
	if (t->note_count < MAX_NOTES)
		snprintf(t->notes[t->note_count++], sizeof(t->notes[0]), format, n, status, what);
}

static bool is_problem(const struct test_response *r, long status)
{
	char *type = test_response_header(r, "Content-Type");
	bool ok = type && strcmp(type, "application/problem+json") == 0 && r->json &&
		  json_integer_value(json_object_get(r->json, "status")) == status;

	free(type);
	return ok;
}

/* Like test_iam_request(), but a missing response is reported, not asserted. */
static int send_request(const struct test_server *server, const char *method, const char *path,
			const char *token, const char *extra_header, const char *body,
			struct test_response *r)
{
	const char *headers[] = { test_iam_bearer(token, 0), "Content-Type: application/json",
				  extra_header, NULL };
	char url[512];

	snprintf(url, sizeof(url), "%s%s", server->base_url, path);
	return test_http(method, url, headers, body, body ? strlen(body) : 0, r);
}

static void run_case(const struct fault_case *c, const char *db_url, struct tally *t)
{
	/* One administrator sends every attempt and its check: the per-user rate limit is off. */
	static const char *const env[] = { "ERP_THREADS=1", "ERP_RATE_LIMIT_PER_USER=0", NULL };
	struct test_server server;
	char token[64], url[512];
	PGconn *db = PQconnectdb(db_url);

	memset(t, 0, sizeof(*t));
	ck_assert_msg(PQstatus(db) == CONNECTION_OK, "%s", PQerrorMessage(db));
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", db_url, env), 0);
	ck_assert_int_eq(test_iam_login(server.base_url, admin_email, admin_password, token), 0);
	snprintf(url, sizeof(url), "%s/test/fault-report", server.base_url);

	for (unsigned long n = 1; n <= MAX_ATTEMPTS; n++) {
		char path[256], body[512], header[64];
		struct test_response r, report;
		long audit_before, status;
		enum commit_state state;
		bool fired;

		c->prepare(db, n, path, sizeof(path), body, sizeof(body));
		audit_before = query_long(db, "SELECT count(*) FROM audit_events", NULL);
		snprintf(header, sizeof(header), "X-Test-Fail-Allocation: %lu", n);
		if (send_request(&server, c->method, path, token, header, body, &r)) {
			note(t, "N=%lu: %ld %s", n, 0, "no response (crash?)");
			test_response_free(&r);
			break;
		}
		status = r.status;
		ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &report), 0);
		fired = json_is_true(json_object_get(report.json, "fired"));
		ck_assert_msg(json_is_true(json_object_get(report.json, "available")),
			      "the test server has no fault injection: %s", report.body);
		t->attempts = n;
		state = c->committed(db, n, query_long(db, "SELECT count(*) FROM audit_events", NULL) -
						    audit_before);
		/* An audit event that lost its changes hides what was done: not a whole commit. */
		if (query_long(db, "SELECT count(*) FROM audit_events WHERE action = $1"
				   " AND changes = '{}'::jsonb", c->audit_action) > 0)
			state = COMMITTED_PART;
		if (!fired) {
			/* Every allocation succeeded: the request's own, clean run. */
			t->allocations = (unsigned long)json_integer_value(json_object_get(report.json,
											   "allocations"));
			t->clean_ok = status == 201 && state == COMMITTED_ALL;
			if (!t->clean_ok)
				note(t, "N=%lu (no failure): %ld, %s", n, status, "not a clean 201");
			test_response_free(&report);
			test_response_free(&r);
			break;
		}
		if ((status == 500 || status == 503) && is_problem(&r, status)) {
			t->failed_5xx++;
			if (state == COMMITTED_ALL)
				t->committed_lost++;
			else if (state != COMMITTED_NOTHING)
				note(t, "N=%lu: %ld, %s", n, status, "partial or altered commit");
		} else if (status >= 200 && status < 300 && state == COMMITTED_ALL) {
			t->absorbed++;
			printf("N=%lu: %ld although allocation %lu failed; headers:\n%s", n, status, n,
			       r.headers);
		} else {
			note(t, "N=%lu: %ld %s", n, status,
			     state == COMMITTED_PART ? "(partial or altered commit)" : "(not a 500/503 problem)");
			printf("N=%lu: %ld %.300s\n", n, status, r.body);
		}
		test_response_free(&report);
		test_response_free(&r);
		/* Still serving, and its caches and connection unharmed: an ordinary request works. */
		if (send_request(&server, "GET", "/api/v1/me", token, NULL, NULL, &r) || r.status != 200)
			note(t, "after N=%lu: GET /api/v1/me %ld%s", n, r.status, "");
		test_response_free(&r);
		if (!reliability_server_alive(&server)) {
			note(t, "N=%lu: %ld %s", n, status, "and the server died");
			break;
		}
	}
	PQfinish(db);
	/* LeakSanitizer reports at exit and turns the status non-zero. */
	t->exit_status = test_server_stop(&server);
}

static void check_case(const struct fault_case *c, const char *db_url)
{
	struct tally t;
	char tried[256], outcome[1024];
	size_t used;
	bool pass;

	run_case(c, db_url, &t);
	snprintf(tried, sizeof(tried), "%s with allocation N failing, N = 1..%lu (one at a time)",
		 c->method, t.attempts);
	used = (size_t)snprintf(outcome, sizeof(outcome),
				"%lu allocations in the request; of the %lu failed attempts %lu answered "
				"500/503 (%lu of them after a complete commit), %lu survived with exactly "
				"what was sent committed, %lu wrong (partial or altered commit, other "
				"status, harm); exit %d%s",
				t.allocations, t.attempts - 1, t.failed_5xx, t.committed_lost, t.absorbed,
				t.bad, t.exit_status,
				t.exit_status == 0 ? " (LeakSanitizer clean)" : " (leak or crash)");
	for (int i = 0; i < t.note_count && used < sizeof(outcome); i++)
		used += (size_t)snprintf(outcome + used, sizeof(outcome) - used, "; %s", t.notes[i]);
	pass = t.bad == 0 && t.clean_ok && t.exit_status == 0 && t.attempts > 1;
	reliability_record(c->scenario, tried, outcome, pass);
	ck_assert_msg(pass, "%s", outcome);
}

static char db_url[1024];

static void setup_database(const char *name)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create(name));
	test_iam_migrate(db_url);
	test_iam_bootstrap_admin(db_url, admin_email, admin_password);
}

START_TEST(each_allocation_of_a_role_creation_fails_cleanly)
{
	static const struct fault_case c = { "alloc failure: POST /api/v1/roles", "POST",
					     "iam.role.created", role_prepare, role_committed };

	setup_database("r_alloc_roles");
	check_case(&c, db_url);
}
END_TEST

START_TEST(each_allocation_of_a_user_creation_fails_cleanly)
{
	static const struct fault_case c = { "alloc failure: POST /api/v1/users", "POST",
					     "iam.user.created", user_prepare, user_committed };

	setup_database("r_alloc_users");
	check_case(&c, db_url);
}
END_TEST

START_TEST(each_allocation_of_a_role_grant_fails_cleanly)
{
	static const struct fault_case c = { "alloc failure: POST /api/v1/users/{id}/role-assignments",
					     "POST", "iam.assignment.granted", grant_prepare, grant_committed };

	setup_database("r_alloc_grants");
	ck_assert_int_eq(test_db_exec(db_url,
				      "INSERT INTO roles (id, name, description)"
				      " VALUES (gen_random_uuid(), 'fault-grantable', 'Granted by the test');"
				      "INSERT INTO role_permissions (role_id, permission)"
				      " SELECT id, 'iam.user.read' FROM roles WHERE name = 'fault-grantable'"),
			 0);
	check_case(&c, db_url);
}
END_TEST

START_TEST(each_allocation_of_a_partner_creation_fails_cleanly)
{
	static const struct fault_case c = { "alloc failure: POST /api/v1/companies/{company}/partners",
					     "POST", "partners.partner.created", partner_prepare,
					     partner_committed };

	setup_database("r_alloc_partners");
	/* A company with a receivable account, and the administrator keeping its partners. */
	ck_assert_int_eq(test_db_exec(db_url,
				      "INSERT INTO companies (id, code, name, currency)"
				      " VALUES (gen_random_uuid(), 'FA', 'Fault Ltd', 'EUR');"
				      "INSERT INTO ledger_accounts (id, company_id, code, name, type, currency,"
				      "   exponent)"
				      " SELECT gen_random_uuid(), id, '1200', 'Receivables', 'asset', 'EUR', 2"
				      " FROM companies WHERE code = 'FA';"
				      "INSERT INTO roles (id, name, description)"
				      " VALUES (gen_random_uuid(), 'fault-partners', 'Keeps partners');"
				      "INSERT INTO role_permissions (role_id, permission)"
				      " SELECT id, 'partners.partner.manage' FROM roles WHERE name = 'fault-partners';"
				      "INSERT INTO role_assignments (id, user_id, role_id)"
				      " SELECT gen_random_uuid(), u.id, r.id FROM users u, roles r"
				      " WHERE u.email = 'admin@alloc.test' AND r.name = 'fault-partners';"
				      "UPDATE authz_version SET version = version + 1"),
			 0);
	check_case(&c, db_url);
}
END_TEST

#endif

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/alloc_failure");
	TCase *tc = tcase_create("alloc_failure");

	tcase_set_timeout(tc, 1800);
#ifdef ERP_FAULT_INJECTION
	tcase_add_test(tc, each_allocation_of_a_role_creation_fails_cleanly);
	if (!reliability_short()) {
		tcase_add_test(tc, each_allocation_of_a_user_creation_fails_cleanly);
		tcase_add_test(tc, each_allocation_of_a_role_grant_fails_cleanly);
		tcase_add_test(tc, each_allocation_of_a_partner_creation_fails_cleanly);
	}
#else
	printf("alloc_failure: this build has no fault injection (build with SANITIZE=1)\n");
#endif
	suite_add_tcase(s, tc);
	return s;
}

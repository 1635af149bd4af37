#include "test/support/ledger_fixture.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/iam_fixture.h"
#include "test/support/script_fixture.h"

const char test_ledger_password[] = "ledger-password-0001";

static const char admin_email[] = "admin@ledger.test";
static const char admin_password[] = "admin-password-0001";

/* login: the server's LOGIN role (a member of erp_app), or NULL for the owner. */
static void start(struct test_ledger *ledger, const char *db_name, const char *login,
		  const char *const extra_env[])
{
	char server_url[1024];

	memset(ledger, 0, sizeof(*ledger));
	snprintf(ledger->db_url, sizeof(ledger->db_url), "%s", test_db_create(db_name));
	test_iam_migrate(ledger->db_url);
	snprintf(ledger->admin_id, sizeof(ledger->admin_id), "%s",
		 test_iam_bootstrap_admin(ledger->db_url, admin_email, admin_password));
	snprintf(server_url, sizeof(server_url), "%s",
		 login ? test_db_login_url(ledger->db_url, login, "erp_app") : ledger->db_url);
	ck_assert_int_eq(test_server_start(&ledger->server, "bin/erp-server-test", server_url,
					   extra_env), 0);
	ck_assert_int_eq(test_iam_login(ledger->server.base_url, admin_email, admin_password,
					ledger->admin_token), 0);
}

void test_ledger_start(struct test_ledger *ledger, const char *db_name, const char *const extra_env[])
{
	start(ledger, db_name, NULL, extra_env);
}

void test_ledger_start_as_app(struct test_ledger *ledger, const char *db_name, const char *login)
{
	start(ledger, db_name, login, NULL);
}

void test_ledger_wait_sealed(const struct test_ledger *ledger)
{
	for (int tries = 0; tries < 1000; tries++) {
		if (test_ledger_db_number(ledger, "SELECT count(*) FROM ledger_entries"
						  " WHERE status = 'posted' AND chain_seq IS NULL") == 0)
			return;
		usleep(10 * 1000);
	}
	ck_abort_msg("posted entries still wait for their seal after 10 s");
}

void test_ledger_verify_books(const struct test_ledger *ledger)
{
	const char *const args[] = { "verify-ledger", NULL };
	struct script_run run;

	test_ledger_wait_sealed(ledger);
	script_fixture_audit(&run, ledger->db_url, args);
	ck_assert_msg(run.status == 0, "erp-server audit verify-ledger exited %d:\n%s%s", run.status,
		      run.out, run.err);
	script_run_free(&run);
}

void test_ledger_stop(struct test_ledger *ledger)
{
	/* Every scenario leaves books whose balances agree with their lines. */
	test_ledger_verify_books(ledger);
	ck_assert_int_eq(test_server_stop(&ledger->server), 0);
}

const char *test_ledger_path(const char *format, ...)
{
	const char *path;
	va_list args;

	va_start(args, format);
	path = test_iam_vpath(format, args);
	va_end(args);
	return path;
}

long test_ledger_call(const struct test_ledger *ledger, const char *token, const char *method,
		      const char *path, const char *extra_header, const char *body,
		      struct test_response *r)
{
	struct test_response own;
	long status;

	test_iam_request(ledger->server.base_url, method, path, token, extra_header, body,
			 r ? r : &own);
	status = r ? r->status : own.status;
	if (!r)
		test_response_free(&own);
	return status;
}

long test_ledger_try(const struct test_ledger *ledger, const char *token, const char *method,
		     const char *path, const char *extra_header, const char *body, char id[40],
		     char **text)
{
	struct test_response r;
	long status;

	if (test_iam_try(ledger->server.base_url, method, path, token, extra_header, body, &r) != 0)
		return -1;
	status = r.status;
	if (id)
		snprintf(id, 40, "%s", test_ledger_text(r.json, "id"));
	if (text)
		*text = r.body ? strdup(r.body) : NULL;
	test_response_free(&r);
	return status;
}

/* A call as the administrator that must answer 201. */
static void admin_create(const struct test_ledger *ledger, const char *path, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	struct test_response r;

	test_ledger_call(ledger, ledger->admin_token, "POST", path, NULL, text, &r);
	ck_assert_msg(r.status == 201, "POST %s %s: %ld %s", path, text, r.status, r.body);
	test_response_free(&r);
	free(text);
	json_decref(body);
}

void test_ledger_pending_path(struct test_ledger_pending *pending, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vsnprintf(pending->path_text, sizeof(pending->path_text), format, args);
	va_end(args);
	pending->path = pending->path_text;
}

void test_ledger_pending_run(const struct test_ledger *ledger, struct test_ledger_pending *pending)
{
	char *text = NULL;

	pending->status = test_ledger_try(ledger, pending->token,
					  pending->method ? pending->method : "POST", pending->path,
					  pending->extra_header, pending->body, NULL, &text);
	pending->answered_ms = test_now_ms();
	snprintf(pending->answer, sizeof(pending->answer), "%s", text ? text : "");
	free(text);
}

static void *pending_thread(void *arg)
{
	struct test_ledger_pending *pending = arg;

	test_ledger_pending_run(pending->ledger, pending);
	return NULL;
}

void test_ledger_pending_start(const struct test_ledger *ledger, struct test_ledger_pending *pending)
{
	pending->ledger = ledger;
	ck_assert_int_eq(pthread_create(&pending->thread, NULL, pending_thread, pending), 0);
}

void test_ledger_pending_join(struct test_ledger_pending *pending)
{
	ck_assert_int_eq(pthread_join(pending->thread, NULL), 0);
}

void test_ledger_sql_ok(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);

	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK,
		      "%s: %s", sql, PQerrorMessage(conn));
	PQclear(res);
}

PGconn *test_ledger_begin(const struct test_ledger *ledger)
{
	PGconn *conn = PQconnectdb(ledger->db_url);

	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "%s", PQerrorMessage(conn));
	test_ledger_sql_ok(conn, "BEGIN");
	return conn;
}

double test_ledger_end(PGconn *conn, const char *how)
{
	double ended_ms = test_now_ms();

	test_ledger_sql_ok(conn, how);
	PQfinish(conn);
	return ended_ms;
}

void test_ledger_company(const struct test_ledger *ledger, const char *code, const char *currency)
{
	admin_create(ledger, "/api/v1/companies",
		     json_pack("{s:s, s:s, s:s}", "code", code, "name", code, "currency", currency));
}

void test_ledger_role(const struct test_ledger *ledger, const char *name, const char *permissions)
{
	json_t *list = json_loads(permissions, 0, NULL);

	ck_assert_msg(list != NULL, "permissions are not JSON: %s", permissions);
	admin_create(ledger, "/api/v1/roles", json_pack("{s:s, s:o}", "name", name, "permissions", list));
}

void test_ledger_grant(const struct test_ledger *ledger, const char *user_id, const char *role,
		       const char *company, const char *reason)
{
	test_iam_grant(ledger->server.base_url, ledger->admin_token, user_id, role, company, reason);
}

void test_ledger_user(const struct test_ledger *ledger, const char *email,
		      struct test_ledger_user *user)
{
	test_iam_create_user(ledger->server.base_url, ledger->admin_token, email, test_ledger_password,
			     user->id);
	ck_assert_int_eq(test_iam_login(ledger->server.base_url, email, test_ledger_password,
					user->token), 0);
}

/* A call as token that must answer expected; the body is built from a json_t (stolen). */
static void expect(const struct test_ledger *ledger, const char *token, const char *method,
		   const char *path, json_t *body, long expected, struct test_response *r)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	test_ledger_call(ledger, token, method, path, NULL, text, r);
	ck_assert_msg(r->status == expected, "%s %s %s: %ld %s", method, path, text ? text : "",
		      r->status, r->body);
	free(text);
	json_decref(body);
}

void test_ledger_account(const struct test_ledger *ledger, const char *token, const char *company,
			 const char *code, const char *type, const char *currency)
{
	struct test_response r;

	expect(ledger, token, "POST", test_ledger_path("/api/v1/companies/%s/accounts", company),
	       json_pack("{s:s, s:s, s:s, s:s*}", "code", code, "name", code, "type", type, "currency",
			 currency),
	       201, &r);
	test_response_free(&r);
}

void test_ledger_fiscal_year(const struct test_ledger *ledger, const char *token,
			     const char *company, int fiscal_year)
{
	struct test_response r;

	expect(ledger, token, "POST", test_ledger_path("/api/v1/companies/%s/fiscal-periods", company),
	       json_pack("{s:i}", "fiscal_year", fiscal_year), 201, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "periods")), 12);
	test_response_free(&r);
}

void test_ledger_period_id(const struct test_ledger *ledger, const char *token, const char *company,
			   const char *name, char id[40])
{
	struct test_response r;
	json_t *period;
	size_t i;

	id[0] = '\0';
	expect(ledger, token, "GET",
	       test_ledger_path("/api/v1/companies/%s/fiscal-periods?fiscal_year=%.4s&limit=12", company,
				name),
	       NULL, 200, &r);
	json_array_foreach(json_object_get(r.json, "items"), i, period)
		if (strcmp(test_ledger_text(period, "name"), name) == 0)
			snprintf(id, 40, "%s", test_ledger_text(period, "id"));
	test_response_free(&r);
	ck_assert_msg(strlen(id) == 36, "company %s has no period %s", company, name);
}

void test_ledger_close_periods(const struct test_ledger *ledger, const char *token,
			       const char *company, int fiscal_year)
{
	for (int month = 1; month <= 12; month++) {
		char id[40];

		test_ledger_period_id(ledger, token, company,
				      test_ledger_path("%d-%02d", fiscal_year, month), id);
		ck_assert_int_eq(test_ledger_call(ledger, token, "POST",
						  test_ledger_path("/api/v1/companies/%s/fiscal-periods/%s/close",
								   company, id), NULL, NULL, NULL), 200);
	}
}

void test_ledger_draft(const struct test_ledger *ledger, const char *token, const char *company,
		       const char *date, const char *debit_account, const char *credit_account,
		       const char *amount, const char *memo, char id[40])
{
	struct test_response r;

	expect(ledger, token, "POST", test_ledger_path("/api/v1/companies/%s/journal-entries", company),
	       json_pack("{s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "date", date, "memo", memo, "lines",
			 "account", debit_account, "debit", amount, "account", credit_account,
			 "credit", amount),
	       201, &r);
	snprintf(id, 40, "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
}

void test_ledger_post(const struct test_ledger *ledger, const char *token, const char *company,
		      const char *id, char number[24])
{
	const char *if_match = test_ledger_read_if_match(
		ledger, token, test_ledger_path("/api/v1/companies/%s/journal-entries/%s", company, id));
	const char *path = test_ledger_path("/api/v1/companies/%s/journal-entries/%s/post", company, id);
	struct test_response r;

	test_ledger_call(ledger, token, "POST", path, if_match, NULL, &r);
	ck_assert_msg(r.status == 200, "POST %s (%s): %ld %s", path, if_match, r.status, r.body);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
	if (number)
		snprintf(number, 24, "%s", test_ledger_text(r.json, "number"));
	test_response_free(&r);
}

long test_ledger_year_step(const struct test_ledger *ledger, const char *token, const char *company,
			   int fiscal_year, const char *step, struct test_response *r)
{
	const char *year = test_ledger_path("/api/v1/companies/%s/fiscal-years/%d", company, fiscal_year);
	const char *if_match = strcmp(step, "close/confirm") == 0 ?
				       test_ledger_read_if_match(ledger, token, year) : NULL;

	return test_ledger_call(ledger, token, "POST", test_ledger_path("%s/%s", year, step), if_match,
				NULL, r);
}

void test_ledger_crew_start(const struct test_ledger *ledger, struct test_ledger_crew *crew,
			    const char *prefix)
{
	const char *p = prefix;

	snprintf(crew->prefix, sizeof(crew->prefix), "%s", prefix);
	test_ledger_role(ledger, test_ledger_path("%s-keeper", p),
			 "[\"ledger.account.manage\",\"ledger.account.read\","
			 "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(ledger, test_ledger_path("%s-clerk", p),
			 "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(ledger, test_ledger_path("%s-approver", p),
			 "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(ledger, test_ledger_path("%s-reader", p), "[\"ledger.report.read\"]");
	test_ledger_user(ledger, test_ledger_path("keeper@%s.test", p), &crew->keeper);
	test_ledger_user(ledger, test_ledger_path("clerk@%s.test", p), &crew->clerk);
	test_ledger_user(ledger, test_ledger_path("approver@%s.test", p), &crew->approver);
	test_ledger_user(ledger, test_ledger_path("reader@%s.test", p), &crew->reader);
}

void test_ledger_posted_books(const struct test_ledger *ledger, const struct test_ledger_crew *crew,
			      const char *code, int entries, char second[40])
{
	const char *p = crew->prefix;

	test_ledger_company(ledger, code, "EUR");
	test_ledger_grant(ledger, crew->keeper.id, test_ledger_path("%s-keeper", p), code, NULL);
	test_ledger_grant(ledger, crew->clerk.id, test_ledger_path("%s-clerk", p), code, NULL);
	test_ledger_grant(ledger, crew->approver.id, test_ledger_path("%s-approver", p), code, NULL);
	test_ledger_grant(ledger, crew->reader.id, test_ledger_path("%s-reader", p), code, NULL);
	test_ledger_account(ledger, crew->keeper.token, code, "1000", "asset", NULL);
	test_ledger_account(ledger, crew->keeper.token, code, "4000", "revenue", NULL);
	test_ledger_fiscal_year(ledger, crew->keeper.token, code, 2026);
	for (int i = 1; i <= entries; i++) {
		char id[40];

		test_ledger_draft(ledger, crew->clerk.token, code, test_ledger_path("2026-02-%02d", i),
				  "1000", "4000", test_ledger_path("%d.00", 10 * i), "Sale", id);
		test_ledger_post(ledger, crew->approver.token, code, id, NULL);
		if (i == 2 && second)
			snprintf(second, 40, "%s", id);
	}
}

void test_ledger_lock_period(const struct test_ledger *ledger, const char *requester_token,
			     const char *confirmer_token, const char *company, const char *period_id)
{
	const char *lock = test_ledger_path("/api/v1/companies/%s/fiscal-periods/%s/lock", company,
					    period_id);
	const char *confirm = test_ledger_path("/api/v1/companies/%s/fiscal-periods/%s/lock/confirm",
					       company, period_id);
	struct test_response r;

	test_ledger_call(ledger, requester_token, "POST", lock, NULL, NULL, &r);
	ck_assert_msg(r.status == 202, "POST %s: %ld %s", lock, r.status, r.body);
	test_response_free(&r);
	test_ledger_call(ledger, confirmer_token, "POST", confirm, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "POST %s: %ld %s", confirm, r.status, r.body);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "locked");
	test_response_free(&r);
}

void test_ledger_self_posting(const struct test_ledger *ledger, const char *requester_token,
			      const char *confirmer_token, const char *company, bool self_posting)
{
	const char *path = test_ledger_path("/api/v1/companies/%s/ledger-settings", company);
	const char *confirm = test_ledger_path("/api/v1/companies/%s/ledger-settings/confirm", company);
	struct test_response r;

	test_ledger_call(ledger, requester_token, "PUT", path,
			 test_ledger_read_if_match(ledger, requester_token, path),
			 self_posting ? "{\"self_posting\":true}" : "{\"self_posting\":false}", &r);
	ck_assert_msg(r.status == 202, "PUT %s: %ld %s", path, r.status, r.body);
	test_response_free(&r);
	test_ledger_call(ledger, confirmer_token, "POST", confirm,
			 test_ledger_read_if_match(ledger, confirmer_token, path), NULL, &r);
	ck_assert_msg(r.status == 200, "POST %s: %ld %s", confirm, r.status, r.body);
	ck_assert(json_is_boolean(json_object_get(r.json, "self_posting")) &&
		  json_is_true(json_object_get(r.json, "self_posting")) == self_posting);
	test_response_free(&r);
}

long long test_ledger_db_number(const struct test_ledger *ledger, const char *format, ...)
{
	char sql[4096];
	char *value;
	long long number;
	va_list args;

	va_start(args, format);
	vsnprintf(sql, sizeof(sql), format, args);
	va_end(args);
	value = test_db_value(ledger->db_url, sql);
	ck_assert_msg(value != NULL, "no value from: %s", sql);
	number = strtoll(value, NULL, 10);
	free(value);
	return number;
}

const char *test_ledger_text(json_t *object, const char *name)
{
	const char *text = json_string_value(json_object_get(object, name));

	return text ? text : "";
}

const char *test_ledger_if_match(const struct test_response *r)
{
	static char header[96];
	char *etag = test_response_header(r, "ETag");

	ck_assert_msg(etag != NULL, "no ETag in the answer: %s", r->headers);
	snprintf(header, sizeof(header), "If-Match: %s", etag);
	free(etag);
	return header;
}

const char *test_ledger_read_if_match(const struct test_ledger *ledger, const char *token,
				      const char *path)
{
	static char headers[4][96];
	static unsigned next;
	char *header = headers[next++ % 4];
	struct test_response r;

	test_ledger_call(ledger, token, "GET", path, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	snprintf(header, sizeof(headers[0]), "%s", test_ledger_if_match(&r));
	test_response_free(&r);
	return header;
}

/*
 * ledger_post_entry() (modules/ledger/ledger.h), the way another module
 * posts, and the HTTP routes run the same create and post use cases: the
 * same bad input is refused with the same fields, pointers, codes and
 * sentences both ways. Each case is sent as a body to the real
 * erp-server-test (create, then post for the period rules) and as a spec,
 * amounts in minor units, to ledger_post_entry() on a connection of the
 * test's own, inside a transaction that rolls back.
 */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/ledger/ledger.h"
#include "platform/audit/audit.h"
#include "platform/audit/audit_mac.h"
#include "platform/db/db.h"
#include "shared-kernel/company_scope.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/usecase.h"
#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define ENTRIES "/api/v1/companies/PA/journal-entries"

static struct test_ledger L;
static struct test_ledger_user controller, clerk, approver, locker, locker2;
static struct erp_company_scope scope = { .code = "PA", .currency = "EUR" };

static void start(void)
{
	struct audit_key key;
	char err[512], period[40], *id;

	/* The module's postings write audit events, which carry a MAC made with the run's key. */
	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_msg(audit_key_load(test_audit_key_path(), &key, err, sizeof(err)) == 0, "%s", err);
	audit_use_key(&key);
	test_ledger_start(&L, "t_ledger_module_api", NULL);
	test_ledger_company(&L, "PA", "EUR");
	test_ledger_role(&L, "pa-controller", "[\"ledger.account.manage\",\"ledger.account.read\","
					      "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(&L, "pa-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "pa-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "pa-locker", "[\"ledger.period.lock\",\"ledger.period.read\"]");
	test_ledger_user(&L, "controller@module.test", &controller);
	test_ledger_user(&L, "clerk@module.test", &clerk);
	test_ledger_user(&L, "approver@module.test", &approver);
	test_ledger_user(&L, "locker@module.test", &locker);
	test_ledger_user(&L, "locker2@module.test", &locker2);
	test_ledger_grant(&L, controller.id, "pa-controller", "PA", NULL);
	test_ledger_grant(&L, clerk.id, "pa-clerk", "PA", NULL);
	test_ledger_grant(&L, approver.id, "pa-approver", "PA", NULL);
	test_ledger_grant(&L, locker.id, "pa-locker", "PA", NULL);
	test_ledger_grant(&L, locker2.id, "pa-locker", "PA", NULL);
	test_ledger_account(&L, controller.token, "PA", "1000", "asset", NULL);
	test_ledger_account(&L, controller.token, "PA", "4000", "revenue", NULL);
	test_ledger_account(&L, controller.token, "PA", "9000", "revenue", NULL);
	ck_assert_int_eq(test_ledger_call(&L, controller.token, "POST",
					  "/api/v1/companies/PA/accounts/9000/deactivate", NULL, NULL,
					  NULL), 200);
	/* 2025 has ended: January locked, February closed, March open. */
	test_ledger_fiscal_year(&L, controller.token, "PA", 2025);
	test_ledger_period_id(&L, controller.token, "PA", "2025-01", period);
	ck_assert_int_eq(test_ledger_call(&L, controller.token, "POST",
					  test_ledger_path("/api/v1/companies/PA/fiscal-periods/%s/close", period),
					  NULL, NULL, NULL), 200);
	test_ledger_lock_period(&L, locker.token, locker2.token, "PA", period);
	test_ledger_period_id(&L, controller.token, "PA", "2025-02", period);
	ck_assert_int_eq(test_ledger_call(&L, controller.token, "POST",
					  test_ledger_path("/api/v1/companies/PA/fiscal-periods/%s/close", period),
					  NULL, NULL, NULL), 200);

	/* The company as IAM resolves it for a request naming PA. */
	id = test_db_value(L.db_url, "SELECT id FROM companies WHERE code = 'PA'");
	ck_assert_ptr_nonnull(id);
	snprintf(scope.id, sizeof(scope.id), "%s", id);
	free(id);
}

static void stop(void)
{
	test_ledger_stop(&L);
}

/* --- one bad input, both ways ---------------------------------------------------------------- */

struct bad_entry {
	const char *name;
	const char *date;
	const char *source;             /* NULL: none given */
	const char *lines;              /* the body's "lines" */
	struct ledger_line_spec spec[2]; /* the same lines in minor units */
	bool refused_at_post;           /* the draft is fine; its posting is refused */
	long status;                    /* the HTTP answer */
	int code;                       /* ledger_post_entry()'s refusal */
};

static const struct bad_entry cases[] = {
	{ "an account the company does not have", "2025-03-10", NULL,
	  "[{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"7777\",\"credit\":\"1.00\"}]",
	  { { "1000", 100, 0, NULL }, { "7777", 0, 100, NULL } }, false, 422, ERP_ERR_INVALID },
	{ "an inactive account", "2025-03-10", NULL,
	  "[{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"9000\",\"credit\":\"1.00\"}]",
	  { { "1000", 100, 0, NULL }, { "9000", 0, 100, NULL } }, false, 422, ERP_ERR_INVALID },
	{ "an amount of zero", "2025-03-10", NULL,
	  "[{\"account\":\"1000\",\"debit\":\"0\"},{\"account\":\"4000\",\"credit\":\"1.00\"}]",
	  { { "1000", 0, 0, NULL }, { "4000", 0, 100, NULL } }, false, 422, ERP_ERR_INVALID },
	{ "a negative amount", "2025-03-10", NULL,
	  "[{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"4000\",\"credit\":\"-1.00\"}]",
	  { { "1000", 100, 0, NULL }, { "4000", 0, -100, NULL } }, false, 422, ERP_ERR_INVALID },
	{ "a line with both sides", "2025-03-10", NULL,
	  "[{\"account\":\"1000\",\"debit\":\"1.00\",\"credit\":\"1.00\"},"
	  "{\"account\":\"4000\",\"credit\":\"1.00\"}]",
	  { { "1000", 100, 100, NULL }, { "4000", 0, 100, NULL } }, false, 422, ERP_ERR_INVALID },
	{ "lines that do not balance", "2025-03-10", NULL,
	  "[{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"4000\",\"credit\":\"0.99\"}]",
	  { { "1000", 100, 0, NULL }, { "4000", 0, 99, NULL } }, false, 422, ERP_ERR_INVALID },
	{ "a source that names no document type", "2025-03-10", "Sales Invoice",
	  "[{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"4000\",\"credit\":\"1.00\"}]",
	  { { "1000", 100, 0, NULL }, { "4000", 0, 100, NULL } }, false, 422, ERP_ERR_INVALID },
	{ "a date no fiscal period covers", "2030-01-10", NULL,
	  "[{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"4000\",\"credit\":\"1.00\"}]",
	  { { "1000", 100, 0, NULL }, { "4000", 0, 100, NULL } }, true, 422, ERP_ERR_INVALID },
	{ "a locked period", "2025-01-10", NULL,
	  "[{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"4000\",\"credit\":\"1.00\"}]",
	  { { "1000", 100, 0, NULL }, { "4000", 0, 100, NULL } }, true, 409, ERP_ERR_CONFLICT },
	/* A poster without ledger.period.post-closed is forbidden; a module's posting has nobody to hold it. */
	{ "a closed period", "2025-02-10", NULL,
	  "[{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"4000\",\"credit\":\"1.00\"}]",
	  { { "1000", 100, 0, NULL }, { "4000", 0, 100, NULL } }, true, 403, ERP_ERR_CONFLICT },
};

/* What ledger_post_entry() answered: its code, its refusal's, and the refusal's fields as the HTTP answer lists them. */
struct module_refusal {
	int rc;
	int code;
	char *detail;
	json_t *errors;
};

struct module_call {
	const struct bad_entry *bad;
	struct module_refusal result;
};

static int module_work(struct db_conn *conn, void *arg)
{
	struct module_call *call = arg;
	const struct bad_entry *c = call->bad;
	struct arena *arena = arena_new(4096);
	struct erp_ctx ctx = { .db = conn, .arena = arena, .actor_id = clerk.id, .company = &scope };
	struct ledger_entry_spec spec = { .date = c->date, .memo = "Invoice 17", .reference = "INV-17",
					  .source = c->source ? c->source : "sales.invoice",
					  .lines = c->spec, .line_count = 2 };
	struct ledger_posted posted;
	int rc;

	ck_assert_ptr_nonnull(arena);
	rc = ledger_post_entry(&ctx, &spec, &posted);
	call->result.rc = rc;
	call->result.code = ctx.refusal.code;
	call->result.detail = ctx.refusal.detail ? strdup(ctx.refusal.detail) : NULL;
	call->result.errors = json_array();
	for (size_t i = 0; i < ctx.refusal.field_count; i++) {
		const struct erp_field_refusal *f = erp_refusal_field(&ctx.refusal, i);

		json_array_append_new(call->result.errors,
				      json_pack("{s:s, s:s, s:s}", "pointer", f->pointer, "code",
						f->code ? f->code : "invalid", "detail", f->detail));
	}
	arena_free(arena);
	return rc ? rc : ERP_ERR_CONFLICT; /* nothing a case sends may stay */
}

/*
 * ledger_post_entry() with a case's spec, as a module calls it: on a
 * connection of the test's own (each test runs in a process of its own),
 * inside a transaction that rolls back whatever happens.
 */
static int module_post(struct module_call *call)
{
	struct db_conn *db = db_open(L.db_url, &(struct db_options){ .connect_timeout_s = 5 });
	int rc;

	ck_assert_ptr_nonnull(db);
	rc = db_transaction(db, module_work, call);
	db_close(db);
	return rc;
}

/* The body the HTTP route gets for a case. */
static char *body_of(const struct bad_entry *c)
{
	char *body;

	ck_assert_int_gt(asprintf(&body, "{\"date\":\"%s\",\"memo\":\"Invoice 17\",\"reference\":\"INV-17\","
				  "\"source\":\"%s\",\"lines\":%s}", c->date,
				  c->source ? c->source : "sales.invoice", c->lines), 0);
	return body;
}

/* The route's answer to a case: the create's, or, when the draft is fine, its posting's. */
static long http_refusal(const struct bad_entry *c, struct test_response *r)
{
	char *body = body_of(c), path[256];
	long status = test_ledger_call(&L, clerk.token, "POST", ENTRIES, NULL, body, r);

	free(body);
	if (!c->refused_at_post)
		return status;
	ck_assert_msg(status == 201, "%s: the draft was refused: %ld %s", c->name, status, r->body);
	snprintf(path, sizeof(path), ENTRIES "/%s/post", test_ledger_text(r->json, "id"));
	test_response_free(r);
	return test_ledger_call(&L, approver.token, "POST", path, "If-Match: \"1\"", NULL, r);
}

START_TEST(the_module_api_and_the_route_refuse_alike)
{
	const struct bad_entry *c = &cases[_i];
	struct module_call call = { .bad = c };
	struct test_response r;
	json_t *errors;
	long status = http_refusal(c, &r);
	int rc = module_post(&call);

	ck_assert_msg(status == c->status, "%s: HTTP %ld %s", c->name, status, r.body);
	ck_assert_msg(rc == c->code, "%s: ledger_post_entry() %d", c->name, rc);
	ck_assert_int_eq(call.result.code, c->code);
	ck_assert_ptr_nonnull(call.result.detail);
	/* The same sentence, and the same fields with their pointers, codes and sentences. */
	ck_assert_str_eq(call.result.detail, test_ledger_text(r.json, "detail"));
	errors = json_object_get(r.json, "errors");
	if (!errors)
		errors = json_array(); /* a refusal without fields lists none */
	else
		json_incref(errors);
	ck_assert_msg(json_equal(errors, call.result.errors), "%s: HTTP errors %s", c->name, r.body);
	/* A line or the source is named by one field; a posting's rules name none. */
	ck_assert_uint_eq(json_array_size(call.result.errors), c->refused_at_post ? 0 : 1);
	json_decref(errors);
	json_decref(call.result.errors);
	free(call.result.detail);
	test_response_free(&r);
}
END_TEST

/* Nothing a refused posting from code was written: no entry of its, no number, no event. */
START_TEST(refused_module_postings_leave_nothing)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct module_call call = { .bad = &cases[i] };

		ck_assert_int_eq(module_post(&call), cases[i].code);
		json_decref(call.result.errors);
		free(call.result.detail);
	}
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
					       " WHERE source = 'sales.invoice' AND author_id = '%s'"
					       " AND status = 'posted'", clerk.id), 0);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM platform_events"
					       " WHERE type = 'ledger.entry.posted'"), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/module_api");
	TCase *tc = tcase_create("refusals");

	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, the_module_api_and_the_route_refuse_alike, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, refused_module_postings_leave_nothing);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * The problems a route's declaration implies (platform/http/route_contract.c):
 * one declaration per row, the statuses route_problems() derives from it.
 */
#include <stdio.h>
#include <string.h>

#include "platform/http/route.h"
#include "platform/http/route_contract.h"
#include "platform/http/schema.h"
#include "test/support/check_main.h"

static int handler(struct erp_request *req)
{
	(void)req;
	return 0;
}

static const struct schema_field name_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 20 },
};
static SCHEMA_OBJECT_DEFINE(name_schema, "Name", name_fields, NULL);

#define ROUTE(method, pattern, permission, ...)                                              \
	{ method, pattern, permission, handler, "a route", .response = ERP_NO_BODY,            \
	  .success_status = 204, .operation_id = "aRoute", __VA_ARGS__ }

static const struct {
	struct erp_route route;
	const char *statuses;
} cases[] = {
	{ ROUTE(ERP_GET, "/ping", ERP_PUBLIC), "400" },
	{ ROUTE(ERP_GET, "/me", ERP_AUTHENTICATED), "400 401 403 429" },
	{ ROUTE(ERP_GET, "/things", "t.read", .query = &name_schema), "400 401 403 422 429" },
	{ ROUTE(ERP_GET, "/things/{id}", "t.read"), "400 401 403 404 429" },
	{ ROUTE(ERP_POST, "/things", "t.write", .body = &name_schema),
	  "400 401 403 409 413 415 422 429" },
	{ ROUTE(ERP_DELETE, "/things/{id}", "t.write"), "400 401 403 404 409 429" },
	{ ROUTE(ERP_POST, "/things", "t.write", .body = &name_schema,
		.headers = ERP_TAKES_IDEMPOTENCY_KEY),
	  "400 401 403 409 413 415 422 429" },
	{ ROUTE(ERP_POST, "/things/{id}/close", "t.write", .headers = ERP_TAKES_IF_MATCH),
	  "400 401 403 404 409 412 428 429" },
	/* Answering headers implies no problem. */
	{ ROUTE(ERP_GET, "/things/{id}", "t.read", .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION),
	  "400 401 403 404 429" },
	/* A route's own, in order with the rest. */
	{ ROUTE(ERP_POST, "/login", ERP_PUBLIC, .body = &name_schema, .problems = { 429, 401 }),
	  "400 401 409 413 415 422 429" },
	{ ROUTE(ERP_POST, "/things/{id}/post", "t.post", .problems = { 422 }),
	  "400 401 403 404 409 422 429" },
	{ ROUTE(ERP_GET, "/things/{id}/report", "t.read", .problems = { 409 }),
	  "400 401 403 404 409 429" },
};

START_TEST(problems_follow_the_declaration)
{
	const struct erp_route *route = &cases[_i].route;
	int statuses[ROUTE_PROBLEMS_MAX];
	size_t count = route_problems(route, statuses);
	char got[128] = "";
	size_t used = 0;
	char err[256];

	ck_assert_int_eq(route_contract_check(route, err, sizeof(err)), 0);
	for (size_t i = 0; i < count; i++)
		used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%d", i ? " " : "",
					 statuses[i]);
	ck_assert_msg(strcmp(got, cases[_i].statuses) == 0, "%s %s: %s, expected %s",
		      erp_method_name(route->method), route->pattern, got, cases[_i].statuses);
	/* route_answers_problem() agrees on every 4xx, and knows nothing else. */
	for (int status = 400; status < 500; status++) {
		char text[16];
		bool listed;

		snprintf(text, sizeof(text), "%d", status);
		listed = strstr(cases[_i].statuses, text) != NULL;
		ck_assert_msg(route_answers_problem(route, status) == listed, "%d", status);
	}
	ck_assert(!route_answers_problem(route, 200));
	ck_assert(!route_answers_problem(route, 500));
}
END_TEST

START_TEST(operation_ids)
{
	static const char *const valid[] = { "a", "listAccounts", "getV2Thing", "x1" };
	static const char *const invalid[] = { NULL, "", "A", "List", "list_accounts", "list-accounts",
					       "list accounts", "9list", "list.accounts" };

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		ck_assert_msg(route_operation_id_valid(valid[i]), "%s", valid[i]);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		ck_assert_msg(!route_operation_id_valid(invalid[i]), "%s",
			      invalid[i] ? invalid[i] : "(null)");
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/route_contract");
	TCase *tc = tcase_create("route_contract");

	tcase_add_loop_test(tc, problems_follow_the_declaration, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, operation_ids);
	suite_add_tcase(suite, tc);
	return suite;
}

/*
 * The ledger's targets for the route-permission matrix (test/support/matrix.h):
 * the account, period, fiscal year and journal entry its {code}, {period},
 * {year} and journal-entry {id} paths name, valid bodies for its writes, and a draft of
 * the caller's own for the route only a draft's author may use.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/iam_fixture.h"
#include "test/support/matrix.h"
#include "test/support/testlib.h"

static const char member_password[] = "member-password-01";

#define ENTRY_BODY                                                                            \
	"{\"date\":\"2026-01-15\",\"memo\":\"Matrix\",\"lines\":["                              \
	"{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"4000\",\"credit\":\"1.00\"}]}"

static char target_period[40];
static char target_entry[40];

/* A POST as token that must answer 201; returns the answer (the caller frees it). */
static void create(const struct test_matrix_env *env, const char *token, const char *path,
		   const char *body, struct test_response *r)
{
	test_iam_request(env->base_url, "POST", test_iam_path("/api/v1/companies/%s%s", env->company, path),
			 token, NULL, body, r);
	ck_assert_msg(r->status == 201, "POST %s: %ld %s", path, r->status, r->body);
}

/* A draft journal entry in the company written by token; its id goes to id (40 bytes). */
static void draft_entry(const struct test_matrix_env *env, const char *token, char id[40])
{
	struct test_response r;

	create(env, token, "/journal-entries", ENTRY_BODY, &r);
	snprintf(id, 40, "%s", json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
}

/* Accounts 1000 and 4000, the fiscal year 2026 and a draft, made by a user who may. */
static void setup(const struct test_matrix_env *env)
{
	char user_id[40], token[64];
	struct test_response r;

	test_iam_create_user(env->base_url, env->admin_token, "ledger@matrix.test", member_password,
			     user_id);
	test_iam_grant_new_role(env->base_url, env->admin_token, user_id, "mx-ledger-setup",
				"[\"ledger.account.manage\",\"ledger.period.manage\","
				"\"ledger.journal.create\"]", env->company);
	ck_assert_int_eq(test_iam_login(env->base_url, "ledger@matrix.test", member_password, token), 0);
	create(env, token, "/accounts", "{\"code\":\"1000\",\"name\":\"Cash\",\"type\":\"asset\"}", &r);
	test_response_free(&r);
	create(env, token, "/accounts", "{\"code\":\"4000\",\"name\":\"Sales\",\"type\":\"revenue\"}", &r);
	test_response_free(&r);
	/* June: closing or locking it leaves the January entry postable. */
	create(env, token, "/fiscal-periods", "{\"fiscal_year\":2026}", &r);
	snprintf(target_period, sizeof(target_period), "%s",
		 json_string_value(json_object_get(json_array_get(json_object_get(r.json, "periods"), 5),
						   "id")));
	test_response_free(&r);
	draft_entry(env, token, target_entry);
}

static const char *param(const char *pattern, const char *name)
{
	if (strcmp(name, "code") == 0)
		return "1000";
	if (strcmp(name, "period") == 0)
		return target_period;
	if (strcmp(name, "year") == 0)
		return "2026";  /* setup's fiscal year */
	if (strcmp(name, "id") == 0 && strstr(pattern, "/journal-entries/{id}"))
		return target_entry;
	return NULL;
}

static const char *body(const char *method, const char *pattern)
{
	static const struct {
		const char *method, *path, *body;  /* path: the pattern after /companies/{company} */
	} bodies[] = {
		{ "POST", "/accounts", "{\"code\":\"1100\",\"name\":\"Bank\",\"type\":\"asset\"}" },
		{ "PATCH", "/accounts/{code}", "{\"name\":\"Cash at hand\"}" },
		{ "POST", "/fiscal-periods", "{\"fiscal_year\":2027}" },
		{ "POST", "/journal-entries", ENTRY_BODY },
		{ "PUT", "/journal-entries/{id}", ENTRY_BODY },
		{ "POST", "/journal-entries/{id}/reverse", "{}" },
		{ "PUT", "/ledger-settings", "{\"self_posting\":true}" },
	};
	static const char company[] = "/api/v1/companies/{company}";

	if (strncmp(pattern, company, strlen(company)) != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		if (strcmp(method, bodies[i].method) == 0 &&
		    strcmp(pattern + strlen(company), bodies[i].path) == 0)
			return bodies[i].body;
	return NULL;
}

/* Only its author deletes a draft: the caller deletes one of their own. */
static const char *own_param(const struct test_matrix_env *env, const char *method,
			     const char *pattern, const char *name, const char *token)
{
	static char own[40];

	if (strcmp(method, "DELETE") != 0 || strcmp(name, "id") != 0 ||
	    !strstr(pattern, "/journal-entries/{id}"))
		return NULL;
	draft_entry(env, token, own);
	return own;
}

static const struct test_matrix_targets ledger_targets = {
	.module = "ledger",
	.setup = setup,
	.param = param,
	.body = body,
	.own_param = own_param,
};
TEST_MATRIX_TARGETS(ledger_targets)

/*
 * Partners' domain events and audit trail end to end: creating, changing,
 * deactivating and reactivating a partner and setting the company's
 * defaults each appear once, in order, in the company's stream, with the
 * partner as clients see it and what changed, beside an audit event that
 * records every changed field old -> new; a refused or an empty change
 * tells nothing and audits nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/event_fixture.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, manager;
static char reader[64];

static void start_shared(void)
{
	test_ledger_start(&L, "t_partners_events", NULL);
	test_events_reader(L.server.base_url, L.admin_token, "reader@partners-events.test", reader);
	test_ledger_role(&L, "pe-keeper", "[\"ledger.account.manage\"]");
	test_ledger_role(&L, "pe-manager", "[\"partners.partner.manage\",\"partners.partner.read\"]");
	test_ledger_user(&L, "keeper@partners-events.test", &keeper);
	test_ledger_user(&L, "manager@partners-events.test", &manager);
	test_ledger_company(&L, "EVP", "EUR");
	test_ledger_grant(&L, keeper.id, "pe-keeper", "EVP", NULL);
	test_ledger_grant(&L, manager.id, "pe-manager", "EVP", NULL);
	test_ledger_account(&L, keeper.token, "EVP", "1200", "asset", NULL);
	test_ledger_account(&L, keeper.token, "EVP", "2000", "liability", NULL);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static void expect(const char *method, const char *path, const char *header, const char *body,
		   long expected)
{
	struct test_response r;

	test_ledger_call(&L, manager.token, method, path, header, body, &r);
	ck_assert_msg(r.status == expected, "%s %s: %ld %s", method, path, r.status, r.body);
	test_response_free(&r);
}

/* The audit event's changes beside an event (same request and action), parsed. */
static json_t *audited_changes(json_t *event)
{
	char sql[512], *text;
	json_t *changes;

	snprintf(sql, sizeof(sql),
		 "SELECT changes::text FROM audit_events WHERE request_id = '%s' AND action = '%s'"
		 " AND entity_id = '%s' AND company_id = (SELECT id FROM companies WHERE code = 'EVP')",
		 test_ledger_text(event, "request_id"), test_ledger_text(event, "type"),
		 test_ledger_text(event, "entity_id"));
	text = test_db_value(L.db_url, sql);
	ck_assert_msg(text != NULL, "no audit event beside %s", test_ledger_text(event, "type"));
	changes = json_loads(text, 0, NULL);
	free(text);
	ck_assert_ptr_nonnull(changes);
	return changes;
}

/* changes[field] is {"old": old, "new": new} (JSON texts; "null" for null). */
static void assert_change(json_t *changes, const char *field, const char *old, const char *new)
{
	json_t *change = json_object_get(changes, field);
	json_t *want_old = json_loads(old, JSON_DECODE_ANY, NULL);
	json_t *want_new = json_loads(new, JSON_DECODE_ANY, NULL);
	json_t *got_old = json_object_get(change, "old"), *got_new = json_object_get(change, "new");

	ck_assert_msg(change != NULL, "no change of %s", field);
	ck_assert_msg(json_equal(got_old ? got_old : json_null(), want_old), "%s: old is not %s", field, old);
	ck_assert_msg(json_equal(got_new ? got_new : json_null(), want_new), "%s: new is not %s", field, new);
	json_decref(want_old);
	json_decref(want_new);
}

START_TEST(every_change_is_told_and_audited_once)
{
	static const char *const types[] = {
		"partners.settings.updated", "partners.partner.created", "partners.partner.updated",
		"partners.partner.deactivated", "partners.partner.reactivated", NULL,
	};
	long long last = test_events_last(L.server.base_url, reader, "EVP");
	json_t *events, *changes, *changed;

	expect("PUT", "/api/v1/companies/EVP/partner-settings", "If-Match: \"1\"",
	       "{\"default_receivable_account\":\"1200\",\"default_payable_account\":null}", 200);
	expect("POST", "/api/v1/companies/EVP/partners", NULL,
	       "{\"code\":\"EV1\",\"name\":\"Evented\",\"roles\":[\"customer\"],\"tax_id\":\"EV-100\","
	       "\"credit_limit\":\"250.5\"}", 201);
	/* Refused (a duplicate) and empty changes tell nothing. */
	expect("POST", "/api/v1/companies/EVP/partners", NULL,
	       "{\"code\":\"EV1\",\"name\":\"Again\",\"roles\":[\"customer\"]}", 409);
	expect("PATCH", "/api/v1/companies/EVP/partners/EV1", "If-Match: \"1\"",
	       "{\"name\":\"Evented\"}", 200);
	expect("PATCH", "/api/v1/companies/EVP/partners/EV1", "If-Match: \"1\"",
	       "{\"name\":\"Evented Ltd\",\"roles\":[\"customer\",\"vendor\"],\"payable_account\":\"2000\","
	       "\"credit_limit\":null}", 200);
	expect("POST", "/api/v1/companies/EVP/partners/EV1/deactivate", NULL, NULL, 200);
	expect("POST", "/api/v1/companies/EVP/partners/EV1/deactivate", NULL, NULL, 409);
	expect("POST", "/api/v1/companies/EVP/partners/EV1/reactivate", NULL, NULL, 200);

	events = test_events_since(L.server.base_url, reader, "EVP", last, types);

	/* The settings: entity its company, the defaults by code. */
	ck_assert_str_eq(test_ledger_text(json_array_get(events, 0), "entity"), "partner_settings");
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 0),
							       "default_receivable_account")), "1200");
	changes = audited_changes(json_array_get(events, 0));
	assert_change(changes, "default_receivable_account", "null", "\"1200\"");
	ck_assert(!json_object_get(changes, "default_payable_account")); /* unchanged: not listed */
	json_decref(changes);

	/* Created: the partner as clients see it, the default account it got. */
	ck_assert_str_eq(test_ledger_text(json_array_get(events, 1), "entity"), "partner");
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 1), "tax_id")),
			 "EV100");
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 1),
							       "receivable_account")), "1200");
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 1), "credit_limit")),
			 "250.50");
	ck_assert_str_eq(test_ledger_text(json_array_get(events, 1), "actor_id"), manager.id);
	changes = audited_changes(json_array_get(events, 1));
	assert_change(changes, "name", "null", "\"Evented\"");
	assert_change(changes, "credit_limit", "null", "\"250.50\"");
	json_decref(changes);

	/* Updated: what changed, named, and audited old -> new. */
	changed = json_loads("[\"name\", \"roles\", \"credit_limit\", \"credit_limit_currency\","
			     " \"payable_account\", \"version\"]", 0, NULL);
	ck_assert_msg(json_equal(test_events_payload(json_array_get(events, 2), "changed"), changed),
		      "changed: %s", json_dumps(test_events_payload(json_array_get(events, 2), "changed"), 0));
	json_decref(changed);
	ck_assert_int_eq(json_integer_value(test_events_payload(json_array_get(events, 2), "version")), 2);
	changes = audited_changes(json_array_get(events, 2));
	assert_change(changes, "name", "\"Evented\"", "\"Evented Ltd\"");
	assert_change(changes, "roles", "[\"customer\"]", "[\"customer\", \"vendor\"]");
	assert_change(changes, "payable_account", "null", "\"2000\"");
	assert_change(changes, "credit_limit", "\"250.50\"", "null");
	ck_assert(!json_object_get(changes, "tax_id"));
	json_decref(changes);

	/* Deactivated and reactivated: active old -> new. */
	ck_assert(json_is_false(test_events_payload(json_array_get(events, 3), "active")));
	changes = audited_changes(json_array_get(events, 3));
	assert_change(changes, "active", "true", "false");
	json_decref(changes);
	changes = audited_changes(json_array_get(events, 4));
	assert_change(changes, "active", "false", "true");
	json_decref(changes);
	json_decref(events);

	/* One audit event per change told, none for the refused and the empty ones. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
						  " WHERE action LIKE 'partners.%%'"), 5);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/partners/events");
	TCase *tc = tcase_create("events");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, every_change_is_told_and_audited_once);
	suite_add_tcase(s, tc);
	return s;
}

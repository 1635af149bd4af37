#include <stdio.h>
#include <string.h>

#include "platform/http/route.h"
#include "platform/http/route_contract.h"
#include "platform/http/router.h"
#include "platform/http/schema.h"
#include "test/support/check_main.h"

/*
 * The fields the router reads, the rest zero (and -Wmissing-field-initializers
 * quiet); the operation id is made of the line, so it is unique in the file.
 */
#define TEXT_OF(x) #x
#define LINE_TEXT(x) TEXT_OF(x)
#define ROUTE(method, pattern, permission, handler)                                       \
	{ method, pattern, permission, handler, .summary = NULL, .response = ERP_NO_BODY,   \
	  .operation_id = "route" LINE_TEXT(__LINE__) }

/* Handlers are never called by the router; two distinct ones tell routes apart. */
static int handler_one(struct erp_request *req)
{
	(void)req;
	return 0;
}

static int handler_two(struct erp_request *req)
{
	(void)req;
	return 0;
}

static void add_ok(struct router *router, const struct erp_route *route)
{
	char err[256] = "";

	ck_assert_msg(router_add(router, route, err, sizeof(err)) == 0, "router_add %s: %s",
		      route->pattern ? route->pattern : "(null)", err);
}

static void add_all(struct router *router, const struct erp_route *routes, size_t count)
{
	for (size_t i = 0; i < count; i++)
		add_ok(router, &routes[i]);
}

/* The router's refusal, with err checked to name the reason and left unchanged otherwise. */
static void add_refused(struct router *router, const struct erp_route *route,
			const char *needle)
{
	char err[256] = "";
	size_t before = router_count(router);

	ck_assert_int_eq(router_add(router, route, err, sizeof(err)), -1);
	ck_assert_msg(err[0] != '\0', "no reason given for %s",
		      route->pattern ? route->pattern : "(null)");
	ck_assert_msg(strstr(err, needle) != NULL, "reason \"%s\" lacks \"%s\"", err, needle);
	ck_assert_uint_eq(router_count(router), before);
}

static void assert_param(const struct router_match *match, size_t index, const char *name,
			 const char *value)
{
	ck_assert_uint_lt(index, match->param_count);
	ck_assert_str_eq(match->param_names[index], name);
	ck_assert_uint_eq(match->param_lengths[index], strlen(value));
	ck_assert_msg(memcmp(match->param_values[index], value, strlen(value)) == 0,
		      "param %s is \"%.*s\", expected \"%s\"", name,
		      (int)match->param_lengths[index], match->param_values[index], value);
}

static const char *allow_text(unsigned methods)
{
	static char out[128];

	return router_format_allow(methods, out, sizeof(out));
}

/* --- methods ---------------------------------------------------------------- */

START_TEST(test_method_names_round_trip)
{
	static const struct {
		enum erp_method method;
		const char *name;
	} methods[] = {
		{ ERP_GET, "GET" },       { ERP_POST, "POST" }, { ERP_PUT, "PUT" },
		{ ERP_PATCH, "PATCH" },   { ERP_DELETE, "DELETE" }, { ERP_HEAD, "HEAD" },
		{ ERP_OPTIONS, "OPTIONS" },
	};

	for (size_t i = 0; i < ERP_COUNT(methods); i++) {
		ck_assert_str_eq(erp_method_name(methods[i].method), methods[i].name);
		ck_assert_int_eq(erp_method_parse(methods[i].name), methods[i].method);
	}
	/* Method tokens are case-sensitive (RFC 9110 9.1). */
	ck_assert_int_eq(erp_method_parse("get"), 0);
	ck_assert_int_eq(erp_method_parse("TRACE"), 0);
	ck_assert_int_eq(erp_method_parse(""), 0);
	ck_assert_int_eq(erp_method_parse("GETX"), 0);
	ck_assert_str_eq(erp_method_name(0), "?");
	ck_assert_str_eq(erp_method_name(ERP_GET | ERP_POST), "?");
}
END_TEST

/* --- matching --------------------------------------------------------------- */

START_TEST(test_literal_route_found)
{
	static const struct erp_route routes[] = {
		{ ERP_GET, "/healthz", ERP_PUBLIC, handler_one, .summary = "alive",
		  .response = ERP_NO_BODY, .operation_id = "getHealth" },
		ROUTE(ERP_GET, "/api/v1/companies", "core.company.read", handler_two),
	};
	struct router *router = router_new();
	struct router_match match;

	add_all(router, routes, ERP_COUNT(routes));
	ck_assert_int_eq(router_find(router, ERP_GET, "/healthz", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[0]);
	ck_assert_uint_eq(match.route_index, 0);
	ck_assert_uint_eq(match.param_count, 0);

	ck_assert_int_eq(router_find(router, ERP_GET, "/api/v1/companies", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[1]);
	ck_assert_uint_eq(match.route_index, 1);
	ck_assert_uint_eq(match.param_count, 0);
	router_free(router);
}
END_TEST

START_TEST(test_root_pattern_matches_only_root)
{
	static const struct erp_route routes[] = {
		ROUTE(ERP_GET, "/", ERP_PUBLIC, handler_one),
		ROUTE(ERP_GET, "/{page}", ERP_PUBLIC, handler_two),
	};
	struct router *router = router_new();
	struct router_match match;

	add_all(router, routes, ERP_COUNT(routes));
	ck_assert_int_eq(router_find(router, ERP_GET, "/", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[0]);
	ck_assert_int_eq(router_find(router, ERP_GET, "/about", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[1]);
	assert_param(&match, 0, "page", "about");
	ck_assert_int_eq(router_find(router, ERP_GET, "//", &match), ROUTER_NOT_FOUND);
	ck_assert_int_eq(router_find(router, ERP_GET, "", &match), ROUTER_NOT_FOUND);
	router_free(router);
}
END_TEST

START_TEST(test_parameters_are_named_and_point_into_the_path)
{
	static const struct erp_route route =
		ROUTE(ERP_GET, "/api/v1/companies/{company}/accounts/{account_id}",
		      "ledger.account.read", handler_one);
	struct router *router = router_new();
	struct router_match match;
	char path[] = "/api/v1/companies/acme-01/accounts/1100.a_b";

	add_ok(router, &route);
	ck_assert_int_eq(router_find(router, ERP_GET, path, &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &route);
	ck_assert_uint_eq(match.param_count, 2);
	assert_param(&match, 0, "company", "acme-01");
	assert_param(&match, 1, "account_id", "1100.a_b");
	/* Values are slices of the caller's buffer, not copies. */
	ck_assert_ptr_eq(match.param_values[0], path + strlen("/api/v1/companies/"));
	ck_assert_ptr_eq(match.param_values[1],
			 path + strlen("/api/v1/companies/acme-01/accounts/"));

	/* A one-character value is fine; other segment counts are not this route. */
	ck_assert_int_eq(router_find(router, ERP_GET, "/api/v1/companies/x/accounts/y", &match),
			 ROUTER_FOUND);
	assert_param(&match, 0, "company", "x");
	assert_param(&match, 1, "account_id", "y");
	ck_assert_int_eq(router_find(router, ERP_GET, "/api/v1/companies/x/accounts", &match),
			 ROUTER_NOT_FOUND);
	ck_assert_int_eq(router_find(router, ERP_GET, "/api/v1/companies/x/accounts/y/z", &match),
			 ROUTER_NOT_FOUND);
	ck_assert_int_eq(router_find(router, ERP_GET, "/api/v1/companies/x/ledgers/y", &match),
			 ROUTER_NOT_FOUND);
	router_free(router);
}
END_TEST

START_TEST(test_eight_parameters_all_reported)
{
	static const struct erp_route route =
		ROUTE(ERP_GET, "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", ERP_PUBLIC, handler_one);
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	static const char *const values[] = { "1", "22", "333", "4444", "x", "yy", "zzz", "end" };
	struct router *router = router_new();
	struct router_match match;

	add_ok(router, &route);
	ck_assert_int_eq(router_find(router, ERP_GET, "/1/22/333/4444/x/yy/zzz/end", &match),
			 ROUTER_FOUND);
	ck_assert_uint_eq(match.param_count, ROUTER_MAX_PARAMS);
	for (size_t i = 0; i < ROUTER_MAX_PARAMS; i++)
		assert_param(&match, i, names[i], values[i]);
	router_free(router);
}
END_TEST

START_TEST(test_matching_is_case_sensitive)
{
	static const struct erp_route route = ROUTE(ERP_GET, "/healthz", ERP_PUBLIC, handler_one);
	struct router *router = router_new();
	struct router_match match;

	add_ok(router, &route);
	ck_assert_int_eq(router_find(router, ERP_GET, "/Healthz", &match), ROUTER_NOT_FOUND);
	ck_assert_int_eq(router_find(router, ERP_GET, "/healthzz", &match), ROUTER_NOT_FOUND);
	ck_assert_int_eq(router_find(router, ERP_GET, "/health", &match), ROUTER_NOT_FOUND);
	router_free(router);
}
END_TEST

/* Literal beats parameter, whichever was registered first (loop index = order). */
START_TEST(test_literal_beats_parameter_in_either_order)
{
	static const struct erp_route param =
		ROUTE(ERP_GET, "/items/{id}", "shop.item.read", handler_one);
	static const struct erp_route literal =
		ROUTE(ERP_GET, "/items/new", "shop.item.read", handler_two);
	struct router *router = router_new();
	struct router_match match;

	if (_i == 0) {
		add_ok(router, &param);
		add_ok(router, &literal);
	} else {
		add_ok(router, &literal);
		add_ok(router, &param);
	}
	ck_assert_int_eq(router_find(router, ERP_GET, "/items/new", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &literal);
	ck_assert_uint_eq(match.param_count, 0);
	ck_assert_uint_eq(match.route_index, _i == 0 ? 1 : 0);

	ck_assert_int_eq(router_find(router, ERP_GET, "/items/42", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &param);
	assert_param(&match, 0, "id", "42");
	ck_assert_uint_eq(match.route_index, _i == 0 ? 0 : 1);

	/* "newer" shares a prefix with the literal but is a different segment. */
	ck_assert_int_eq(router_find(router, ERP_GET, "/items/newer", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &param);
	assert_param(&match, 0, "id", "newer");
	router_free(router);
}
END_TEST

START_TEST(test_more_literal_segments_win)
{
	static const struct erp_route routes[] = {
		ROUTE(ERP_GET, "/{x}/{y}", ERP_PUBLIC, handler_one),
		ROUTE(ERP_GET, "/a/{y}", ERP_PUBLIC, handler_one),
		ROUTE(ERP_GET, "/a/b", ERP_PUBLIC, handler_one),
	};
	struct router *router = router_new();
	struct router_match match;

	add_all(router, routes, ERP_COUNT(routes));
	ck_assert_int_eq(router_find(router, ERP_GET, "/a/b", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[2]);
	ck_assert_uint_eq(match.param_count, 0);
	ck_assert_int_eq(router_find(router, ERP_GET, "/a/z", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[1]);
	assert_param(&match, 0, "y", "z");
	ck_assert_int_eq(router_find(router, ERP_GET, "/q/b", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[0]);
	assert_param(&match, 0, "x", "q");
	assert_param(&match, 1, "y", "b");
	router_free(router);
}
END_TEST

START_TEST(test_unknown_paths_not_found)
{
	static const struct erp_route routes[] = {
		ROUTE(ERP_GET, "/healthz", ERP_PUBLIC, handler_one),
		ROUTE(ERP_GET, "/items/{id}", ERP_PUBLIC, handler_one),
	};
	static const char *const paths[] = {
		"/nothing", "/items", "/items/1/extra", "/api",
		"healthz",  "",       "items/1",        "/ healthz",
	};
	struct router *router = router_new();
	struct router_match match;

	add_all(router, routes, ERP_COUNT(routes));
	for (size_t i = 0; i < ERP_COUNT(paths); i++) {
		ck_assert_msg(router_find(router, ERP_GET, paths[i], &match) == ROUTER_NOT_FOUND,
			      "\"%s\" matched", paths[i]);
		ck_assert_ptr_null(match.route);
		ck_assert_uint_eq(match.allowed_methods, 0);
	}
	router_free(router);
}
END_TEST

START_TEST(test_empty_router_finds_nothing)
{
	struct router *router = router_new();
	struct router_match match;

	ck_assert_uint_eq(router_count(router), 0);
	ck_assert_ptr_null(router_route(router, 0));
	ck_assert_int_eq(router_find(router, ERP_GET, "/", &match), ROUTER_NOT_FOUND);
	ck_assert_int_eq(router_find(router, ERP_GET, "/x", &match), ROUTER_NOT_FOUND);
	router_free(router);
	router_free(NULL);
}
END_TEST

/* "/a/" and "//a" are other resources: no silent normalisation. */
START_TEST(test_trailing_and_double_slashes_do_not_match)
{
	static const struct erp_route routes[] = {
		ROUTE(ERP_GET, "/healthz", ERP_PUBLIC, handler_one),
		ROUTE(ERP_GET, "/items/{id}", ERP_PUBLIC, handler_one),
		ROUTE(ERP_GET, "/a/b", ERP_PUBLIC, handler_one),
	};
	static const char *const paths[] = {
		"/healthz/", "//healthz", "/healthz//", "/items/", "/items//", "//items/1",
		"/items/1/", "/a//b",    "/a/b/",      "//a/b",   "///",
	};
	struct router *router = router_new();
	struct router_match match;

	add_all(router, routes, ERP_COUNT(routes));
	for (size_t i = 0; i < ERP_COUNT(paths); i++)
		ck_assert_msg(router_find(router, ERP_GET, paths[i], &match) == ROUTER_NOT_FOUND,
			      "\"%s\" matched", paths[i]);
	router_free(router);
}
END_TEST

START_TEST(test_too_many_path_segments_not_found)
{
	char pattern[64], path[80];
	size_t used = 0;
	struct erp_route route = ROUTE(ERP_GET, pattern, ERP_PUBLIC, handler_one);
	struct router *router = router_new();
	struct router_match match;

	for (int i = 0; i < ROUTER_MAX_SEGMENTS; i++)
		used += (size_t)snprintf(pattern + used, sizeof(pattern) - used, "/s");
	add_ok(router, &route);
	ck_assert_int_eq(router_find(router, ERP_GET, pattern, &match), ROUTER_FOUND);
	snprintf(path, sizeof(path), "%s/s", pattern);
	ck_assert_int_eq(router_find(router, ERP_GET, path, &match), ROUTER_NOT_FOUND);
	router_free(router);
}
END_TEST

/* --- 405 and HEAD --------------------------------------------------------------- */

START_TEST(test_wrong_method_is_405_with_allowed_mask)
{
	static const struct erp_route routes[] = {
		ROUTE(ERP_GET, "/healthz", ERP_PUBLIC, handler_one),
		ROUTE(ERP_GET, "/items/{id}", "shop.item.read", handler_one),
		ROUTE(ERP_PUT, "/items/{id}", "shop.item.write", handler_one),
		ROUTE(ERP_DELETE, "/items/{id}", "shop.item.write", handler_one),
		ROUTE(ERP_POST, "/orders", "shop.order.create", handler_one),
		ROUTE(ERP_PATCH, "/orders", "shop.order.create", handler_one),
	};
	struct router *router = router_new();
	struct router_match match;

	add_all(router, routes, ERP_COUNT(routes));

	ck_assert_int_eq(router_find(router, ERP_POST, "/healthz", &match),
			 ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_ptr_null(match.route);
	ck_assert_uint_eq(match.allowed_methods, ERP_GET | ERP_HEAD | ERP_OPTIONS);
	ck_assert_str_eq(allow_text(match.allowed_methods), "GET, HEAD, OPTIONS");

	ck_assert_int_eq(router_find(router, ERP_POST, "/items/7", &match),
			 ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_uint_eq(match.allowed_methods,
			  ERP_GET | ERP_PUT | ERP_DELETE | ERP_HEAD | ERP_OPTIONS);
	ck_assert_str_eq(allow_text(match.allowed_methods), "GET, PUT, DELETE, HEAD, OPTIONS");

	/* No GET: no HEAD either. */
	ck_assert_int_eq(router_find(router, ERP_GET, "/orders", &match),
			 ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_uint_eq(match.allowed_methods, ERP_POST | ERP_PATCH | ERP_OPTIONS);
	ck_assert_str_eq(allow_text(match.allowed_methods), "POST, PATCH, OPTIONS");
	ck_assert_int_eq(router_find(router, ERP_HEAD, "/orders", &match),
			 ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_uint_eq(match.allowed_methods, ERP_POST | ERP_PATCH | ERP_OPTIONS);

	/* The pipeline asks with method 0 to learn the mask for OPTIONS. */
	ck_assert_int_eq(router_find(router, 0, "/healthz", &match), ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_uint_eq(match.allowed_methods, ERP_GET | ERP_HEAD | ERP_OPTIONS);
	router_free(router);
}
END_TEST

/*
 * GET /items/new is served by GET /items/{id} even though the literal
 * /items/new only takes POST, so Allow (and the CORS preflight, which asks
 * router_find() with method 0) must list GET there too.
 */
START_TEST(test_allowed_mask_includes_methods_of_less_specific_patterns)
{
	static const struct erp_route routes[] = {
		ROUTE(ERP_GET, "/items/{id}", "shop.item.read", handler_one),
		ROUTE(ERP_DELETE, "/items/{id}", "shop.item.write", handler_one),
		ROUTE(ERP_POST, "/items/new", "shop.item.write", handler_two),
	};
	struct router *router = router_new();
	struct router_match match;

	add_all(router, routes, ERP_COUNT(routes));
	ck_assert_int_eq(router_find(router, ERP_GET, "/items/new", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[0]);
	assert_param(&match, 0, "id", "new");
	ck_assert_int_eq(router_find(router, ERP_POST, "/items/new", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[2]);

	ck_assert_int_eq(router_find(router, ERP_PUT, "/items/new", &match),
			 ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(allow_text(match.allowed_methods), "GET, POST, DELETE, HEAD, OPTIONS");
	ck_assert_int_eq(router_find(router, 0, "/items/new", &match), ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(allow_text(match.allowed_methods), "GET, POST, DELETE, HEAD, OPTIONS");

	/* The parameter path itself never sees the literal's POST. */
	ck_assert_int_eq(router_find(router, ERP_POST, "/items/7", &match),
			 ROUTER_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(allow_text(match.allowed_methods), "GET, DELETE, HEAD, OPTIONS");
	router_free(router);
}
END_TEST

START_TEST(test_head_matches_get_routes)
{
	static const struct erp_route routes[] = {
		ROUTE(ERP_POST, "/things/{id}", "x.write", handler_two),
		ROUTE(ERP_GET, "/things/{id}", "x.read", handler_one),
	};
	struct router *router = router_new();
	struct router_match match;

	add_all(router, routes, ERP_COUNT(routes));
	ck_assert_int_eq(router_find(router, ERP_HEAD, "/things/9", &match), ROUTER_FOUND);
	ck_assert_ptr_eq(match.route, &routes[1]);
	ck_assert_uint_eq(match.route_index, 1);
	assert_param(&match, 0, "id", "9");
	router_free(router);
}
END_TEST

START_TEST(test_format_allow)
{
	char out[128];
	char small[10];
	const char *full = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS";
	unsigned all = ERP_GET | ERP_POST | ERP_PUT | ERP_PATCH | ERP_DELETE | ERP_HEAD |
		       ERP_OPTIONS;

	ck_assert_str_eq(router_format_allow(all, out, sizeof(out)), full);
	ck_assert_ptr_eq(router_format_allow(ERP_GET, out, sizeof(out)), out);
	ck_assert_str_eq(out, "GET");
	ck_assert_str_eq(router_format_allow(ERP_OPTIONS | ERP_DELETE, out, sizeof(out)),
			 "DELETE, OPTIONS");
	ck_assert_str_eq(router_format_allow(0, out, sizeof(out)), "");

	/* Too small: NUL-terminated inside the buffer and a prefix of the full text. */
	for (size_t size = 1; size <= sizeof(small); size++) {
		memset(small, 'X', sizeof(small));
		router_format_allow(all, small, size);
		ck_assert_ptr_nonnull(memchr(small, '\0', size));
		ck_assert(strncmp(full, small, strlen(small)) == 0);
		for (size_t i = size; i < sizeof(small); i++)
			ck_assert_int_eq(small[i], 'X');
	}
}
END_TEST

/* --- registration ----------------------------------------------------------- */

START_TEST(test_public_authenticated_and_named_permissions_accepted)
{
	static const struct erp_route routes[] = {
		ROUTE(ERP_GET, "/public", ERP_PUBLIC, handler_one),
		ROUTE(ERP_GET, "/me", ERP_AUTHENTICATED, handler_one),
		ROUTE(ERP_POST, "/journal", "ledger.journal.post", handler_one),
		ROUTE(ERP_PUT, "/journal", "ledger.journal.post", handler_one),
		ROUTE(ERP_PATCH, "/journal", "ledger.journal.post", handler_one),
		ROUTE(ERP_DELETE, "/journal", "ledger.journal.post", handler_one),
		ROUTE(ERP_GET, "/journal", "ledger.journal.read", handler_one),
	};
	struct router *router = router_new();

	add_all(router, routes, ERP_COUNT(routes));
	ck_assert_uint_eq(router_count(router), ERP_COUNT(routes));
	for (size_t i = 0; i < ERP_COUNT(routes); i++)
		ck_assert_ptr_eq(router_route(router, i), &routes[i]);
	ck_assert_ptr_null(router_route(router, ERP_COUNT(routes)));
	ck_assert_ptr_null(router_route(router, (size_t)-1));
	router_free(router);
}
END_TEST

START_TEST(test_route_without_permission_refused)
{
	static const struct erp_route no_permission = ROUTE(ERP_GET, "/secret", NULL, handler_one);
	static const struct erp_route empty_permission =
		ROUTE(ERP_GET, "/secret", "", handler_one);
	struct router *router = router_new();

	add_refused(router, &no_permission, "permission");
	add_refused(router, &no_permission, "/secret");
	add_refused(router, &empty_permission, "permission");
	ck_assert_uint_eq(router_count(router), 0);
	router_free(router);
}
END_TEST

static const struct schema_field thing_fields[] = {
	{ .name = "id", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED },
};
static SCHEMA_OBJECT_DEFINE(thing_schema, "Thing", thing_fields, NULL);

/* Every success answer is declared, like every permission: the route table says what it answers. */
START_TEST(test_route_without_declared_answer_refused)
{
	static const struct erp_route refused[] = {
		{ ERP_GET, "/things", "t.read", handler_one, "no answer declared", .body = NULL },
		{ ERP_GET, "/things", "t.read", handler_one, "both", .response = &thing_schema,
		  .list = &thing_schema },
		{ ERP_DELETE, "/things/{id}", "t.write", handler_one, "204 with a body",
		  .response = &thing_schema, .success_status = 204 },
		{ ERP_GET, "/things.txt", "t.read", handler_one, "text of no type",
		  .response = ERP_TEXT_BODY },
		{ ERP_POST, "/things", "t.write", handler_one, "a 3xx", .response = &thing_schema,
		  .success_status = 302 },
		{ ERP_POST, "/things", "t.write", handler_one, "also without a body",
		  .response = &thing_schema, .success_status = 201, .also = { 202, NULL } },
		{ ERP_POST, "/things", "t.write", handler_one, "also on the same status",
		  .response = &thing_schema, .success_status = 201, .also = { 201, &thing_schema } },
		{ ERP_POST, "/things", "t.write", handler_one, "also without a status",
		  .response = &thing_schema, .also = { 0, &thing_schema } },
	};
	static const char *const reasons[] = {
		"declares no response", "both a response and a list", "ERP_NO_BODY",
		"response_content_type", "outside 200..299", "second success status",
		"second success status", "without a status",
	};
	static const struct erp_route accepted[] = {
		{ ERP_GET, "/things", "t.read", handler_one, "a page", .list = &thing_schema,
		  .operation_id = "listThings" },
		{ ERP_GET, "/things/{id}", "t.read", handler_one, "one", .response = &thing_schema,
		  .operation_id = "getThing" },
		{ ERP_DELETE, "/things/{id}", "t.write", handler_one, "gone", .response = ERP_NO_BODY,
		  .success_status = 204, .operation_id = "deleteThing" },
		{ ERP_GET, "/things.txt", "t.read", handler_one, "text", .response = ERP_TEXT_BODY,
		  .response_content_type = "text/plain", .operation_id = "getThingsText" },
		{ ERP_POST, "/things", "t.write", handler_one, "made or waiting",
		  .response = &thing_schema, .success_status = 201, .also = { 202, &thing_schema },
		  .operation_id = "createThing" },
	};
	struct router *router = router_new();

	ck_assert_uint_eq(ERP_COUNT(refused), ERP_COUNT(reasons));
	for (size_t i = 0; i < ERP_COUNT(refused); i++) {
		add_refused(router, &refused[i], reasons[i]);
		add_refused(router, &refused[i], refused[i].pattern);
	}
	add_all(router, accepted, ERP_COUNT(accepted));
	router_free(router);
}
END_TEST

START_TEST(test_route_without_handler_or_with_bad_method_refused)
{
	static const struct erp_route routes[] = {
		ROUTE(ERP_GET, "/x", ERP_PUBLIC, NULL),
		ROUTE(0, "/x", ERP_PUBLIC, handler_one),
		ROUTE(ERP_GET | ERP_POST, "/x", ERP_PUBLIC, handler_one),
		/* HEAD follows GET and OPTIONS is the platform's: no route declares them. */
		ROUTE(ERP_HEAD, "/x", ERP_PUBLIC, handler_one),
		ROUTE(ERP_OPTIONS, "/x", ERP_PUBLIC, handler_one),
	};
	struct router *router = router_new();

	add_refused(router, &routes[0], "handler");
	for (size_t i = 1; i < ERP_COUNT(routes); i++)
		add_refused(router, &routes[i], "GET/POST/PUT/PATCH/DELETE");
	router_free(router);
}
END_TEST

START_TEST(test_malformed_patterns_refused)
{
	static const struct {
		const char *pattern;
		const char *reason;
	} cases[] = {
		{ NULL, "missing" },
		{ "", "must start with '/'" },
		{ "healthz", "must start with '/'" },
		{ "api/v1", "must start with '/'" },
		{ "//healthz", "empty segment" },
		{ "/a//b", "empty segment" },
		{ "/a/", "empty segment" },
		{ "/{}", "malformed {parameter}" },
		{ "/{", "malformed {parameter}" },
		{ "/{id", "malformed {parameter}" },
		{ "/{id}x", "malformed {parameter}" },
		{ "/a/{id/b}", "malformed {parameter}" },
		{ "/x}", "braces" },
		{ "/a{id}", "braces" },
		{ "/{Company}", "[a-z0-9_]" },
		{ "/{companyId}", "[a-z0-9_]" },
		{ "/{comp-any}", "[a-z0-9_]" },
		{ "/{a b}", "[a-z0-9_]" },
		{ "/{{a}}", "[a-z0-9_]" },
		{ "/{abcdefghijklmnopqrstuvwxyz012345}", "31" },
		{ "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", "too many segments" },
		{ "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", "more than 8 parameters" },
	};
	struct router *router = router_new();

	for (size_t i = 0; i < ERP_COUNT(cases); i++) {
		struct erp_route route = ROUTE(ERP_GET, cases[i].pattern, ERP_PUBLIC, handler_one);

		add_refused(router, &route, cases[i].reason);
	}
	router_free(router);
}
END_TEST

START_TEST(test_longest_parameter_name_accepted)
{
	static const struct erp_route route =
		ROUTE(ERP_GET, "/{abcdefghijklmnopqrstuvwxyz01234}", ERP_PUBLIC, handler_one);
	struct router *router = router_new();
	struct router_match match;

	add_ok(router, &route);
	ck_assert_int_eq(router_find(router, ERP_GET, "/v", &match), ROUTER_FOUND);
	assert_param(&match, 0, "abcdefghijklmnopqrstuvwxyz01234", "v");
	router_free(router);
}
END_TEST

START_TEST(test_duplicate_route_refused)
{
	static const struct erp_route first = ROUTE(ERP_GET, "/items/{id}", "a.read", handler_one);
	static const struct erp_route again = ROUTE(ERP_GET, "/items/{id}", "b.read", handler_two);
	static const struct erp_route other_method =
		ROUTE(ERP_DELETE, "/items/{id}", "a.write", handler_two);
	struct router *router = router_new();

	add_ok(router, &first);
	add_refused(router, &again, "registered twice");
	add_ok(router, &other_method);
	add_refused(router, &other_method, "registered twice");
	ck_assert_uint_eq(router_count(router), 2);
	router_free(router);
}
END_TEST

/* /items/{id} and /items/{item} would be one path with two names: refused, any method. */
START_TEST(test_patterns_differing_only_by_parameter_names_refused)
{
	static const struct erp_route first =
		ROUTE(ERP_GET, "/c/{company}/items/{id}", "a.read", handler_one);
	static const struct erp_route same_method =
		ROUTE(ERP_GET, "/c/{company}/items/{item}", "a.read", handler_one);
	static const struct erp_route other_method =
		ROUTE(ERP_PUT, "/c/{org}/items/{id}", "a.write", handler_one);
	static const struct erp_route literal_instead =
		ROUTE(ERP_PUT, "/c/{company}/items/all", "a.write", handler_one);
	struct router *router = router_new();

	add_ok(router, &first);
	add_refused(router, &same_method, "differ only by parameter names");
	add_refused(router, &other_method, "differ only by parameter names");
	/* A literal in place of a parameter is a different shape, so it is fine. */
	add_ok(router, &literal_instead);
	router_free(router);
}
END_TEST

/* Clients generate code from operation ids: each route has one, camelCase, its own. */
START_TEST(test_operation_ids_are_camel_case_and_unique)
{
	static const char *const refused_ids[] = {
		NULL, "", "ListThings", "list-things", "list_things", "GET /things", "1list",
		"listThings!", "list\xc3\xa9Things",
		"a1234567890123456789012345678901234567890123456789012345678901234",
	};
	static const struct erp_route first = ROUTE(ERP_GET, "/things", "t.read", handler_one);
	struct erp_route route = ROUTE(ERP_POST, "/things", "t.write", handler_one);
	struct router *router = router_new();

	for (size_t i = 0; i < ERP_COUNT(refused_ids); i++) {
		route.operation_id = refused_ids[i];
		add_refused(router, &route, "operation_id");
		add_refused(router, &route, "POST /things");
	}
	/* 64 characters is the longest accepted. */
	route.operation_id = "a123456789012345678901234567890123456789012345678901234567890123";
	ck_assert(route_operation_id_valid(route.operation_id));
	route.operation_id = "createThing2";
	add_ok(router, &first);
	add_ok(router, &route);
	/* Another route under an id already taken: refused, naming both routes and the id. */
	route = (struct erp_route)ROUTE(ERP_DELETE, "/things/{id}", "t.write", handler_one);
	route.operation_id = first.operation_id;
	add_refused(router, &route, "share the operation_id");
	add_refused(router, &route, "GET /things and DELETE /things/{id}");
	ck_assert_uint_eq(router_count(router), 2);
	router_free(router);
}
END_TEST

/* A route's own problems are 4xx statuses its declaration does not already imply, each once. */
START_TEST(test_route_problems_refused_when_invalid)
{
	static const struct {
		int problems[ERP_ROUTE_MAX_PROBLEMS];
		const char *reason;
	} cases[] = {
		{ { 399 }, "declares problem 399" },
		{ { 500 }, "declares problem 500" },
		{ { 422, 200 }, "declares problem 200" },
		{ { 400 }, "already implies" },    /* every route */
		{ { 401 }, "already implies" },    /* not public */
		{ { 404 }, "already implies" },    /* a path parameter */
		{ { 409 }, "already implies" },    /* not a GET */
		{ { 422, 422 }, "declares problem 422 twice" },
	};
	struct erp_route route = ROUTE(ERP_POST, "/things/{id}/close", "t.write", handler_one);
	struct router *router = router_new();

	for (size_t i = 0; i < ERP_COUNT(cases); i++) {
		memcpy(route.problems, cases[i].problems, sizeof(route.problems));
		add_refused(router, &route, cases[i].reason);
	}
	memcpy(route.problems, (int[ERP_ROUTE_MAX_PROBLEMS]){ 422, 423 }, sizeof(route.problems));
	add_ok(router, &route);
	router_free(router);
}
END_TEST

START_TEST(test_error_message_fits_small_buffer)
{
	static const struct erp_route route =
		ROUTE(ERP_GET, "/a-very-long-pattern/that/is/refused", NULL, handler_one);
	struct router *router = router_new();
	char err[12];

	memset(err, 'X', sizeof(err));
	ck_assert_int_eq(router_add(router, &route, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(memchr(err, '\0', sizeof(err)));
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
	router_free(router);
}
END_TEST

START_TEST(test_many_routes_grow_the_table)
{
	enum { COUNT = 200 };
	static char patterns[COUNT][32], operation_ids[COUNT][16];
	static struct erp_route routes[COUNT];
	struct router *router = router_new();
	struct router_match match;

	for (int i = 0; i < COUNT; i++) {
		snprintf(patterns[i], sizeof(patterns[i]), "/r%d/{id}", i);
		snprintf(operation_ids[i], sizeof(operation_ids[i]), "getR%d", i);
		routes[i] = (struct erp_route)ROUTE(ERP_GET, patterns[i], ERP_PUBLIC, handler_one);
		routes[i].operation_id = operation_ids[i];
		add_ok(router, &routes[i]);
	}
	ck_assert_uint_eq(router_count(router), COUNT);
	for (int i = 0; i < COUNT; i += 37) {
		char path[48];

		snprintf(path, sizeof(path), "/r%d/v%d", i, i);
		ck_assert_int_eq(router_find(router, ERP_GET, path, &match), ROUTER_FOUND);
		ck_assert_ptr_eq(match.route, &routes[i]);
		ck_assert_uint_eq(match.route_index, (size_t)i);
	}
	router_free(router);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/router");
	TCase *methods = tcase_create("methods");
	TCase *matching = tcase_create("matching");
	TCase *not_allowed = tcase_create("not_allowed");
	TCase *registration = tcase_create("registration");

	tcase_add_test(methods, test_method_names_round_trip);
	suite_add_tcase(suite, methods);

	tcase_add_test(matching, test_literal_route_found);
	tcase_add_test(matching, test_root_pattern_matches_only_root);
	tcase_add_test(matching, test_parameters_are_named_and_point_into_the_path);
	tcase_add_test(matching, test_eight_parameters_all_reported);
	tcase_add_test(matching, test_matching_is_case_sensitive);
	tcase_add_loop_test(matching, test_literal_beats_parameter_in_either_order, 0, 2);
	tcase_add_test(matching, test_more_literal_segments_win);
	tcase_add_test(matching, test_unknown_paths_not_found);
	tcase_add_test(matching, test_empty_router_finds_nothing);
	tcase_add_test(matching, test_trailing_and_double_slashes_do_not_match);
	tcase_add_test(matching, test_too_many_path_segments_not_found);
	suite_add_tcase(suite, matching);

	tcase_add_test(not_allowed, test_wrong_method_is_405_with_allowed_mask);
	tcase_add_test(not_allowed, test_allowed_mask_includes_methods_of_less_specific_patterns);
	tcase_add_test(not_allowed, test_head_matches_get_routes);
	tcase_add_test(not_allowed, test_format_allow);
	suite_add_tcase(suite, not_allowed);

	tcase_add_test(registration, test_public_authenticated_and_named_permissions_accepted);
	tcase_add_test(registration, test_route_without_permission_refused);
	tcase_add_test(registration, test_route_without_declared_answer_refused);
	tcase_add_test(registration, test_route_without_handler_or_with_bad_method_refused);
	tcase_add_test(registration, test_malformed_patterns_refused);
	tcase_add_test(registration, test_longest_parameter_name_accepted);
	tcase_add_test(registration, test_duplicate_route_refused);
	tcase_add_test(registration, test_patterns_differing_only_by_parameter_names_refused);
	tcase_add_test(registration, test_operation_ids_are_camel_case_and_unique);
	tcase_add_test(registration, test_route_problems_refused_when_invalid);
	tcase_add_test(registration, test_error_message_fits_small_buffer);
	tcase_add_test(registration, test_many_routes_grow_the_table);
	suite_add_tcase(suite, registration);
	return suite;
}

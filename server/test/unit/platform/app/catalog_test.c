/* The permission catalog's checks on code (server/src/platform/app/catalog.c). */
#include <check.h>
#include <string.h>

#include "platform/app/catalog.h"
#include "test/support/check_main.h"

static int handler(struct erp_request *req)
{
	(void)req;
	return 0;
}

static const struct erp_permission good_permissions[] = {
	{ "shop.order.read", "Read orders." },
	{ "shop.order.approve", "Approve orders." },
};
static const struct erp_sod_rule good_rules[] = {
	{ "shop.order.read", "shop.order.approve", "only an example" },
};
static const struct erp_route good_routes[] = {
	{ ERP_GET, "/orders", "shop.order.read", handler, .summary = "List." },
	{ ERP_GET, "/health", ERP_PUBLIC, handler, .summary = "Public." },
};

static struct erp_module module(const struct erp_permission *p, size_t np,
				const struct erp_sod_rule *r, size_t nr,
				const struct erp_route *routes, size_t nroutes)
{
	return (struct erp_module){ .name = "shop", .permissions = p, .permission_count = np,
				    .sod_rules = r, .sod_rule_count = nr, .routes = routes,
				    .route_count = nroutes };
}

static int check(const struct erp_module *m, char *err)
{
	const struct erp_module *const modules[] = { m };

	return catalog_check_code(modules, 1, err, 256);
}

START_TEST(a_consistent_catalog_passes)
{
	struct erp_module m = module(good_permissions, 2, good_rules, 1, good_routes, 2);
	char err[256] = "";

	ck_assert_int_eq(check(&m, err), 0);
}
END_TEST

START_TEST(each_mistake_is_named)
{
	static const struct erp_permission latin1[] = { { "shop.order.read", "Bestellungen \xfc" } };
	static const struct erp_permission foreign[] = { { "other.order.read", "Wrong prefix." } };
	static const struct erp_permission upper[] = { { "shop.Order.read", "Upper case." } };
	static const struct erp_permission twice[] = { { "shop.order.read", "A." },
						       { "shop.order.read", "B." } };
	static const struct erp_permission bare[] = { { "shop.order.read", "" } };
	static const struct erp_sod_rule unknown_pair[] = { { "shop.order.read", "shop.order.pay", "x" } };
	static const struct erp_route undeclared[] = {
		{ ERP_GET, "/pay", "shop.order.pay", handler, .summary = "Pay." },
	};
	struct {
		struct erp_module m;
		const char *expect;
	} cases[] = {
		{ module(latin1, 1, NULL, 0, NULL, 0), "UTF-8" },
		{ module(foreign, 1, NULL, 0, NULL, 0), "other.order.read" },
		{ module(upper, 1, NULL, 0, NULL, 0), "shop.Order.read" },
		{ module(twice, 2, NULL, 0, NULL, 0), "declared twice" },
		{ module(bare, 1, NULL, 0, NULL, 0), "no description" },
		{ module(good_permissions, 2, unknown_pair, 1, NULL, 0), "shop.order.pay" },
		{ module(good_permissions, 2, NULL, 0, undeclared, 1), "shop.order.pay" },
	};

	static const char *const not_ours[] = { "other.order.pay" };
	static const char *const ours[] = { "shop.order.approve" };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";

		ck_assert_int_eq(check(&cases[i].m, err), -1);
		ck_assert_msg(strstr(err, cases[i].expect), "case %zu: %s", i, err);
	}
	/* A module calls only its own permissions privileged. */
	{
		struct erp_module m = module(good_permissions, 2, NULL, 0, NULL, 0);
		char err[256] = "";

		m.privileged = not_ours;
		m.privileged_count = 1;
		ck_assert_int_eq(check(&m, err), -1);
		ck_assert_ptr_nonnull(strstr(err, "other.order.pay"));
		m.privileged = ours;
		ck_assert_int_eq(check(&m, err), 0);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("platform/catalog");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, a_consistent_catalog_passes);
	tcase_add_test(tc, each_mistake_is_named);
	suite_add_tcase(s, tc);
	return s;
}

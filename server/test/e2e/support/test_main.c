/*
 * The composition root of the test build (erp-server-test): the modules of
 * this build (platform/app/app.h: the same list as server/src/main.c) plus the
 * test module, per-request allocation-failure injection (fault.h), the
 * check of every 2xx answer against its route's declared response
 * (response_check.h) and the handler's round trips to the database as a
 * header (round_trips.h).
 */
#include "common/alloc.h"
#include "platform/app/app.h"
#include "platform/http/server.h"
#include "test/e2e/support/fault.h"
#include "test/e2e/support/response_check.h"
#include "test/e2e/support/round_trips.h"
#include "test/e2e/support/test_module.h"

static void answered(struct erp_request *req)
{
	test_response_check(req);
	test_round_trips_show(req);
}

static const struct erp_request_observer observer = {
	.begin = test_fault_begin,
	.answered = answered,
	.end = test_fault_end,
};

static int compose(struct erp_server *server)
{
	server->observer = &observer;
	return 0;
}

int main(int argc, char **argv)
{
	const struct erp_module **modules = erp_xcalloc(erp_module_list_count + 1, sizeof(*modules));
	struct erp_app app = { .modules = modules, .compose = compose };
	int rc;

	for (size_t i = 0; i < erp_module_list_count; i++)
		modules[app.module_count++] = erp_module_list[i];
	modules[app.module_count++] = &test_module;
	rc = app_main(argc, argv, &app);
	erp_free(modules);
	return rc;
}

/*
 * The composition root of the test build (erp-server-test): the same
 * modules as server/src/main.c plus the test module, per-request
 * allocation-failure injection (fault.h) and the check of every 2xx answer
 * against its route's declared response (response_check.h).
 */
#include "modules/iam/iam.h"
#include "modules/ledger/ledger.h"
#include "platform/app.h"
#include "platform/server.h"
#include "test/e2e/support/fault.h"
#include "test/e2e/support/response_check.h"
#include "test/e2e/support/test_module.h"

static const struct erp_module *const modules[] = {
	&iam_module,
	&ledger_module,
	&test_module,
};

static const struct erp_request_observer observer = {
	.begin = test_fault_begin,
	.answered = test_response_check,
	.end = test_fault_end,
};

static int compose(struct erp_server *server)
{
	if (iam_install(server))
		return -1;
	server->observer = &observer;
	return 0;
}

static const struct erp_app app = {
	.modules = modules,
	.module_count = ERP_COUNT(modules),
	.compose = compose,
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, &app);
}

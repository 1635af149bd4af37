/*
 * The composition root of erp-server: the modules it mounts and the wiring
 * between them and the platform. Nothing else lives here.
 */
#include "modules/iam/iam.h"
#include "modules/ledger/ledger.h"
#include "platform/app.h"

static const struct erp_module *const modules[] = {
	&iam_module,
	&ledger_module,
};

static int compose(struct erp_server *server)
{
	return iam_install(server);
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

/*
 * The composition root of erp-server: the list of modules it mounts and
 * the wiring between them and the platform. Nothing else lives here.
 */
#include "platform/app.h"

static const struct erp_module *const modules[] = {
	/* Business modules are mounted here as they arrive (iam, ledger, ...). */
	NULL,
};

static const struct erp_app app = {
	.modules = modules,
	.module_count = 0,
	.compose = NULL,
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, &app);
}

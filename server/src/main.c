/*
 * The composition root of erp-server: the modules of this build (the list
 * the build writes from the folders under server/src/modules/, platform/app/app.h)
 * and nothing else. Each module wires itself through its descriptor's init.
 */
#include "platform/app/app.h"

int main(int argc, char **argv)
{
	const struct erp_app app = {
		.modules = erp_module_list,
		.module_count = erp_module_list_count,
	};

	return app_main(argc, argv, &app);
}

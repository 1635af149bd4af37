#ifndef ERP_PLATFORM_APP_H
#define ERP_PLATFORM_APP_H

#include <stddef.h>

#include "platform/route.h"

struct erp_server;

/*
 * What a composition root (main.c) hands the platform: the modules to mount
 * and a hook that wires them to the platform (authentication, readiness).
 */
struct erp_app {
	const struct erp_module *const *modules;
	size_t module_count;
	/* Called after the server is built and before it listens; 0 or -1. May be NULL. */
	int (*compose)(struct erp_server *server);
};

/*
 * The erp-server command line: `serve`, `migrate [--status]`,
 * `audit verify-scripts [--head ID:HEX]`, `audit verify-events`, `--help`,
 * `--version`. Returns the process exit status (sysexits.h codes).
 */
int app_main(int argc, char **argv, const struct erp_app *app);

#endif

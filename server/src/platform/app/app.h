#ifndef ERP_PLATFORM_APP_H
#define ERP_PLATFORM_APP_H

#include <stddef.h>

#include "platform/http/route.h"

struct erp_server;

/*
 * The modules of this build: one per folder under server/src/modules/, in
 * the order of their names, each the <name>_module its public header
 * modules/<name>/<name>.h declares. The build writes the list
 * ($(BUILD)/gen/module_list.c, by tools/module-list), so adding a module
 * folder edits no composition root; erp-server, erp-server-test and the fuzz
 * targets all mount it. The array ends with NULL after its count entries.
 */
extern const struct erp_module *const erp_module_list[];
extern const size_t erp_module_list_count;

/*
 * What a composition root (main.c) hands the platform: the modules to mount
 * (in any order: they start in the order their depends_on gives,
 * platform/app/module_order.h) and a hook for what only that root wires.
 */
struct erp_app {
	const struct erp_module *const *modules;
	size_t module_count;
	/* Called after the server is built and before it listens; 0 or -1. May be NULL. */
	int (*compose)(struct erp_server *server);
};

/*
 * The erp-server command line: `serve`, `migrate [--status]`,
 * `audit verify-scripts [--head ID:HEX]`, `audit verify-events`, `audit <command>`
 * of a module's verifiers (erp_module.verifiers: `audit verify-ledger`), `--help`,
 * `--version`. Refuses to serve or migrate (78, with a message) when the
 * modules' dependencies name a module that is missing or form a cycle.
 * Returns the process exit status (sysexits.h codes).
 */
int app_main(int argc, char **argv, const struct erp_app *app);

#endif

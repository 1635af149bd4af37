#ifndef ERP_TEST_FUZZ_MODULES_H
#define ERP_TEST_FUZZ_MODULES_H

#include <stddef.h>

#include "platform/http/route.h"

/*
 * The modules whose routes the fuzz targets cover, in the order the server
 * registers them (server_init(): the platform's ops module first, then the
 * modules in start order): the build's module list, the one erp-server
 * mounts (platform/app/app.h), plus the test build's test module, whose echo
 * body has the nested objects, arrays, dates, decimals and enums the other
 * schemas do not. Returns the array; its length in *count. The array is made
 * on the first call and lives for the whole program; a module list that
 * cannot be ordered (platform/app/module_order.h) ends the program with a message.
 */
const struct erp_module *const *fuzz_modules(size_t *count);

/*
 * The routes that take a JSON body, across fuzz_modules() in order (a body
 * input names its route; only inputs that name none pick one by index). At
 * most max routes are written to out; returns how many there are in total.
 */
size_t fuzz_body_routes(const struct erp_route **out, size_t max);

#endif

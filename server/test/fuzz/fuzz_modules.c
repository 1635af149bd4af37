/*
 * The modules every fuzz target walks: the platform's own, then the build's
 * module list (platform/app/app.h, the one erp-server mounts) with the test
 * module, in the order the server starts them (platform/app/module_order.h).
 * Nothing here names a business module: a new module folder is covered
 * without an edit.
 */
#include "test/fuzz/fuzz_modules.h"

#include <stdio.h>
#include <stdlib.h>

#include "platform/app/app.h"
#include "platform/app/module_order.h"
#include "platform/ops/ops.h"
#include "test/e2e/support/test_module.h"

const struct erp_module *const *fuzz_modules(size_t *count)
{
	static const struct erp_module **modules;
	static size_t module_count;

	if (!modules) {
		size_t given = erp_module_list_count + 1;
		const struct erp_module **list = calloc(given, sizeof(*list));
		char err[256];

		modules = calloc(given + 1, sizeof(*modules));
		if (!list || !modules) {
			fprintf(stderr, "fuzz_modules: out of memory\n");
			exit(1);
		}
		for (size_t i = 0; i < erp_module_list_count; i++)
			list[i] = erp_module_list[i];
		list[erp_module_list_count] = &test_module;
		modules[0] = &ops_module;
		if (module_order(list, given, modules + 1, err, sizeof(err))) {
			fprintf(stderr, "fuzz_modules: %s\n", err);
			exit(1);
		}
		free(list);
		module_count = given + 1;
	}
	*count = module_count;
	return modules;
}

size_t fuzz_body_routes(const struct erp_route **out, size_t max)
{
	size_t count, total = 0;
	const struct erp_module *const *modules = fuzz_modules(&count);

	for (size_t m = 0; m < count; m++) {
		for (size_t r = 0; r < modules[m]->route_count; r++) {
			const struct erp_route *route = &modules[m]->routes[r];

			if (!route->body)
				continue;
			if (total < max)
				out[total] = route;
			total++;
		}
	}
	return total;
}

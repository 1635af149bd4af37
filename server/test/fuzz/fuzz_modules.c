/*
 * The one list of modules every fuzz target walks. Seeds of the body target
 * name their route (method and pattern), so the order here moves none.
 */
#include "test/fuzz/fuzz_modules.h"

#include "modules/iam/iam.h"
#include "modules/ledger/ledger.h"
#include "platform/ops.h"
#include "test/e2e/support/test_module.h"

static const struct erp_module *const modules[] = {
	&ops_module,
	&iam_module,
	&test_module,
	&ledger_module,
};

const struct erp_module *const *fuzz_modules(size_t *count)
{
	*count = ERP_COUNT(modules);
	return modules;
}

size_t fuzz_body_routes(const struct erp_route **out, size_t max)
{
	size_t total = 0;

	for (size_t m = 0; m < ERP_COUNT(modules); m++) {
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

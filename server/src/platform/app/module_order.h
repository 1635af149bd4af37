#ifndef ERP_PLATFORM_MODULE_ORDER_H
#define ERP_PLATFORM_MODULE_ORDER_H

#include <stddef.h>

#include "platform/http/route.h"

/*
 * The order modules start in: each after the modules it depends on
 * (erp_module.depends_on), otherwise in the order given. The build lists the
 * modules (platform/app/app.h: erp_module_list); the descriptors say what needs
 * what, and start-up checks it here.
 */

/*
 * Writes the count modules into out (room for count), ordered so that every
 * module comes after its dependencies. Returns 0, or -1 with a sentence in
 * err naming the module when two modules share a name, a module has no
 * name, depends on itself or on a name no module has, or the dependencies
 * form a cycle (named in order: "a -> b -> a").
 */
int module_order(const struct erp_module *const *modules, size_t count,
		 const struct erp_module **out, char *err, size_t err_size);

#endif

#ifndef ERP_MODULES_PARTNERS_H
#define ERP_MODULES_PARTNERS_H

#include "platform/http/route.h"

/*
 * Partners: what this module keeps and why a company needs it (one paragraph).
 *
 * This header is the module's public face: the only file of it another
 * module may include. Declare here what others may call (as the ledger's
 * ledger.h declares ledger_post_entry()); keep everything else in
 * internal.h.
 */

/* The module descriptor, its manifest (module.c): routes, permissions, dependencies. */
extern const struct erp_module partners_module;

#endif

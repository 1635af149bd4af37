#ifndef ERP_MODULES_SALES_H
#define ERP_MODULES_SALES_H

#include "platform/http/route.h"

/*
 * Sales: the documents by which money a company earns enters its books.
 * Tax codes (a rate and the accounts its tax posts to; purchasing will read
 * them too), sales invoices (drafts that are written freely, then posted:
 * numbered gaplessly per company and fiscal year, with their ledger entry
 * through ledger.h in the same transaction, and immutable from then on),
 * and the receivables' open items a posted document leaves with its
 * customer. Credit notes, customer payments, allocations and the
 * receivables reports come next, on the same tables.
 *
 * This header is the module's public face: the only file of it another
 * module may include.
 */

/* The module descriptor, its manifest (module.c): routes, permissions, dependencies. */
extern const struct erp_module sales_module;

#endif

#ifndef ERP_MODULES_PARTNERS_INTERNAL_H
#define ERP_MODULES_PARTNERS_INTERNAL_H

/*
 * What the module's own files share, and nothing outside the module sees:
 * the handlers the manifest routes to, the use cases they call and the
 * statements of store.c.
 */
#include <stdbool.h>

#include "modules/partners/partners.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/http/resource.h"
#include "shared-kernel/errors.h"

/* --- use cases (items.c): rules without HTTP ------------------------------------------------- */

enum { PARTNERS_CODE_MAX = 20 };

/* The list's filters as the store takes them, from a validated query. */
struct partners_items_filter {
	const char *company_id; /* the company's id (canonical UUID text) */
	const char *prefix;     /* only codes starting with it; NULL: all */
	const char *active;     /* "true", "false" or NULL: both */
};

/* Fills *out from the query object the route's schema validated; false when a filter is unusable. */
bool partners_items_filter_from(json_t *query, const char *company_id,
				 struct partners_items_filter *out);

/* --- store (store.c): every SQL statement of the module ----------------------------------------- */

extern const struct db_statement partners_sql_items_list;

/* --- handlers (http_items.c): decode, call, render ----------------------------------------------- */

int partners_items_list(struct erp_request *req);

#endif

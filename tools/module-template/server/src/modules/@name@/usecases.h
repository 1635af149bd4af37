#ifndef ERP_MODULES_@NAME@_USECASES_H
#define ERP_MODULES_@NAME@_USECASES_H

/*
 * @Name@'s use cases (module-internal; internal.h includes it): what the
 * HTTP handlers call, and what another module, an importer or a job would
 * call. Each takes a struct erp_ctx (shared-kernel/usecase.h: connection,
 * arena, actor, company scope, request id, refusal) and typed input, owns
 * its transaction, and returns 0 (its result in ctx->arena), a refusal's
 * code (ctx->refusal filled: a domain code, a sentence, the fields
 * concerned; never an HTTP status) or a failure's (database, memory;
 * ctx->refusal empty). The _check functions are the rules that need no
 * database, unit-tested on their own (server/test/unit/modules/@name@/).
 */
#include <jansson.h>
#include <stdbool.h>

#include "shared-kernel/usecase.h"

enum { @NAME@_CODE_MAX = 20, @NAME@_NAME_MAX = 200 };

/* --- items (items.c) ----------------------------------------------------------------------- */

struct @name@_item_input {
	const char *code;           /* unique in the company */
	const char *name;
};

/* The rules on a new item that need no database, every field at once. 0 or ERP_ERR_INVALID. */
int @name@_item_check(struct erp_refusal *refusal, const struct @name@_item_input *in);

/*
 * Creates an item in ctx->company (required: ERP_ERR_NOT_FOUND without),
 * audited and told as the domain event @name@.item.created in the same
 * transaction. *item: the item as clients see it (arena-owned JSON).
 * Refuses ERP_ERR_CONFLICT when the company has an item with this code.
 */
int @name@_item_create(struct erp_ctx *ctx, const struct @name@_item_input *in, json_t **item);

/* *item: the item code of ctx->company as clients see it; ERP_ERR_NOT_FOUND when it has none. */
int @name@_item_read(struct erp_ctx *ctx, const char *code, json_t **item);

/* The list's filters as the store takes them, from a validated query. */
struct @name@_items_filter {
	const char *company_id; /* the company's id (canonical UUID text) */
	const char *prefix;     /* only codes starting with it; NULL: all */
	const char *active;     /* "true", "false" or NULL: both */
};

/* Fills *out from the query object the route's schema validated; false when a filter is unusable. */
bool @name@_items_filter_from(json_t *query, const char *company_id,
				 struct @name@_items_filter *out);

#endif

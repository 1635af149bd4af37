#ifndef ERP_MODULES_PARTNERS_INTERNAL_H
#define ERP_MODULES_PARTNERS_INTERNAL_H

/*
 * What the module's own files share, and nothing outside the module sees:
 * the use cases (usecases.h), the statements (store.h), how a use case
 * runs, the accounts' lookups, and the handlers the manifest routes to.
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "modules/partners/partners.h"
#include "modules/partners/store.h"
#include "modules/partners/usecases.h"
#include "platform/db/db.h"
#include "platform/db/db_json.h"
#include "platform/db/usecase.h"
#include "platform/http/http.h"
#include "platform/http/resource.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/usecase.h"

/* --- running use cases ------------------------------------------------------------------- */

/* Each use case runs in db_usecase_transaction() (platform/db/usecase.h). */

/*
 * Compact JSON text of value (sorted keys) in arena, for a jsonb parameter;
 * *out NULL when value is NULL. 0 or ERP_ERR_NO_MEMORY.
 */
int partners_json_text(struct arena *arena, json_t *value, const char **out);


/* --- the ledger's accounts, through its directory (accounts.c) ----------------------------- */

/* Reads what the directory has of an account from a partners_sql_account result. */
void partners_account_from(const PGresult *res, struct partners_account *out);

/*
 * The company's default account for side from a partners_sql_defaults
 * result: *has_default false when none is set; else *out as the directory
 * has it now.
 */
void partners_default_from(const PGresult *res, enum partners_side side, bool *has_default,
			   struct partners_account *out);

/*
 * Handlers build their use case's context with http_usecase_ctx(), answer a
 * failure with http_respond_failure() and an entity with etag_respond_entity()
 * (platform/http).
 */

/* --- handlers (http_partners.c, http_settings.c): decode, call the use case, render --------- */

int partners_http_list(struct erp_request *req);
int partners_http_create(struct erp_request *req);
int partners_http_get(struct erp_request *req);
int partners_http_update(struct erp_request *req);
int partners_http_deactivate(struct erp_request *req);
int partners_http_reactivate(struct erp_request *req);
int partners_http_settings_get(struct erp_request *req);
int partners_http_settings_update(struct erp_request *req);

#endif

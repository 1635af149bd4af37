#ifndef ERP_PLATFORM_AUTH_H
#define ERP_PLATFORM_AUTH_H

/*
 * The seam between the platform and whoever knows users: the platform calls
 * these hooks in its middleware chain, the IAM module fills them in (through
 * main.c). With no hooks installed every non-public route answers 401: deny
 * by default.
 */
#include "shared-kernel/company_scope.h"

struct erp_request;

struct erp_auth_hooks {
	void *ctx;
	/*
	 * Resolves a bearer token; on success sets req->principal and
	 * req->user_id and returns 0. ERP_ERR_UNAUTHORIZED for a bad token,
	 * ERP_ERR_UNAVAILABLE when the database is away.
	 */
	int (*authenticate)(void *ctx, struct erp_request *req, const char *token);
	/*
	 * Whether the authenticated principal holds permission, in company
	 * (the {company} path parameter) or globally when company is NULL.
	 * 0 allowed, ERP_ERR_FORBIDDEN, ERP_ERR_NOT_FOUND (no such company
	 * for this user), ERP_ERR_UNAVAILABLE.
	 */
	int (*authorize)(void *ctx, struct erp_request *req, const char *permission,
			 const char *company);
	/*
	 * The company whose code is company (the {company} path parameter):
	 * id, code and currency, written into out. The pipeline asks once per
	 * request, after the permission check, and hands the scope to the
	 * handler as req->company, so no module reads the company again.
	 * 0, ERP_ERR_NOT_FOUND, or a database error.
	 */
	int (*company_scope)(void *ctx, struct erp_request *req, const char *company,
			     struct erp_company_scope *out);
};

#endif

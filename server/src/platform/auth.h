#ifndef ERP_PLATFORM_AUTH_H
#define ERP_PLATFORM_AUTH_H

/*
 * The seam between the platform and whoever knows users: the platform calls
 * these hooks in its middleware chain, the IAM module fills them in (through
 * main.c). With no hooks installed every non-public route answers 401: deny
 * by default.
 */
#include "shared-kernel/uuid.h"

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
	 * The id of the company whose code is company, written into id as
	 * canonical UUID text: for the platform's own company-scoped routes
	 * (its event streams), which cannot read the owner's table.
	 * 0, ERP_ERR_NOT_FOUND, or a database error.
	 */
	int (*company_id)(void *ctx, struct erp_request *req, const char *company,
			  char id[ERP_UUID_TEXT_LEN + 1]);
};

#endif

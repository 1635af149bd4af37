#ifndef ERP_MODULES_IAM_H
#define ERP_MODULES_IAM_H

#include "platform/route.h"

struct erp_server;

/*
 * Identity and access management: companies, users, roles, role
 * assignments, sessions, the permission model (effective permissions, segregation
 * of duties) and the audit trail's read side. Other modules see only this.
 */

/* The module descriptor: routes, the iam.* permission catalog, SoD pairs. */
extern const struct erp_module iam_module;

/*
 * Plugs IAM into the platform: the authentication and permission hooks and
 * IAM's readiness check. Called by the composition root after server_init().
 * 0, or -1 when out of memory.
 */
int iam_install(struct erp_server *server);

#endif

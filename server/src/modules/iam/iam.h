#ifndef ERP_MODULES_IAM_H
#define ERP_MODULES_IAM_H

#include "platform/http/route.h"

/*
 * Identity and access management: companies, users, roles, role
 * assignments, sessions, the permission model (effective permissions, segregation
 * of duties) and the audit trail's read side. Other modules see only this.
 */

/*
 * The module descriptor: routes, the iam.* permission catalog, SoD pairs, and
 * its init, which plugs IAM into the platform as the authentication and
 * permission hooks.
 */
extern const struct erp_module iam_module;

#endif

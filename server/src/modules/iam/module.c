/*
 * The IAM module descriptor (ARCHITECTURE.md §3): its permission catalog,
 * its segregation-of-duties pairs and its route table.
 */
#include "modules/iam/internal.h"
#include "platform/server.h"

static const struct erp_permission permissions[] = {
	{ "iam.user.read", "List and read users." },
	{ "iam.user.manage", "Create, update, deactivate and reactivate users." },
	{ "iam.role.read", "List and read roles and their permissions." },
	{ "iam.role.manage", "Create roles, change their permissions, delete unassigned roles." },
	{ "iam.assignment.read", "List users' role assignments." },
	{ "iam.assignment.manage", "Grant and revoke role assignments." },
	{ "iam.company.read", "List and read companies." },
	{ "iam.company.manage", "Create and update companies." },
	{ "iam.permission.read", "Read the permission catalog." },
	{ "iam.audit.read", "Read the audit trail." },
	{ "iam.sod.override",
	  "Grant a role despite a segregation-of-duties conflict, with a recorded reason." },
};

static const struct erp_sod_rule sod_rules[] = {
	{ "iam.audit.read", "iam.user.manage",
	  "who administers user accounts does not review the audit of that administration" },
};

const struct erp_module iam_module = {
	.name = "iam",
	.description = "Identity, roles and permissions",
	.permissions = permissions,
	.permission_count = ERP_COUNT(permissions),
	.sod_rules = sod_rules,
	.sod_rule_count = ERP_COUNT(sod_rules),
};

int iam_install(struct erp_server *server)
{
	(void)server;
	return 0;
}

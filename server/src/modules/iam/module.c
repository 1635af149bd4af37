/*
 * The IAM module descriptor (ARCHITECTURE.md §3): its permission catalog,
 * its segregation-of-duties pairs and its route table.
 */
#include "modules/iam/internal.h"
#include "platform/schema.h"
#include "platform/server.h"

/* --- request and response shapes ------------------------------------------------------ */

#define RO(field_name, field_type, field_format)                                            \
	{ .name = field_name, .type = field_type, .flags = SCHEMA_READ_ONLY,                \
	  .format = field_format }

static const struct schema_field login_fields[] = {
	{ .name = "email", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 3, .max = 254,
	  .format = SCHEMA_FORMAT_EMAIL },
	{ .name = "password", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = IAM_PASSWORD_MAX, .format = SCHEMA_FORMAT_PASSWORD },
};
static SCHEMA_OBJECT_DEFINE(login_schema, "Login", login_fields, "Credentials.");

static const struct schema_field user_fields[] = {
	RO("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	RO("email", SCHEMA_STRING, SCHEMA_FORMAT_EMAIL),
	RO("display_name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	RO("active", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	RO("must_change_password", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	RO("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	RO("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	RO("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(user_schema, "User", user_fields, "A user (ETag: its version).");

static const struct schema_field session_fields[] = {
	RO("token", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	RO("expires_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	{ .name = "user", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY, .object = &user_schema },
};
static SCHEMA_OBJECT_DEFINE(session_schema, "Session", session_fields,
			    "A bearer token for Authorization: Bearer <token>.");

static const struct schema_field password_fields[] = {
	{ .name = "current_password", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = IAM_PASSWORD_MAX, .format = SCHEMA_FORMAT_PASSWORD },
	{ .name = "new_password", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED,
	  .min = IAM_PASSWORD_MIN, .max = IAM_PASSWORD_MAX, .format = SCHEMA_FORMAT_PASSWORD },
};
static SCHEMA_OBJECT_DEFINE(password_schema, "PasswordChange", password_fields,
			    "Ends every other session of the user.");

static const struct schema_field user_create_fields[] = {
	{ .name = "email", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 3, .max = 254,
	  .format = SCHEMA_FORMAT_EMAIL },
	{ .name = "display_name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 200 },
	{ .name = "password", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = IAM_PASSWORD_MIN,
	  .max = IAM_PASSWORD_MAX, .format = SCHEMA_FORMAT_PASSWORD,
	  .description = "one-time: the user must choose their own at first login" },
};
static SCHEMA_OBJECT_DEFINE(user_create_schema, "UserCreate", user_create_fields, NULL);

static const struct schema_field user_update_fields[] = {
	{ .name = "email", .type = SCHEMA_STRING, .min = 3, .max = 254, .format = SCHEMA_FORMAT_EMAIL },
	{ .name = "display_name", .type = SCHEMA_STRING, .min = 1, .max = 200 },
};
static SCHEMA_OBJECT_DEFINE(user_update_schema, "UserUpdate", user_update_fields,
			    "Send If-Match with the user's ETag.");

static const struct schema_field permission_item = { .name = "permission", .type = SCHEMA_STRING,
						     .min = 3, .max = 100 };

static const struct schema_field role_create_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 64,
	  .format = SCHEMA_FORMAT_CODE, .description = "lower-case: [a-z][a-z0-9_-]*" },
	{ .name = "description", .type = SCHEMA_STRING, .max = 500 },
	{ .name = "permissions", .type = SCHEMA_ARRAY, .max = 500, .items = &permission_item,
	  .description = "the role's permissions (never iam.sod.override); or give copy_of" },
	{ .name = "copy_of", .type = SCHEMA_STRING, .min = 1, .max = 64,
	  .description = "a role (e.g. a read-only system role) whose permissions and description"
			 " the new role starts with" },
};
static SCHEMA_OBJECT_DEFINE(role_create_schema, "RoleCreate", role_create_fields,
			    "Exactly one of permissions and copy_of.");

static const struct schema_field role_update_fields[] = {
	{ .name = "description", .type = SCHEMA_STRING, .max = 500 },
	{ .name = "permissions", .type = SCHEMA_ARRAY, .max = 500, .items = &permission_item },
};
static SCHEMA_OBJECT_DEFINE(role_update_schema, "RoleUpdate", role_update_fields,
			    "Send If-Match with the role's ETag. System roles are read-only; a"
			    " privileged permission is not added to a role someone holds.");

static const struct schema_field grant_fields[] = {
	{ .name = "role", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 64 },
	{ .name = "company", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED | SCHEMA_NULLABLE,
	  .min = 1, .max = 20, .description = "company code, or null for a global grant" },
	{ .name = "reason", .type = SCHEMA_STRING, .max = 500,
	  .description = "why; required with override" },
	{ .name = "override", .type = SCHEMA_BOOLEAN,
	  .description = "ask a second administrator holding iam.sod.override to accept the"
			 " segregation-of-duties conflicts this grant creates (exactly those pairs,"
			 " in that scope); needs iam.sod.override and a reason" },
};
static SCHEMA_OBJECT_DEFINE(grant_schema, "RoleGrant", grant_fields,
			    "201: granted. 202: a privileged grant (or an override) waits in"
			    " /api/v1/role-grant-requests for a second administrator.");

static const char *const grant_request_statuses[] = { "pending", "approved", "rejected",
						       "withdrawn", NULL };

static const struct schema_field grant_request_query_fields[] = {
	{ .name = "limit", .type = SCHEMA_INTEGER, .min = 1, .max = 200 },
	{ .name = "cursor", .type = SCHEMA_STRING, .min = 1, .max = 1400 },
	{ .name = "status", .type = SCHEMA_STRING, .max = 10, .enum_values = grant_request_statuses },
	{ .name = "user", .type = SCHEMA_STRING, .max = 36, .format = SCHEMA_FORMAT_UUID },
};
static SCHEMA_OBJECT_DEFINE(grant_request_query, NULL, grant_request_query_fields, NULL);

static const struct schema_field company_create_fields[] = {
	{ .name = "code", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 20,
	  .format = SCHEMA_FORMAT_CODE, .description = "upper-case: [A-Z0-9][A-Z0-9_-]*" },
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 200 },
	{ .name = "currency", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 3, .max = 3,
	  .description = "functional currency, ISO 4217" },
};
static SCHEMA_OBJECT_DEFINE(company_create_schema, "CompanyCreate", company_create_fields, NULL);

static const struct schema_field company_update_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .min = 1, .max = 200 },
	{ .name = "currency", .type = SCHEMA_STRING, .min = 3, .max = 3 },
};
static SCHEMA_OBJECT_DEFINE(company_update_schema, "CompanyUpdate", company_update_fields,
			    "Send If-Match with the company's ETag.");

#define PAGING_FIELDS                                                                        \
	{ .name = "limit", .type = SCHEMA_INTEGER, .min = 1, .max = 200 },                    \
	{ .name = "cursor", .type = SCHEMA_STRING, .min = 1, .max = 1400 }

static const struct schema_field paging_fields[] = { PAGING_FIELDS };
static SCHEMA_OBJECT_DEFINE(paging_query, NULL, paging_fields, NULL);

static const struct schema_field user_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "active", .type = SCHEMA_BOOLEAN },
	{ .name = "email", .type = SCHEMA_STRING, .min = 1, .max = 254,
	  .description = "email prefix" },
};
static SCHEMA_OBJECT_DEFINE(user_query, NULL, user_query_fields, NULL);

static const struct schema_field audit_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "company", .type = SCHEMA_STRING, .min = 1, .max = 20 },
	{ .name = "actor", .type = SCHEMA_STRING, .max = 36, .format = SCHEMA_FORMAT_UUID },
	{ .name = "entity", .type = SCHEMA_STRING, .min = 1, .max = 64 },
	{ .name = "entity_id", .type = SCHEMA_STRING, .min = 1, .max = 64 },
	{ .name = "action", .type = SCHEMA_STRING, .min = 1, .max = 100 },
	{ .name = "from", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE },
	{ .name = "to", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE },
};
static SCHEMA_OBJECT_DEFINE(audit_query, NULL, audit_query_fields, NULL);

/* --- routes --------------------------------------------------------------------------------- */

static const struct erp_route routes[] = {
	{ ERP_POST, "/api/v1/auth/login", ERP_PUBLIC, iam_login, "Log in: a bearer token.",
	  .body = &login_schema, .response = &session_schema },
	{ ERP_POST, "/api/v1/auth/logout", ERP_AUTHENTICATED, iam_logout, "End this session.",
	  .success_status = 204 },
	{ ERP_GET, "/api/v1/me", ERP_AUTHENTICATED, iam_me,
	  "The caller, their companies and effective permissions per company.", .success_status = 200 },
	{ ERP_POST, "/api/v1/me/password", ERP_AUTHENTICATED, iam_change_password,
	  "Change the caller's password; other sessions end.", .body = &password_schema,
	  .success_status = 204 },

	{ ERP_GET, "/api/v1/users", "iam.user.read", iam_users_list, "List users.",
	  .query = &user_query },
	{ ERP_POST, "/api/v1/users", "iam.user.manage", iam_users_create, "Create a user.",
	  .body = &user_create_schema, .response = &user_schema, .success_status = 201 },
	{ ERP_GET, "/api/v1/users/{id}", "iam.user.read", iam_users_get, "Read a user.",
	  .response = &user_schema },
	{ ERP_PATCH, "/api/v1/users/{id}", "iam.user.manage", iam_users_update,
	  "Change a user's email or display name.", .body = &user_update_schema,
	  .response = &user_schema },
	{ ERP_POST, "/api/v1/users/{id}/deactivate", "iam.user.manage", iam_users_deactivate,
	  "Deactivate a user; their sessions end.", .response = &user_schema },
	{ ERP_POST, "/api/v1/users/{id}/reactivate", "iam.user.manage", iam_users_reactivate,
	  "Reactivate a user.", .response = &user_schema },
	{ ERP_GET, "/api/v1/users/{id}/role-assignments", "iam.assignment.read",
	  iam_assignments_list, "A user's role assignments.", .success_status = 200 },
	{ ERP_POST, "/api/v1/users/{id}/role-assignments", "iam.assignment.manage",
	  iam_assignments_grant,
	  "Grant a role to another user, in a company or globally; a privileged grant or an"
	  " override waits for a second administrator (202).",
	  .body = &grant_schema, .success_status = 201 },
	{ ERP_DELETE, "/api/v1/users/{id}/role-assignments/{assignment}", "iam.assignment.manage",
	  iam_assignments_revoke, "Revoke another user's role assignment.", .success_status = 204 },
	{ ERP_GET, "/api/v1/role-grant-requests", "iam.assignment.read", iam_grant_requests_list,
	  "Grant requests, oldest first.", .query = &grant_request_query },
	{ ERP_GET, "/api/v1/role-grant-requests/{id}", "iam.assignment.read", iam_grant_requests_get,
	  "Read a grant request.", .success_status = 200 },
	{ ERP_POST, "/api/v1/role-grant-requests/{id}/approve", "iam.assignment.manage",
	  iam_grant_requests_approve,
	  "Approve a pending grant as a second administrator (not the requester, not the user;"
	  " overrides also need iam.sod.override).", .success_status = 200 },
	{ ERP_POST, "/api/v1/role-grant-requests/{id}/reject", "iam.assignment.manage",
	  iam_grant_requests_reject, "Reject a pending grant (the requester withdraws it).",
	  .success_status = 200 },

	{ ERP_GET, "/api/v1/roles", "iam.role.read", iam_roles_list, "List roles.",
	  .query = &paging_query },
	{ ERP_POST, "/api/v1/roles", "iam.role.manage", iam_roles_create, "Create a role.",
	  .body = &role_create_schema, .success_status = 201 },
	{ ERP_GET, "/api/v1/roles/{role}", "iam.role.read", iam_roles_get, "Read a role.", .success_status = 200 },
	{ ERP_PATCH, "/api/v1/roles/{role}", "iam.role.manage", iam_roles_update,
	  "Change a role's description or permission set.", .body = &role_update_schema },
	{ ERP_DELETE, "/api/v1/roles/{role}", "iam.role.manage", iam_roles_delete,
	  "Delete a role nobody holds.", .success_status = 204 },

	{ ERP_GET, "/api/v1/companies", "iam.company.read", iam_companies_list, "List companies.",
	  .query = &paging_query },
	{ ERP_POST, "/api/v1/companies", "iam.company.manage", iam_companies_create,
	  "Create a company.", .body = &company_create_schema, .success_status = 201 },
	{ ERP_GET, "/api/v1/companies/{company}", "iam.company.read", iam_companies_get,
	  "Read a company.", .success_status = 200 },
	{ ERP_PATCH, "/api/v1/companies/{company}", "iam.company.manage", iam_companies_update,
	  "Change a company's name or currency.", .body = &company_update_schema },

	{ ERP_GET, "/api/v1/permissions", "iam.permission.read", iam_permissions_list,
	  "The permission catalog and the segregation-of-duties pairs.", .success_status = 200 },
	{ ERP_GET, "/api/v1/audit-events", "iam.audit.read", iam_audit_list,
	  "The audit trail, newest first.", .query = &audit_query },
};

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
	  "Ask for, and as a second administrator approve, a grant that overrides a"
	  " segregation-of-duties conflict (that pair, that scope), with a recorded reason." },
};

static const struct erp_sod_rule sod_rules[] = {
	{ "iam.audit.read", "iam.user.manage",
	  "who administers user accounts does not review the audit of that administration" },
};

const struct erp_module iam_module = {
	.name = "iam",
	.description = "Identity, roles and permissions",
	.routes = routes,
	.route_count = ERP_COUNT(routes),
	.permissions = permissions,
	.permission_count = ERP_COUNT(permissions),
	.sod_rules = sod_rules,
	.sod_rule_count = ERP_COUNT(sod_rules),
};

/*
 * The IAM module descriptor (ARCHITECTURE.md §3): its permission catalog,
 * its segregation-of-duties pairs, its route table and its init (the
 * platform's authentication and permission hooks).
 */
#include "modules/iam/internal.h"
#include "platform/http/schema.h"
#include "platform/http/server.h"

/* --- request and response shapes ------------------------------------------------------ */

static const struct schema_field login_fields[] = {
	{ .name = "email", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 3, .max = 254,
	  .format = SCHEMA_FORMAT_EMAIL },
	{ .name = "password", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = IAM_PASSWORD_MAX, .format = SCHEMA_FORMAT_PASSWORD },
};
static SCHEMA_OBJECT_DEFINE(login_schema, "Login", login_fields, "Credentials.");

static const struct schema_field user_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("email", SCHEMA_STRING, SCHEMA_FORMAT_EMAIL),
	SCHEMA_OUT("display_name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("active", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("must_change_password", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(user_schema, "User", user_fields, "A user (ETag: its version).");

static const struct schema_field session_fields[] = {
	SCHEMA_OUT("token", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("expires_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	{ .name = "user", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &user_schema },
};
static SCHEMA_OBJECT_DEFINE(session_schema, "Session", session_fields,
			    "A bearer token for Authorization: Bearer <token>.");

static const struct schema_field name_item = { .name = "permission", .type = SCHEMA_STRING,
					       .flags = SCHEMA_READ_ONLY };

#define NAME_LIST(field_name, text)                                                          \
	{ .name = field_name, .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED, \
	  .items = &name_item, .description = text }

static const struct schema_field me_company_fields[] = {
	SCHEMA_OUT("code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	NAME_LIST("permissions", "effective here: the global ones and this company's"),
};
static SCHEMA_OBJECT_DEFINE(me_company_schema, "MeCompany", me_company_fields,
			    "A company the caller holds a role in.");

static const struct schema_field me_fields[] = {
	{ .name = "user", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &user_schema },
	NAME_LIST("global_permissions", "held in every company"),
	{ .name = "companies", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &me_company_schema },
};
static SCHEMA_OBJECT_DEFINE(me_schema, "Me", me_fields,
			    "The caller, and their effective permissions per company.");

static const struct schema_field override_fields[] = {
	SCHEMA_OUT_NULLABLE("company", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	NAME_LIST("permissions", "the pair"),
};
static SCHEMA_OBJECT_DEFINE(override_schema, "SodOverride", override_fields,
			    "A segregation-of-duties conflict accepted for a pair in a company"
			    " (null: everywhere).");

static const struct schema_field assignment_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("role", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT_NULLABLE("company", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT_NULLABLE("granted_by", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT_NULLABLE("approved_by", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("granted_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT_NULLABLE("reason", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("sod_override", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	{ .name = "overrides", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &override_schema },
};
static SCHEMA_OBJECT_DEFINE(assignment_schema, "RoleAssignment", assignment_fields,
			    "A role held by a user in a company (null: globally).");

static const struct schema_field assignment_list_fields[] = {
	{ .name = "items", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &assignment_schema },
};
static SCHEMA_OBJECT_DEFINE(assignment_list_schema, "RoleAssignmentList", assignment_list_fields,
			    "Every role assignment of the user (no paging).");

static const struct schema_field requested_override_fields[] = {
	SCHEMA_OUT_NULLABLE("company", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT_NULLABLE("company_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	NAME_LIST("permissions", "the pair"),
};
static SCHEMA_OBJECT_DEFINE(requested_override_schema, "RequestedOverride",
			    requested_override_fields,
			    "A conflict the request asks the approver to accept (company null: global).");

static const char *const grant_request_statuses[] = { "pending", "approved", "rejected",
						       "withdrawn", NULL };

static const struct schema_field grant_request_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("user_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("user", SCHEMA_STRING, SCHEMA_FORMAT_EMAIL),
	SCHEMA_OUT("role", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("role_version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT_NULLABLE("company", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	NAME_LIST("privileged_permissions", "the role's permissions that need a second administrator"),
	{ .name = "overrides", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &requested_override_schema },
	SCHEMA_OUT_NULLABLE("reason", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "status", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = grant_request_statuses },
	SCHEMA_OUT("requested_by", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("requested_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT_NULLABLE("decided_by", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT_NULLABLE("decided_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT_NULLABLE("decision_note", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT_NULLABLE("assignment_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(grant_request_schema, "RoleGrantRequest", grant_request_fields,
			    "A grant waiting for a second administrator, or decided (ETag: its version).");

static const struct schema_field role_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("description", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("system", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	NAME_LIST("permissions", "sorted"),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(role_schema, "Role", role_fields,
			    "A named set of permissions (ETag: its version); system roles are read-only.");

static const struct schema_field company_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(company_schema, "Company", company_fields,
			    "A company (ETag: its version); its code names it in URLs.");

static const struct schema_field permission_fields[] = {
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("module", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("description", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(permission_schema, "Permission", permission_fields,
			    "A permission of the catalog, declared by its module.");

static const struct schema_field sod_rule_fields[] = {
	NAME_LIST("permissions", "the pair, the smaller name first"),
	SCHEMA_OUT("description", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(sod_rule_schema, "SodRule", sod_rule_fields,
			    "Two permissions one user may not hold in one company.");

static const struct schema_field catalog_fields[] = {
	{ .name = "items", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &permission_schema },
	{ .name = "sod_rules", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &sod_rule_schema },
};
static SCHEMA_OBJECT_DEFINE(catalog_schema, "PermissionCatalog", catalog_fields,
			    "Every permission and segregation-of-duties pair (no paging).");

/* What an audit event records changed: {"field": {"old": ..., "new": ...}}, secrets never. */
static const struct schema_object changes_schema = {
	"AuditChanges", NULL, 0, "{\"field\": {\"old\": value, \"new\": value}}, secrets omitted.", true,
};

static const struct schema_field audit_event_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("occurred_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT_NULLABLE("actor_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("action", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT_NULLABLE("company", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("entity", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT_NULLABLE("entity_id", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT_NULLABLE("request_id", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "changes", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &changes_schema },
	SCHEMA_OUT_NULLABLE("reason", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(audit_event_schema, "AuditEvent", audit_event_fields,
			    "One change, who made it, when and why (actor null: the system or an"
			    " unknown login).");

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
	  .body = &login_schema, .response = &session_schema,
	  .operation_id = "login", .problems = { 401, 429 } },
	{ ERP_POST, "/api/v1/auth/logout", ERP_AUTHENTICATED, iam_logout, "End this session.",
	  .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "logout" },
	{ ERP_GET, "/api/v1/me", ERP_AUTHENTICATED, iam_me,
	  "The caller, their companies and effective permissions per company.",
	  .response = &me_schema,
	  .operation_id = "getMe" },
	{ ERP_POST, "/api/v1/me/password", ERP_AUTHENTICATED, iam_change_password,
	  "Change the caller's password; other sessions end.", .body = &password_schema,
	  .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "changePassword" },

	{ ERP_GET, "/api/v1/users", "iam.user.read", iam_users_list, "List users.",
	  .query = &user_query, .list = &user_schema,
	  .operation_id = "listUsers" },
	{ ERP_POST, "/api/v1/users", "iam.user.manage", iam_users_create, "Create a user.",
	  .body = &user_create_schema, .response = &user_schema, .success_status = 201,
	  .operation_id = "createUser", .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, "/api/v1/users/{id}", "iam.user.read", iam_users_get, "Read a user.",
	  .response = &user_schema,
	  .operation_id = "getUser", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PATCH, "/api/v1/users/{id}", "iam.user.manage", iam_users_update,
	  "Change a user's email or display name.", .body = &user_update_schema,
	  .response = &user_schema,
	  .operation_id = "updateUser", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_POST, "/api/v1/users/{id}/deactivate", "iam.user.manage", iam_users_deactivate,
	  "Deactivate a user; their sessions end.", .response = &user_schema,
	  .operation_id = "deactivateUser", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, "/api/v1/users/{id}/reactivate", "iam.user.manage", iam_users_reactivate,
	  "Reactivate a user.", .response = &user_schema,
	  .operation_id = "reactivateUser", .headers = ERP_ANSWERS_ETAG },
	{ ERP_GET, "/api/v1/users/{id}/role-assignments", "iam.assignment.read",
	  iam_assignments_list, "A user's role assignments.", .response = &assignment_list_schema,
	  .operation_id = "listRoleAssignments" },
	{ ERP_POST, "/api/v1/users/{id}/role-assignments", "iam.assignment.manage",
	  iam_assignments_grant,
	  "Grant a role to another user, in a company or globally; a privileged grant or an"
	  " override waits for a second administrator (202).",
	  .body = &grant_schema, .response = &assignment_schema, .success_status = 201,
	  .also = { 202, &grant_request_schema },
	  .operation_id = "grantRole", .headers = ERP_ANSWERS_LOCATION },
	{ ERP_DELETE, "/api/v1/users/{id}/role-assignments/{assignment}", "iam.assignment.manage",
	  iam_assignments_revoke, "Revoke another user's role assignment.",
	  .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "revokeRoleAssignment" },
	{ ERP_GET, "/api/v1/role-grant-requests", "iam.assignment.read", iam_grant_requests_list,
	  "Grant requests, oldest first.", .query = &grant_request_query,
	  .list = &grant_request_schema,
	  .operation_id = "listRoleGrantRequests" },
	{ ERP_GET, "/api/v1/role-grant-requests/{id}", "iam.assignment.read", iam_grant_requests_get,
	  "Read a grant request.", .response = &grant_request_schema,
	  .operation_id = "getRoleGrantRequest", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, "/api/v1/role-grant-requests/{id}/approve", "iam.assignment.manage",
	  iam_grant_requests_approve,
	  "Approve a pending grant as a second administrator (not the requester, not the user;"
	  " overrides also need iam.sod.override).", .response = &grant_request_schema,
	  .operation_id = "approveRoleGrantRequest", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, "/api/v1/role-grant-requests/{id}/reject", "iam.assignment.manage",
	  iam_grant_requests_reject, "Reject a pending grant (the requester withdraws it).",
	  .response = &grant_request_schema,
	  .operation_id = "rejectRoleGrantRequest", .headers = ERP_ANSWERS_ETAG },

	{ ERP_GET, "/api/v1/roles", "iam.role.read", iam_roles_list, "List roles.",
	  .query = &paging_query, .list = &role_schema,
	  .operation_id = "listRoles" },
	{ ERP_POST, "/api/v1/roles", "iam.role.manage", iam_roles_create, "Create a role.",
	  .body = &role_create_schema, .response = &role_schema, .success_status = 201,
	  .operation_id = "createRole", .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, "/api/v1/roles/{role}", "iam.role.read", iam_roles_get, "Read a role.",
	  .response = &role_schema,
	  .operation_id = "getRole", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PATCH, "/api/v1/roles/{role}", "iam.role.manage", iam_roles_update,
	  "Change a role's description or permission set.", .body = &role_update_schema,
	  .response = &role_schema,
	  .operation_id = "updateRole", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_DELETE, "/api/v1/roles/{role}", "iam.role.manage", iam_roles_delete,
	  "Delete a role nobody holds.", .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "deleteRole" },

	{ ERP_GET, "/api/v1/companies", "iam.company.read", iam_companies_list, "List companies.",
	  .query = &paging_query, .list = &company_schema,
	  .operation_id = "listCompanies" },
	{ ERP_POST, "/api/v1/companies", "iam.company.manage", iam_companies_create,
	  "Create a company.", .body = &company_create_schema, .response = &company_schema,
	  .success_status = 201,
	  .operation_id = "createCompany", .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, "/api/v1/companies/{company}", "iam.company.read", iam_companies_get,
	  "Read a company.", .response = &company_schema,
	  .operation_id = "getCompany", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PATCH, "/api/v1/companies/{company}", "iam.company.manage", iam_companies_update,
	  "Change a company's name or currency.", .body = &company_update_schema,
	  .response = &company_schema,
	  .operation_id = "updateCompany", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },

	{ ERP_GET, "/api/v1/permissions", "iam.permission.read", iam_permissions_list,
	  "The permission catalog and the segregation-of-duties pairs.", .response = &catalog_schema,
	  .operation_id = "listPermissions" },
	{ ERP_GET, "/api/v1/audit-events", "iam.audit.read", iam_audit_list,
	  "The audit trail, newest first.", .query = &audit_query, .list = &audit_event_schema,
	  .operation_id = "listAuditEvents" },
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
	.init = iam_init,
};

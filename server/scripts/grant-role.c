/*
 * erp-grant-role: grants one role to one user, in a company or globally, as
 * an operator's audited act. It exists for a company that has a single
 * administrator: privileged grants through the API wait for a second
 * administrator, so the first bookkeeper, approver, controller (or the second
 * administrator) come from here, with the runtime's dry run, production guard
 * (confirmation and change ticket) and audit trail.
 *
 * It applies the same segregation-of-duties rule as the API (the database's
 * iam_sod_conflicts(), under the same locks) and never overrides a conflict:
 * an override needs two administrators through the API, or a role-migration
 * plan that names it. Granting what the user already holds changes nothing.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "scripts/runtime/script.h"
#include "shared-kernel/uuid.h"

static const struct script_flag flags[] = {
	{ "email", "ADDRESS", "the user who receives the role", true },
	{ "role", "NAME", "the role to grant (e.g. accountant, approver, controller)", true },
	{ "company", "CODE", "the company it is granted in (omit for a global grant)", false },
};

/* --- SQL ------------------------------------------------------------------------------------- */

/* The same locks as the API: the role shared, then the user (decisions about one user queue). */
static const struct db_statement lock_role = {
	"grant_role_lock_role", "SELECT id FROM roles WHERE name = $1 FOR SHARE", false,
};
static const struct db_statement lock_user = {
	"grant_role_lock_user",
	"SELECT u.id, u.active FROM users u, LATERAL (SELECT iam_sod_lock_users(ARRAY[u.id])) l"
	" WHERE u.email = lower($1)",
	false,
};
static const struct db_statement company_id_of = {
	"grant_role_company", "SELECT id FROM companies WHERE code = $1", false,
};
static const struct db_statement holds = {
	"grant_role_holds",
	"SELECT 1 FROM role_assignments WHERE user_id = $1 AND role_id = $2"
	" AND company_id IS NOT DISTINCT FROM $3::uuid",
	false,
};
static const struct db_statement conflicts = {
	"grant_role_conflicts",
	"SELECT x.permission_a, x.permission_b, x.description,"
	"       coalesce(c.code, 'every company (global roles)') AS scope"
	" FROM iam_sod_conflicts(ARRAY[$1::uuid], $2::uuid, $3::uuid) x"
	" LEFT JOIN companies c ON c.id = x.company_id"
	" ORDER BY c.code NULLS FIRST, x.permission_a, x.permission_b",
	false,
};
static const struct db_statement insert_assignment = {
	"grant_role_insert",
	"INSERT INTO role_assignments (id, user_id, role_id, company_id, granted_by, reason)"
	" VALUES ($1, $2, $3, $4, NULL, $5)",
	false,
};
static const struct db_statement bump_authz = {
	"grant_role_bump_authz",
	"UPDATE authz_version SET version = version + 1 RETURNING version",
	false,
};

/* --- work ---------------------------------------------------------------------------------------- */

static int first_value(struct script_ctx *ctx, const struct db_statement *st, int count,
		       const char *const *params, PGresult **out)
{
	int rc = script_query(ctx, st, count, params, out);

	if (rc)
		return rc;
	return PQntuples(*out) > 0 ? 0 : -1;
}

/* The audit event's changes, shaped like the API's grant events; NULL when out of memory. */
static char *changes_json(struct script_ctx *ctx, const char *role, const char *company,
			  const char *user_id)
{
	json_t *changes = json_pack("{s:{s:s}, s:{s:s?}, s:{s:s}}", "role", "new", role, "company",
				    "new", company, "user", "new", user_id);
	char *text = changes ? json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *copy = text ? arena_strdup(script_arena(ctx), text) : NULL;

	free(text);
	json_decref(changes);
	return copy;
}

static int work(struct script_ctx *ctx)
{
	const char *email = script_flag(ctx, "email"), *role = script_flag(ctx, "role");
	const char *company = script_flag(ctx, "company");
	const char *role_id, *user_id, *company_id = NULL;
	char id[ERP_UUID_TEXT_LEN + 1];
	struct erp_uuid uuid;
	PGresult *res;
	char *changes;
	int rc;

	rc = first_value(ctx, &lock_role, 1, &role, &res);
	if (rc)
		return rc > 0 ? rc : script_fail(ctx, EX_DATAERR, "no role is called %s", role);
	role_id = PQgetvalue(res, 0, 0);
	if (company) {
		rc = first_value(ctx, &company_id_of, 1, &company, &res);
		if (rc)
			return rc > 0 ? rc : script_fail(ctx, EX_DATAERR, "no company has the code %s", company);
		company_id = PQgetvalue(res, 0, 0);
	}
	rc = first_value(ctx, &lock_user, 1, &email, &res);
	if (rc)
		return rc > 0 ? rc : script_fail(ctx, EX_DATAERR, "no user has the email %s", email);
	user_id = PQgetvalue(res, 0, 0);
	if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
		return script_fail(ctx, EX_DATAERR, "%s is deactivated; reactivate the user first", email);
	{
		const char *params[] = { user_id, role_id, company_id };

		rc = script_query(ctx, &holds, 3, params, &res);
		if (rc)
			return rc;
		if (PQntuples(res) > 0) {
			script_note(ctx, "%s already holds %s %s%s: nothing to do", email, role,
				    company ? "in " : "globally", company ? company : "");
			return 0;
		}
		rc = script_query(ctx, &conflicts, 3, params, &res);
		if (rc)
			return rc;
		for (int i = 0; i < PQntuples(res); i++)
			script_note(ctx, "segregation of duties: %s would hold both %s and %s in %s (%s)",
				    email, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
				    PQgetvalue(res, i, 3), PQgetvalue(res, i, 2));
		if (PQntuples(res) > 0)
			return script_fail(ctx, EX_DATAERR,
					   "granting %s to %s would break segregation of duties (%s / %s);"
					   " this script never overrides: ask two administrators through"
					   " the API", role, email, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	}
	erp_uuid_v7(&uuid);
	erp_uuid_format(&uuid, id);
	{
		const char *params[] = { id, user_id, role_id, company_id, script_reason(ctx) };

		rc = script_query(ctx, &insert_assignment, 5, params, NULL);
		if (rc)
			return rc;
	}
	script_change(ctx, "role_assignments", "granted %s to %s %s%s", role, email,
		      company ? "in " : "globally", company ? company : "");
	rc = script_query(ctx, &bump_authz, 0, NULL, &res);
	if (rc)
		return rc;
	script_change(ctx, "authz_version", "bumped to %s (servers re-derive permissions)",
		      PQgetvalue(res, 0, 0));
	changes = changes_json(ctx, role, company, user_id);
	if (!changes)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	return script_audit_event(ctx, "iam.assignment.granted", "role_assignment", id, company_id,
				  changes);
}

static const struct script_descriptor descriptor = {
	.name = "grant-role",
	.summary = "Grants one role to one user (the first grants of a company with one administrator).",
	.details = "The API makes privileged grants wait for a second administrator; a company\n"
		   "that has only one uses this script for its first bookkeeper, approver,\n"
		   "controller or second administrator. The segregation-of-duties rule is the\n"
		   "API's, and a conflict is a data error (exit 65): this script never overrides.\n"
		   "Granting what the user already holds changes nothing.",
	.idempotent = true,
	.flags = flags,
	.flag_count = sizeof(flags) / sizeof(flags[0]),
	.work = work,
};

int main(int argc, char **argv)
{
	return script_main(argc, argv, &descriptor);
}

/*
 * erp-seed-admin: creates the first administrator: a user (UUIDv7 id,
 * lower-cased email, argon2id password hash exactly as erp-server makes it)
 * holding the administrator role globally. The password comes from stdin
 * (one line) or ERP_SEED_ADMIN_PASSWORD, never from the command line, and is
 * never printed or audited.
 *
 * When an active user already holds the administrator role it refuses (exit
 * 77) unless --force (add another one) or --if-absent (do nothing, exit 0:
 * what `make run` uses on every start).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

#include "scripts/runtime/script.h"
#include "shared-kernel/uuid.h"

enum { PASSWORD_MIN = 12, PASSWORD_MAX = 1024, EMAIL_MAX = 254 };

#define PASSWORD_VARIABLE "ERP_SEED_ADMIN_PASSWORD"

static const struct script_flag flags[] = {
	{ "email", "ADDRESS", "the administrator's email (stored lower-case)", true },
	{ "name", "TEXT", "display name (default: Administrator)", false },
	{ "force", NULL, "add an administrator even though an active one exists", false },
	{ "if-absent", NULL, "do nothing (exit 0) when an active administrator exists", false },
};

/* --- SQL ----------------------------------------------------------------------------------------- */

static const struct db_statement lock_seed = {
	"seed_admin_lock", "SELECT pg_advisory_xact_lock(hashtext('erp-seed-admin'))", false,
};
static const struct db_statement administrator_role = {
	"seed_admin_role", "SELECT id FROM roles WHERE name = 'administrator'", false,
};
static const struct db_statement active_administrators = {
	"seed_admin_active",
	"SELECT DISTINCT u.email FROM users u"
	" JOIN role_assignments a ON a.user_id = u.id"
	" WHERE a.role_id = $1 AND a.company_id IS NULL AND u.active"
	" ORDER BY u.email",
	false,
};
static const struct db_statement user_by_email = {
	"seed_admin_user_by_email", "SELECT id FROM users WHERE email = $1", false,
};
static const struct db_statement insert_user = {
	"seed_admin_insert_user",
	"INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)",
	false,
};
static const struct db_statement insert_assignment = {
	"seed_admin_insert_assignment",
	"INSERT INTO role_assignments (id, user_id, role_id, company_id, granted_by, reason)"
	" VALUES ($1, $2, $3, NULL, NULL, $4)",
	false,
};
static const struct db_statement bump_authz = {
	"seed_admin_bump_authz",
	"UPDATE authz_version SET version = version + 1 RETURNING version",
	false,
};

/* --- inputs (prepare) -------------------------------------------------------------------------- */

struct admin {
	char email[EMAIL_MAX + 1];
	const char *name;
	char hash[crypto_pwhash_STRBYTES];
};

/* Lower-cases ASCII; 0 when it looks like an address (one @, no spaces), else -1. */
static int normalise_email(const char *in, char out[EMAIL_MAX + 1])
{
	size_t length = strlen(in);
	const char *at = strchr(in, '@');

	if (length < 3 || length > EMAIL_MAX || !at || at == in || at[1] == '\0' ||
	    strchr(at + 1, '@'))
		return -1;
	for (size_t i = 0; i <= length; i++) {
		unsigned char c = (unsigned char)in[i];

		if (i < length && (c <= 0x20 || c == 0x7f))
			return -1;
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	return 0;
}

/* One line of stdin into buf; without echo when it is a terminal. -1 when too long. */
static int read_password_line(char *buf, size_t size)
{
	struct termios saved, quiet;
	bool terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	size_t length;
	int rc = 0;

	if (terminal) {
		fprintf(stderr, "Password (not echoed, %d..%d bytes): ", PASSWORD_MIN, PASSWORD_MAX);
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (!fgets(buf, (int)size, stdin))
		buf[0] = '\0';
	length = strlen(buf);
	if (length && buf[length - 1] == '\n')
		buf[--length] = '\0';
	else if (length == size - 1)
		rc = -1; /* no newline within the buffer: longer than allowed */
	if (length && buf[length - 1] == '\r')
		buf[--length] = '\0';
	if (length > PASSWORD_MAX)
		rc = -1; /* the buffer holds one byte more than allowed, to see this */
	if (terminal) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	return rc;
}

static int prepare(struct script_ctx *ctx)
{
	struct admin *admin = arena_calloc(script_arena(ctx), 1, sizeof(*admin));
	const char *from_env = getenv(PASSWORD_VARIABLE);
	char password[PASSWORD_MAX + 3];
	size_t length;
	int rc = 0;

	if (!admin)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	if (script_flag(ctx, "force") && script_flag(ctx, "if-absent"))
		return script_fail(ctx, EX_USAGE, "--force and --if-absent contradict each other");
	if (normalise_email(script_flag(ctx, "email"), admin->email) != 0)
		return script_fail(ctx, EX_USAGE,
				   "--email must be an address (3..254 characters, one @, no spaces)");
	admin->name = script_flag(ctx, "name") ? script_flag(ctx, "name") : "Administrator";
	if (strlen(admin->name) < 1 || strlen(admin->name) > 200)
		return script_fail(ctx, EX_USAGE, "--name must be 1..200 characters");

	if (from_env && *from_env) {
		length = strlen(from_env);
		if (length > PASSWORD_MAX)
			rc = script_fail(ctx, EX_DATAERR, "the password in %s is longer than %d bytes",
					 PASSWORD_VARIABLE, PASSWORD_MAX);
		else
			memcpy(password, from_env, length + 1);
	} else if (read_password_line(password, sizeof(password)) != 0) {
		rc = script_fail(ctx, EX_DATAERR, "the password on stdin is longer than %d bytes",
				 PASSWORD_MAX);
	}
	if (rc == 0) {
		length = strlen(password);
		if (length == 0)
			rc = script_fail(ctx, EX_DATAERR,
					 "no password: give it as one line on stdin or in %s (never "
					 "on the command line)",
					 PASSWORD_VARIABLE);
		else if (length < PASSWORD_MIN)
			rc = script_fail(ctx, EX_DATAERR, "the password must be %d..%d bytes",
					 PASSWORD_MIN, PASSWORD_MAX);
		/* The same hash the server makes (modules/iam: argon2id, interactive limits). */
		else if (crypto_pwhash_str(admin->hash, password, length,
					   crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
			rc = script_fail(ctx, EX_SOFTWARE, "out of memory while hashing the password");
	}
	sodium_memzero(password, sizeof(password));
	if (rc == 0)
		script_set_data(ctx, admin);
	return rc;
}

/* --- work ------------------------------------------------------------------------------------------ */

static char *event_changes(struct script_ctx *ctx, json_t *changes)
{
	char *text = changes ? json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *copy = text ? arena_strdup(script_arena(ctx), text) : NULL;

	free(text);
	json_decref(changes);
	return copy;
}

static int record_events(struct script_ctx *ctx, const struct admin *admin, const char *user_id,
			 const char *assignment_id)
{
	char *user = event_changes(ctx, json_pack("{s:{s:n, s:s}, s:{s:n, s:s}, s:{s:n, s:b}}",
						  "email", "old", "new", admin->email,
						  "display_name", "old", "new", admin->name,
						  "active", "old", "new", 1));
	char *grant = event_changes(ctx, json_pack("{s:{s:n, s:s}, s:{s:n, s:s}, s:{s:n, s:n}}",
						   "user", "old", "new", admin->email, "role", "old",
						   "new", "administrator", "company", "old", "new"));
	int rc;

	if (!user || !grant)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	rc = script_audit_event(ctx, "iam.user.created", "user", user_id, NULL, user);
	if (!rc)
		rc = script_audit_event(ctx, "iam.assignment.granted", "role_assignment",
					assignment_id, NULL, grant);
	return rc;
}

static int work(struct script_ctx *ctx)
{
	const struct admin *admin = script_data(ctx);
	char user_id[ERP_UUID_TEXT_LEN + 1], assignment_id[ERP_UUID_TEXT_LEN + 1];
	const char *role_id, *email = admin->email;
	struct erp_uuid uuid;
	PGresult *res;
	int rc;

	/* Two seeds at once would both see "no administrator yet". */
	rc = script_query(ctx, &lock_seed, 0, NULL, NULL);
	if (!rc)
		rc = script_query(ctx, &administrator_role, 0, NULL, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return script_fail(ctx, EX_DATAERR,
				   "there is no administrator role: run erp-seed-roles first");
	role_id = PQgetvalue(res, 0, 0);

	rc = script_query(ctx, &active_administrators, 1, &role_id, &res);
	if (rc)
		return rc;
	if (PQntuples(res) > 0) {
		const char *first = PQgetvalue(res, 0, 0);
		int others = PQntuples(res) - 1;

		if (script_flag(ctx, "if-absent")) {
			script_note(ctx, "an active administrator exists (%s%s): nothing to do", first,
				    others ? " and others" : "");
			return 0;
		}
		if (!script_flag(ctx, "force"))
			return script_refuse(ctx,
					     "an active administrator already exists (%s%s); pass "
					     "--force to add another",
					     first, others ? " and others" : "");
		script_note(ctx, "adding another administrator beside %s (--force)", first);
	}

	rc = script_query(ctx, &user_by_email, 1, &email, &res);
	if (rc)
		return rc;
	if (PQntuples(res) > 0)
		return script_fail(ctx, EX_DATAERR, "a user with the email %s already exists",
				   admin->email);

	erp_uuid_v7(&uuid);
	erp_uuid_format(&uuid, user_id);
	{
		const char *params[] = { user_id, admin->email, admin->name, admin->hash };

		rc = script_query(ctx, &insert_user, 4, params, NULL);
		if (rc)
			return rc;
		script_change(ctx, "users", "created user %s (%s)", admin->email, user_id);
	}
	erp_uuid_v7(&uuid);
	erp_uuid_format(&uuid, assignment_id);
	{
		const char *reason = script_reason(ctx) ? script_reason(ctx) : "erp-seed-admin";
		const char *params[] = { assignment_id, user_id, role_id, reason };

		rc = script_query(ctx, &insert_assignment, 4, params, NULL);
		if (rc)
			return rc;
		script_change(ctx, "role_assignments", "granted administrator to %s globally",
			      admin->email);
	}
	rc = script_query(ctx, &bump_authz, 0, NULL, &res);
	if (rc)
		return rc;
	script_change(ctx, "authz_version", "bumped to %s", PQgetvalue(res, 0, 0));
	return record_events(ctx, admin, user_id, assignment_id);
}

static const struct script_descriptor descriptor = {
	.name = "seed-admin",
	.summary = "Creates an administrator: a user holding the administrator role globally.",
	.details = "The password is read as one line from stdin, or from " PASSWORD_VARIABLE ",\n"
		   "never from the command line; it is never printed or audited. Refuses (77)\n"
		   "when an active administrator exists, unless --force or --if-absent.",
	.idempotent = false,
	.flags = flags,
	.flag_count = sizeof(flags) / sizeof(flags[0]),
	.prepare = prepare,
	.work = work,
};

int main(int argc, char **argv)
{
	return script_main(argc, argv, &descriptor);
}

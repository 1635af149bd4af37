#ifndef ERP_SCRIPTS_RUNTIME_SCRIPT_H
#define ERP_SCRIPTS_RUNTIME_SCRIPT_H

/*
 * The governed runtime of the admin scripts (ARCHITECTURE.md §7). A script
 * is a descriptor and a work function; its main is exactly
 *
 *     int main(int argc, char **argv)
 *     {
 *             return script_main(argc, argv, &descriptor);
 *     }
 *
 * and the runtime owns everything else: flags and --help, the environment
 * (--env or ERP_ENV), the CI, production and development-only guards,
 * --dry-run, the database
 * connection (platform config, ERP_DATABASE_URL), the one transaction the
 * work runs in, the audit rows in script_executions and the exit code
 * (sysexits.h, listed in server/scripts/README.md).
 *
 * Scripts reach the database only through script_query(): they never open a
 * connection or a transaction themselves (tools/governance-check enforces it).
 */
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "platform/db/db.h"

struct script_ctx;

/* A flag of the script's own, beside the runtime's. */
struct script_flag {
	const char *name;       /* "email": given as --email VALUE or --email=VALUE */
	const char *value_name; /* "ADDRESS" in --help; NULL for a switch without a value */
	const char *help;       /* one line */
	bool required;
};

struct script_descriptor {
	const char *name;     /* "seed-roles": the audited name; the executable is erp-<name> */
	const char *summary;  /* one line for --help */
	const char *details;  /* more --help text (may be NULL) */
	bool idempotent;      /* a second run changes nothing (said in --help) */
	/*
	 * Runs only with environment development: every other one is refused
	 * (exit 77, audited) by the runtime's guard, whatever the flags say.
	 */
	bool development_only;
	const struct script_flag *flags;
	size_t flag_count;
	/*
	 * Optional. Runs after the guards and before the transaction: read files,
	 * stdin, secrets. 0, or the value of script_fail() / script_refuse().
	 */
	int (*prepare)(struct script_ctx *ctx);
	/*
	 * The work, inside the run's transaction: report every change with
	 * script_change(). 0 commits (with --dry-run: rolls back); anything else
	 * rolls back, and should be the value of script_fail() / script_refuse().
	 */
	int (*work)(struct script_ctx *ctx);
};

/* Runs the script; returns the process exit status. */
int script_main(int argc, char **argv, const struct script_descriptor *descriptor);

/* --- inputs ---------------------------------------------------------------------------- */

/* The value of one of the script's own flags; NULL when not given ("" for a given switch). */
const char *script_flag(const struct script_ctx *ctx, const char *name);

bool script_dry_run(const struct script_ctx *ctx);

/* "development", "test", "staging" or "production". */
const char *script_environment(const struct script_ctx *ctx);

/* This run's id (UUIDv7 text), the same in both of its audit rows. */
const char *script_run_id(const struct script_ctx *ctx);

/* --reason, or NULL. */
const char *script_reason(const struct script_ctx *ctx);

/* An arena that lives as long as the run: results, strings, parsed files. */
struct arena *script_arena(struct script_ctx *ctx);

/* Data the script keeps between prepare and work (owned by the script). */
void script_set_data(struct script_ctx *ctx, void *data);
void *script_data(const struct script_ctx *ctx);

/* --- the database -------------------------------------------------------------------------- */

/*
 * Runs a prepared, parameterised statement in the run's transaction (from
 * work only: prepare has no database). *out (when out is not NULL) lives
 * until the run ends. Returns 0, or, after recording the
 * database's message as the run's failure, the exit code to return from work
 * (65 bad data or constraint, 69 database lost, 75 concurrent change, 70 else).
 */
int script_query(struct script_ctx *ctx, const struct db_statement *statement, int count,
		 const char *const *params, PGresult **out);

/*
 * Writes one row to audit_events (the IAM audit trail) in the run's
 * transaction: actor NULL (the system), request_id "script:<run id>",
 * reason --reason. changes_json is a JSON object (may be NULL: {}); secrets
 * never. Returns like script_query().
 */
int script_audit_event(struct script_ctx *ctx, const char *action, const char *entity,
		       const char *entity_id, const char *company_id, const char *changes_json);

/* --- reporting ------------------------------------------------------------------------------- */

/*
 * Reports one changed row of table with a readable description ("created
 * role clerk"): printed, counted per table in the audit row's affected
 * counts, and, with --dry-run, what would have changed.
 */
void script_change(struct script_ctx *ctx, const char *table, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An informational line (not a change), printed in the report. */
void script_note(struct script_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Changes reported so far. */
long script_change_count(const struct script_ctx *ctx);

/*
 * Records the run's failure (the first one wins): the message is printed on
 * stderr as one line and stored in the audit row. Returns exit_code
 * (sysexits.h: 65 data error, 66 missing input, ...), for `return script_fail(...)`.
 */
int script_fail(struct script_ctx *ctx, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like script_fail() with status refused and exit code 77. */
int script_refuse(struct script_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif

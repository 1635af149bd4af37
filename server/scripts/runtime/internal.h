#ifndef ERP_SCRIPTS_RUNTIME_INTERNAL_H
#define ERP_SCRIPTS_RUNTIME_INTERNAL_H

/* Shared by the runtime's own files only; scripts include script.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "platform/ops/config.h"
#include "scripts/runtime/script.h"
#include "shared-kernel/uuid.h"

#define RUNTIME_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* "id:hex": a bigint's digits, a colon, 64 hex digits, NUL. */
enum { RUNTIME_HEAD_SIZE = 20 + 1 + 64 + 1 };

/* How a run ends; the text is the audit row's status. */
enum runtime_status {
	RUNTIME_SUCCEEDED,
	RUNTIME_FAILED,
	RUNTIME_REFUSED,
	RUNTIME_DRY_RUN,
};

struct runtime_count {
	const char *table;
	long rows;
};

struct script_ctx {
	const struct script_descriptor *descriptor;
	struct arena *arena;
	char program[80]; /* "erp-seed-roles" */

	/* The command line (flags.c). */
	const char **values; /* per descriptor flag, NULL when not given */
	const char *env_flag;
	const char *executor;
	const char *reason;
	const char *confirm_production;
	bool dry_run;
	bool help;
	char *usage_error;    /* the first usage error, or NULL */
	char *arguments_json; /* the command line as audited: flags and values, never secrets */

	/* Who, where (audit.c). */
	char run_id[ERP_UUID_TEXT_LEN + 1];
	char host[256];
	char os_user[64];
	const char *sudo_user;
	enum erp_env env;
	const char *environment;
	const char *env_variable;   /* ERP_ENV when set: --env may not contradict it */

	/* The database. */
	struct db_conn *conn;
	char *database_name;
	char *started_at; /* the start row's timestamp text, repeated in the end row */
	bool in_work;     /* script_query() is allowed only while work runs */
	/*
	 * The last row this run appended, "id:row_hash in hex": pending until its
	 * transaction commits, then the chain head the run prints at its end.
	 */
	char head_pending[RUNTIME_HEAD_SIZE];
	char head_committed[RUNTIME_HEAD_SIZE];

	/* The outcome (report.c). */
	bool refused;
	int exit_code;
	char *message;
	struct runtime_count *counts;
	size_t count_length;
	size_t count_capacity;
	long changes;
	void *data;
};

/* --- flags.c -------------------------------------------------------------------------- */

/*
 * Parses argv into ctx (values, runtime flags, arguments_json). Usage errors
 * do not stop parsing: the first is kept in ctx->usage_error, to be audited
 * once the database is reachable. Returns 0, or -1 when out of memory.
 */
int runtime_parse_flags(struct script_ctx *ctx, int argc, char **argv);

/* The --help text. */
void runtime_print_help(const struct script_ctx *ctx, FILE *out);

/* --- guard.c ------------------------------------------------------------------------- */

/* ctx->env from --env, else the configuration's ERP_ENV. */
void runtime_resolve_environment(struct script_ctx *ctx, const struct erp_config *config);

/*
 * The CI and production guards, once the database name is known: 0 to go
 * on, or the value of script_refuse() (the refusal is recorded in ctx).
 */
int runtime_guard(struct script_ctx *ctx);

/* --- audit.c ------------------------------------------------------------------------- */

/* Fills run id, host, OS user and SUDO_USER. */
void runtime_identify(struct script_ctx *ctx);

/*
 * Appends the start row in a transaction of its own and commits it, so a run
 * killed later stays visible. 0, or -1 with a message on stderr (nothing may
 * run unaudited).
 */
int runtime_audit_start(struct script_ctx *ctx);

/*
 * Appends the end row with the given status. Inside the work's transaction
 * when in_transaction (it commits with the work); otherwise in a transaction
 * of its own. 0, or -1 with the database's message in err.
 */
int runtime_audit_end(struct script_ctx *ctx, enum runtime_status status, bool in_transaction,
		      char *err, size_t err_size);

/*
 * The transaction holding the last appended row has committed: that row is
 * now the chain head this run prints (runtime_print_head()).
 */
void runtime_audit_committed(struct script_ctx *ctx);

/*
 * Prints "<program>: audit chain head: ID:HEX", the last row the run wrote,
 * to be recorded outside the database (erp-server audit verify-scripts
 * --head); nothing when no row was committed.
 */
void runtime_print_head(const struct script_ctx *ctx);

/* --- report.c -------------------------------------------------------------------------- */

/* {"table": rows, ...} of the changes reported (allocated in the arena). */
char *runtime_affected_json(struct script_ctx *ctx);

/* The one stderr line of a failure or refusal. */
void runtime_print_failure(const struct script_ctx *ctx);

/* The exit code for an error code of the database layer (ERP_ERR_*). */
int runtime_exit_code_for(int db_error);

#endif

/*
 * script_main(): the one way a script runs.
 *
 *   flags -> configuration -> connect -> start row (committed alone)
 *   -> usage error / CI guard / production guard -> prepare
 *   -> BEGIN -> work -> end row -> COMMIT        (success)
 *                    -> ROLLBACK -> end row      (dry run, failure, refusal)
 *   -> print the chain head written (audit chain head: ID:HEX)
 *
 * Nothing touches the database before the start row is committed, and no
 * outcome leaves without an end row unless the database itself is gone (then
 * the start row without an end row shows the run did not finish).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "common/alloc.h"
#include "platform/ops/log.h"
#include "scripts/runtime/internal.h"
#include "shared-kernel/errors.h"

static const struct db_statement database_facts = {
	"runtime_database_facts",
	"SELECT current_database(), to_regclass('script_executions') IS NOT NULL",
	true,
};

static const struct db_statement insert_event = {
	"runtime_audit_event",
	"INSERT INTO audit_events (id, actor_id, action, company_id, entity, entity_id,"
	"       request_id, changes, reason)"
	" VALUES ($1, NULL, $2, $3, $4, $5, $6, coalesce($7::jsonb, '{}'::jsonb), $8)",
	false,
};

/* --- accessors ----------------------------------------------------------------------------- */

const char *script_flag(const struct script_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->descriptor->flag_count; i++)
		if (strcmp(ctx->descriptor->flags[i].name, name) == 0)
			return ctx->values[i];
	return NULL;
}

bool script_dry_run(const struct script_ctx *ctx)
{
	return ctx->dry_run;
}

const char *script_environment(const struct script_ctx *ctx)
{
	return ctx->environment;
}

const char *script_run_id(const struct script_ctx *ctx)
{
	return ctx->run_id;
}

const char *script_reason(const struct script_ctx *ctx)
{
	return ctx->reason;
}

struct arena *script_arena(struct script_ctx *ctx)
{
	return ctx->arena;
}

void script_set_data(struct script_ctx *ctx, void *data)
{
	ctx->data = data;
}

void *script_data(const struct script_ctx *ctx)
{
	return ctx->data;
}

/* --- the database ---------------------------------------------------------------------------- */

int script_query(struct script_ctx *ctx, const struct db_statement *statement, int count,
		 const char *const *params, PGresult **out)
{
	int rc;

	if (!ctx->in_work)
		return script_fail(ctx, EX_SOFTWARE, "%s: the database is reachable only from work",
				   statement->name);
	rc = db_query(ctx->conn, ctx->arena, statement, count, params, out);
	if (rc == 0)
		return 0;
	return script_fail(ctx, runtime_exit_code_for(rc), "database: %s (SQLSTATE %s, in %s)",
			   db_last_message(ctx->conn)[0] ? db_last_message(ctx->conn) : "out of memory",
			   db_last_sqlstate(ctx->conn), statement->name);
}

int script_audit_event(struct script_ctx *ctx, const char *action, const char *entity,
		       const char *entity_id, const char *company_id, const char *changes_json)
{
	struct erp_uuid id;
	char id_text[ERP_UUID_TEXT_LEN + 1], request_id[64];
	const char *params[8];

	erp_uuid_v7(&id);
	erp_uuid_format(&id, id_text);
	snprintf(request_id, sizeof(request_id), "script:%s", ctx->run_id);
	params[0] = id_text;
	params[1] = action;
	params[2] = company_id;
	params[3] = entity;
	params[4] = entity_id;
	params[5] = request_id;
	params[6] = changes_json;
	params[7] = ctx->reason;
	return script_query(ctx, &insert_event, 8, params, NULL);
}

/* --- the run ----------------------------------------------------------------------------------- */

static int connect_database(struct script_ctx *ctx, const struct erp_config *config)
{
	struct db_options options = {
		.connect_timeout_s = config->db_connect_timeout_s,
		.statement_timeout_ms = config->db_statement_timeout_ms,
		.application_name = ctx->program,
	};
	PGresult *res;

	ctx->conn = db_open(config->database_url, &options);
	if (!ctx->conn || db_connect(ctx->conn) != 0) {
		fprintf(stderr, "%s: cannot connect to the database (not audited): %s\n", ctx->program,
			ctx->conn ? db_last_message(ctx->conn) : "out of memory");
		return EX_UNAVAILABLE;
	}
	if (db_query(ctx->conn, ctx->arena, &database_facts, 0, NULL, &res) != 0) {
		fprintf(stderr, "%s: cannot read from the database (not audited): %s\n", ctx->program,
			db_last_message(ctx->conn));
		return EX_UNAVAILABLE;
	}
	ctx->database_name = arena_strdup(ctx->arena, PQgetvalue(res, 0, 0));
	if (!ctx->database_name) {
		fprintf(stderr, "%s: out of memory\n", ctx->program);
		return EX_SOFTWARE;
	}
	if (strcmp(PQgetvalue(res, 0, 1), "t") != 0) {
		fprintf(stderr,
			"%s: the database %s has no script_executions table, so nothing can run "
			"audited: run erp-server migrate first\n",
			ctx->program, ctx->database_name);
		return EX_UNAVAILABLE;
	}
	return 0;
}

static void print_counts(const struct script_ctx *ctx)
{
	printf("%s: %ld change%s", ctx->program, ctx->changes, ctx->changes == 1 ? "" : "s");
	for (size_t i = 0; i < ctx->count_length; i++)
		printf("%s%s %ld", i ? ", " : " (", ctx->counts[i].table, ctx->counts[i].rows);
	printf("%s\n", ctx->count_length ? ")" : "");
}

/* The run ended without committing work: failure or refusal, audited alone. */
static int finish_unsuccessful(struct script_ctx *ctx, bool work_began)
{
	char err[512];

	if (!ctx->message)
		script_fail(ctx, EX_SOFTWARE, "failed without saying why");
	if (work_began)
		printf("%s: rolled back, nothing was changed\n", ctx->program);
	runtime_print_failure(ctx);
	if (runtime_audit_end(ctx, ctx->refused ? RUNTIME_REFUSED : RUNTIME_FAILED, false, err,
			      sizeof(err)) != 0)
		fprintf(stderr, "%s: and the end of this run could not be audited: %s\n",
			ctx->program, err);
	return ctx->exit_code;
}

static int run_work(struct script_ctx *ctx)
{
	char err[512];
	int rc;

	rc = db_exec(ctx->conn, "BEGIN ISOLATION LEVEL READ COMMITTED");
	if (rc != 0) {
		script_fail(ctx, runtime_exit_code_for(rc), "cannot begin the transaction: %s",
			    db_last_message(ctx->conn));
		return finish_unsuccessful(ctx, false);
	}
	ctx->in_work = true;
	rc = ctx->descriptor->work(ctx);
	ctx->in_work = false;
	if (rc == 0 && ctx->message)
		rc = ctx->exit_code; /* a failure reported but not returned is still a failure */
	if (rc != 0) {
		if (!ctx->message)
			script_fail(ctx, rc, "the work failed (exit %d) without saying why", rc);
		db_exec(ctx->conn, "ROLLBACK");
		return finish_unsuccessful(ctx, true);
	}
	if (ctx->dry_run) {
		db_exec(ctx->conn, "ROLLBACK");
		print_counts(ctx);
		printf("%s: dry run: rolled back, nothing was changed\n", ctx->program);
		ctx->exit_code = 0;
		if (runtime_audit_end(ctx, RUNTIME_DRY_RUN, false, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: the dry run could not be audited: %s\n", ctx->program, err);
			return EX_UNAVAILABLE;
		}
		return 0;
	}
	ctx->exit_code = 0;
	if (runtime_audit_end(ctx, RUNTIME_SUCCEEDED, true, err, sizeof(err)) != 0) {
		db_exec(ctx->conn, "ROLLBACK");
		script_fail(ctx, EX_UNAVAILABLE,
			    "cannot write the audit record, so the work was rolled back: %s", err);
		return finish_unsuccessful(ctx, true);
	}
	rc = db_exec(ctx->conn, "COMMIT");
	if (rc == 0)
		runtime_audit_committed(ctx);
	if (rc != 0) {
		/* If the connection died inside COMMIT the outcome is unknown; the end row tells. */
		script_fail(ctx, runtime_exit_code_for(rc),
			    "COMMIT failed: %s; if script_executions has a succeeded end row for run "
			    "%s, the work was committed",
			    db_last_message(ctx->conn), ctx->run_id);
		return finish_unsuccessful(ctx, false);
	}
	print_counts(ctx);
	printf("%s: succeeded (run %s)\n", ctx->program, ctx->run_id);
	return 0;
}

static int run(struct script_ctx *ctx)
{
	int rc;

	printf("%s: run %s, environment %s, database %s%s\n", ctx->program, ctx->run_id,
	       ctx->environment, ctx->database_name, ctx->dry_run ? ", dry run" : "");
	if (ctx->usage_error)
		rc = script_fail(ctx, EX_USAGE, "%s", ctx->usage_error);
	else
		rc = runtime_guard(ctx);
	if (rc == 0 && ctx->descriptor->prepare) {
		rc = ctx->descriptor->prepare(ctx);
		if (rc == 0 && ctx->message)
			rc = ctx->exit_code;
	}
	if (rc != 0)
		return finish_unsuccessful(ctx, false);
	return run_work(ctx);
}

int script_main(int argc, char **argv, const struct script_descriptor *descriptor)
{
	struct script_ctx ctx = { .descriptor = descriptor };
	struct erp_config config;
	bool config_loaded = false;
	char err[512];
	int rc;

	/* Report lines and the error line keep their order when both go to one pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(ctx.program, sizeof(ctx.program), "erp-%s", descriptor->name);
	if (!descriptor->work || !descriptor->summary) {
		fprintf(stderr, "%s: the script's descriptor has no work or summary (not audited)\n",
			ctx.program);
		return EX_SOFTWARE;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "%s: libsodium failed to initialise (not audited)\n", ctx.program);
		return EX_SOFTWARE;
	}
	json_set_alloc_funcs(erp_malloc, erp_free);
	ctx.arena = arena_new(16384);
	if (!ctx.arena || runtime_parse_flags(&ctx, argc, argv) != 0) {
		fprintf(stderr, "%s: out of memory (not audited)\n", ctx.program);
		rc = EX_SOFTWARE;
		goto out;
	}
	if (ctx.help) {
		runtime_print_help(&ctx, stdout);
		rc = 0;
		goto out;
	}
	if (config_load_env(&config, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s (not audited: no usable configuration)\n", ctx.program, err);
		rc = EX_CONFIG;
		goto out;
	}
	config_loaded = true;
	/* The one line on stderr is ours; platform records only when debugging. */
	log_init(config.log_level == ERP_LOG_DEBUG ? ERP_LOG_DEBUG : ERP_LOG_ERROR,
		 ERP_LOG_FORMAT_TEXT);
	runtime_resolve_environment(&ctx, &config);
	runtime_identify(&ctx);
	rc = connect_database(&ctx, &config);
	if (rc != 0)
		goto out;
	if (runtime_audit_start(&ctx) != 0) {
		rc = EX_UNAVAILABLE;
		goto out;
	}
	rc = run(&ctx);
	/* Outside the database, the head is what shows a later cut or rewrite of the chain. */
	runtime_print_head(&ctx);
out:
	db_close(ctx.conn);
	if (config_loaded)
		config_release(&config);
	arena_free(ctx.arena);
	return rc;
}

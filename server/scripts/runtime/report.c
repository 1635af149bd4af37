/*
 * What a run reports: its changes (printed as they happen and counted per
 * table for the audit row), notes, and its failure or refusal (one line on
 * stderr, the same text in the audit row).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common/strbuf.h"
#include "scripts/runtime/internal.h"
#include "shared-kernel/errors.h"

static int count_table(struct script_ctx *ctx, const char *table)
{
	for (size_t i = 0; i < ctx->count_length; i++)
		if (strcmp(ctx->counts[i].table, table) == 0) {
			ctx->counts[i].rows++;
			return 0;
		}
	if (ctx->count_length == ctx->count_capacity) {
		size_t capacity = ctx->count_capacity ? ctx->count_capacity * 2 : 8;
		struct runtime_count *grown = arena_calloc(ctx->arena, capacity, sizeof(*grown));

		if (!grown)
			return -1;
		if (ctx->count_length)
			memcpy(grown, ctx->counts, ctx->count_length * sizeof(*grown));
		ctx->counts = grown;
		ctx->count_capacity = capacity;
	}
	ctx->counts[ctx->count_length].table = arena_strdup(ctx->arena, table);
	if (!ctx->counts[ctx->count_length].table)
		return -1;
	ctx->counts[ctx->count_length++].rows = 1;
	return 0;
}

void script_change(struct script_ctx *ctx, const char *table, const char *fmt, ...)
{
	va_list ap;

	if (count_table(ctx, table) != 0) {
		script_fail(ctx, EX_SOFTWARE, "out of memory");
		return;
	}
	ctx->changes++;
	printf("  %s: ", table);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void script_note(struct script_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	printf("  note: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

long script_change_count(const struct script_ctx *ctx)
{
	return ctx->changes;
}

/* Keeps the first failure; its text becomes one line. */
static void record(struct script_ctx *ctx, bool refused, int exit_code, const char *fmt, va_list ap)
{
	char *message;

	if (ctx->message)
		return;
	message = arena_vprintf(ctx->arena, fmt, ap);
	if (!message)
		message = "out of memory while reporting a failure";
	for (char *p = message; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	ctx->message = message;
	ctx->refused = refused;
	ctx->exit_code = exit_code;
}

int script_fail(struct script_ctx *ctx, int exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ctx, false, exit_code ? exit_code : EX_SOFTWARE, fmt, ap);
	va_end(ap);
	return ctx->exit_code;
}

int script_refuse(struct script_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ctx, true, EX_NOPERM, fmt, ap);
	va_end(ap);
	return ctx->exit_code;
}

char *runtime_affected_json(struct script_ctx *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;

	strbuf_addch(&sb, '{');
	for (size_t i = 0; i < ctx->count_length; i++) {
		if (i)
			strbuf_addch(&sb, ',');
		strbuf_add_json_string(&sb, ctx->counts[i].table);
		strbuf_addf(&sb, ":%ld", ctx->counts[i].rows);
	}
	strbuf_addch(&sb, '}');
	out = sb.failed ? NULL : arena_strdup(ctx->arena, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

void runtime_print_failure(const struct script_ctx *ctx)
{
	fprintf(stderr, "%s: %s%s\n", ctx->program, ctx->refused ? "refused: " : "",
		ctx->message ? ctx->message : "failed");
}

int runtime_exit_code_for(int db_error)
{
	switch (db_error) {
	case ERP_ERR_INVALID:
	case ERP_ERR_CONFLICT:
		return EX_DATAERR;
	case ERP_ERR_UNAVAILABLE:
		return EX_UNAVAILABLE;
	case DB_RETRY:
		return EX_TEMPFAIL;
	default:
		return EX_SOFTWARE;
	}
}

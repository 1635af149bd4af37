/*
 * The command line: the runtime's flags, the script's own flags, --help,
 * and the audited copy of what was given (values of known flags; for
 * anything unknown only its name, never its value: a mistyped flag may carry
 * a secret).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scripts/runtime/internal.h"

enum { MAX_TEXT_FLAG = 500 };

struct runtime_flag {
	const char *name;
	const char *value_name;
	const char *help;
};

static const struct runtime_flag runtime_flags[] = {
	{ "env", "ENV", "development, test, staging or production (default: ERP_ENV)" },
	{ "dry-run", NULL, "do the work in a transaction, report what would change, roll back" },
	{ "executor", "NAME", "who runs this, recorded beside the OS user and SUDO_USER" },
	{ "reason", "TEXT", "why: the change ticket (required in production)" },
	{ "confirm-production", "DATABASE",
	  "required in production: the name of the database you are connected to" },
	{ "help", NULL, "print this help and exit" },
};

enum { FLAG_ENV, FLAG_DRY_RUN, FLAG_EXECUTOR, FLAG_REASON, FLAG_CONFIRM, FLAG_HELP };

static void usage_error(struct script_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void usage_error(struct script_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->usage_error)
		return;
	va_start(ap, fmt);
	ctx->usage_error = arena_vprintf(ctx->arena, fmt, ap);
	va_end(ap);
}

/* Only plausible flag names are echoed into the audit row (and the error). */
static bool is_plain_name(const char *name, size_t length)
{
	if (length == 0 || length > 40 || name[0] < 'a' || name[0] > 'z')
		return false;
	for (size_t i = 0; i < length; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-' || name[i] == '_'))
			return false;
	return true;
}

static bool is_printable_text(const char *text)
{
	size_t length = strlen(text);

	if (length == 0 || length > MAX_TEXT_FLAG)
		return false;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* Index of a runtime flag (>= 0), of a script flag (-2 - index), or -1. */
static int find_flag(const struct script_ctx *ctx, const char *name, size_t length)
{
	for (size_t i = 0; i < RUNTIME_COUNT(runtime_flags); i++)
		if (strlen(runtime_flags[i].name) == length &&
		    memcmp(runtime_flags[i].name, name, length) == 0)
			return (int)i;
	for (size_t i = 0; i < ctx->descriptor->flag_count; i++)
		if (strlen(ctx->descriptor->flags[i].name) == length &&
		    memcmp(ctx->descriptor->flags[i].name, name, length) == 0)
			return -2 - (int)i;
	return -1;
}

/* Stores a runtime flag's value; false when it was already given. */
static bool set_runtime_flag(struct script_ctx *ctx, int index, const char *value)
{
	const char **slot = NULL;

	switch (index) {
	case FLAG_ENV:
		slot = &ctx->env_flag;
		break;
	case FLAG_EXECUTOR:
		slot = &ctx->executor;
		break;
	case FLAG_REASON:
		slot = &ctx->reason;
		break;
	case FLAG_CONFIRM:
		slot = &ctx->confirm_production;
		break;
	case FLAG_DRY_RUN:
		if (ctx->dry_run)
			return false;
		ctx->dry_run = true;
		return true;
	default:
		ctx->help = true;
		return true;
	}
	if (*slot)
		return false;
	*slot = value;
	return true;
}

static void check_values(struct script_ctx *ctx)
{
	enum erp_env env;

	if (ctx->env_flag && config_env_parse(ctx->env_flag, &env) != 0)
		usage_error(ctx, "--env must be development, test, staging or production, not \"%s\"",
			    ctx->env_flag);
	if (ctx->executor && !is_printable_text(ctx->executor))
		usage_error(ctx, "--executor must be 1..500 printable characters");
	if (ctx->reason && !is_printable_text(ctx->reason))
		usage_error(ctx, "--reason must be 1..500 printable characters");
	if (ctx->confirm_production && !is_printable_text(ctx->confirm_production))
		usage_error(ctx, "--confirm-production must name a database");
	for (size_t i = 0; i < ctx->descriptor->flag_count; i++)
		if (ctx->descriptor->flags[i].required && !ctx->values[i])
			usage_error(ctx, "--%s is required (see --help)", ctx->descriptor->flags[i].name);
}

static int build_arguments_json(struct script_ctx *ctx, json_t *unknown, int positional)
{
	json_t *args = json_object();
	const char *runtime_values[] = { ctx->env_flag, NULL, ctx->executor, ctx->reason,
					 ctx->confirm_production, NULL };
	char *text;
	int rc = 0;

	if (!args)
		return -1;
	for (size_t i = 0; i < RUNTIME_COUNT(runtime_flags); i++)
		if (runtime_values[i])
			rc |= json_object_set_new(args, runtime_flags[i].name,
						  json_string(runtime_values[i]));
	if (ctx->dry_run)
		rc |= json_object_set_new(args, "dry-run", json_true());
	for (size_t i = 0; i < ctx->descriptor->flag_count; i++) {
		const struct script_flag *flag = &ctx->descriptor->flags[i];

		if (!ctx->values[i])
			continue;
		rc |= json_object_set_new(args, flag->name,
					  flag->value_name ? json_string(ctx->values[i]) : json_true());
	}
	if (json_array_size(unknown))
		rc |= json_object_set(args, "unknown-flags", unknown);
	if (positional)
		rc |= json_object_set_new(args, "positional-arguments", json_integer(positional));
	text = rc ? NULL : json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(args);
	if (!text)
		return -1;
	ctx->arguments_json = arena_strdup(ctx->arena, text);
	free(text);
	return ctx->arguments_json ? 0 : -1;
}

int runtime_parse_flags(struct script_ctx *ctx, int argc, char **argv)
{
	json_t *unknown = json_array();
	int positional = 0, rc;

	ctx->values = arena_calloc(ctx->arena, ctx->descriptor->flag_count + 1, sizeof(char *));
	if (!unknown || !ctx->values) {
		json_decref(unknown);
		return -1;
	}
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *name, *eq, *value = NULL;
		size_t length;
		bool takes_value;
		int index;

		if (strcmp(arg, "-h") == 0) {
			ctx->help = true;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			positional++;
			usage_error(ctx, "unexpected argument: flags only (see --help)");
			continue;
		}
		name = arg + 2;
		eq = strchr(name, '=');
		length = eq ? (size_t)(eq - name) : strlen(name);
		index = find_flag(ctx, name, length);
		if (index == -1) {
			if (is_plain_name(name, length)) {
				char *shown = arena_strndup(ctx->arena, name, length);

				json_array_append_new(unknown, json_sprintf("--%s", shown ? shown : ""));
				usage_error(ctx, "unknown flag --%s (see --help)", shown ? shown : "");
			} else {
				json_array_append_new(unknown, json_string("(malformed)"));
				usage_error(ctx, "malformed flag (see --help)");
			}
			continue;
		}
		takes_value = index >= 0 ? runtime_flags[index].value_name != NULL
					 : ctx->descriptor->flags[-2 - index].value_name != NULL;
		if (takes_value) {
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
				value = argv[++i];
			else {
				/*
				 * `--reason --dry-run` must not make "--dry-run" the reason (and the
				 * run real): a value that starts with -- goes as --flag=--value.
				 */
				usage_error(ctx, "--%s needs a value (see --help)",
					    index >= 0 ? runtime_flags[index].name
						       : ctx->descriptor->flags[-2 - index].name);
				continue;
			}
			if (value) {
				/* Everything a value reaches (audit columns, JSON) is UTF-8. */
				json_t *probe = json_string(value);

				if (!probe) {
					usage_error(ctx, "the value of --%s is not valid UTF-8",
						    index >= 0 ? runtime_flags[index].name
							       : ctx->descriptor->flags[-2 - index].name);
					value = "(not UTF-8)";
				}
				json_decref(probe);
			}
		} else if (eq) {
			usage_error(ctx, "--%s takes no value",
				    index >= 0 ? runtime_flags[index].name
					       : ctx->descriptor->flags[-2 - index].name);
			continue;
		}
		if (index >= 0) {
			if (!set_runtime_flag(ctx, index, value))
				usage_error(ctx, "--%s is given twice", runtime_flags[index].name);
		} else if (ctx->values[-2 - index]) {
			usage_error(ctx, "--%s is given twice", ctx->descriptor->flags[-2 - index].name);
		} else {
			ctx->values[-2 - index] = value ? value : "";
		}
	}
	check_values(ctx);
	rc = build_arguments_json(ctx, unknown, positional);
	json_decref(unknown);
	return rc;
}

static void print_flag(FILE *out, const char *name, const char *value_name, const char *help)
{
	char left[64];

	snprintf(left, sizeof(left), "--%s%s%s", name, value_name ? " " : "",
		 value_name ? value_name : "");
	if (strlen(left) > 24)
		fprintf(out, "  %s\n  %-24s %s\n", left, "", help);
	else
		fprintf(out, "  %-24s %s\n", left, help);
}

void runtime_print_help(const struct script_ctx *ctx, FILE *out)
{
	const struct script_descriptor *d = ctx->descriptor;

	fprintf(out, "Usage: %s [flags]\n\n%s\n", ctx->program, d->summary);
	if (d->details)
		fprintf(out, "\n%s\n", d->details);
	if (d->flag_count) {
		fprintf(out, "\nFlags:\n");
		for (size_t i = 0; i < d->flag_count; i++)
			print_flag(out, d->flags[i].name, d->flags[i].value_name, d->flags[i].help);
	}
	fprintf(out, "\nEvery script:\n");
	for (size_t i = 0; i < RUNTIME_COUNT(runtime_flags); i++)
		print_flag(out, runtime_flags[i].name, runtime_flags[i].value_name,
			   runtime_flags[i].help);
	if (d->development_only)
		fprintf(out, "\nDevelopment only: every other environment is refused (exit 77).\n");
	fprintf(out,
		"\n%s\n"
		"Database: ERP_DATABASE_URL. Every run is recorded in script_executions (start and\n"
		"end rows, hash-chained), dry runs, refusals and failures included. With CI set,\n"
		"only --env test runs. In production, --confirm-production and --reason are required.\n"
		"\nExit codes: 0 ok, 64 usage, 65 data error, 66 input file missing, 69 database\n"
		"unavailable, 70 internal error, 75 concurrent change (run again), 77 refused,\n"
		"78 configuration error. See server/scripts/README.md.\n",
		d->idempotent ? "Idempotent: a second run changes nothing and says \"0 changes\"."
			      : "Not idempotent: read the README before running it twice.");
}

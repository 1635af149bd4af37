/*
 * The guards: which environment a run targets, and whether it may run there.
 * A refusal is a normal outcome of the run: audited, exit 77.
 */
#include <stdlib.h>
#include <string.h>

#include "scripts/runtime/internal.h"

void runtime_resolve_environment(struct script_ctx *ctx, const struct erp_config *config)
{
	enum erp_env env;

	/* A bad --env is already a usage error; the run is then audited under ERP_ENV. */
	if (ctx->env_flag && config_env_parse(ctx->env_flag, &env) == 0)
		ctx->env = env;
	else
		ctx->env = config->env;
	ctx->environment = config_env_name(ctx->env);
	ctx->env_variable = getenv("ERP_ENV");
}

int runtime_guard(struct script_ctx *ctx)
{
	const char *ci = getenv("CI");

	/*
	 * The flag names where the operator thinks the run goes; the machine's
	 * ERP_ENV says where it is. They must agree, or `--env development` in a
	 * production shell would switch the production guard off.
	 */
	if (ctx->env_flag && ctx->env_variable && *ctx->env_variable &&
	    strcmp(ctx->env_flag, ctx->env_variable) != 0)
		return script_refuse(ctx,
				     "--env %s contradicts ERP_ENV=%s: a run cannot change the environment "
				     "it targets", ctx->env_flag, ctx->env_variable);
	/* CI exercises scripts only against its own throw-away test databases. */
	if (ci && *ci && ctx->env != ERP_ENV_TEST)
		return script_refuse(ctx,
				     "CI is set: under CI scripts run only with --env test, not against %s",
				     ctx->environment);
	/* Demo and fixture data never reach a shared environment, dry runs included. */
	if (ctx->descriptor->development_only && ctx->env != ERP_ENV_DEVELOPMENT)
		return script_refuse(ctx,
				     "%s runs only in development, not in %s: it writes made-up data",
				     ctx->program, ctx->environment);
	/* A confirmation that names another database is a mistake in any environment. */
	if (ctx->confirm_production && strcmp(ctx->confirm_production, ctx->database_name) != 0)
		return script_refuse(ctx,
				     "--confirm-production names \"%s\", but the database connected to is "
				     "\"%s\"",
				     ctx->confirm_production, ctx->database_name);
	if (ctx->env == ERP_ENV_PRODUCTION) {
		if (!ctx->confirm_production)
			return script_refuse(ctx,
					     "production: --confirm-production=<name of the database> "
					     "and --reason \"<change ticket>\" are required");
		if (!ctx->reason)
			return script_refuse(ctx,
					     "production: --reason \"<change ticket>\" is required");
	}
	return 0;
}

#include "platform/app/app.h"

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "common/alloc.h"
#include "platform/audit/audit.h"
#include "platform/audit/audit_commands.h"
#include "platform/audit/audit_mac.h"
#include "platform/app/catalog.h"
#include "platform/ops/config.h"
#include "platform/db/db.h"
#include "platform/ops/log.h"
#include "platform/ops/log_sink.h"
#include "platform/db/migrate.h"
#include "platform/app/module_order.h"
#include "platform/http/server.h"

static void print_help(FILE *out, const struct erp_app *app)
{
	size_t count;
	const struct erp_config_var *vars = config_variables(&count);

	fprintf(out,
		"Usage: erp-server <command>\n\n"
		"Commands:\n"
		"  serve             serve the HTTP API (never changes the schema)\n"
		"  migrate           apply pending schema migrations, then exit\n"
		"  migrate --status  list applied and pending migrations\n"
		"  audit verify-scripts [--head ID:HEX]\n"
		"                    check the hash chain of the admin scripts' audit trail,\n"
		"                    and that it still leads to a head recorded elsewhere\n"
		"                    (read-only; exit 65 names the first broken row)\n"
		"  audit verify-events\n"
		"                    check the MAC of every audit event (read-only; needs\n"
		"                    ERP_AUDIT_KEY_FILE; exit 65 lists the rows that fail)\n");
	for (size_t m = 0; m < app->module_count; m++)
		for (size_t v = 0; v < app->modules[m]->verifier_count; v++)
			fprintf(out, "  audit %s\n                    %s\n",
				app->modules[m]->verifiers[v].command, app->modules[m]->verifiers[v].summary);
	fprintf(out,
		"  --version         print the version\n"
		"  --help            print this help\n\n"
		"Configuration (environment variables):\n");
	for (size_t i = 0; i < count; i++)
		fprintf(out, "  %-28s %s\n  %-28s default: %s; accepted: %s\n", vars[i].name,
			vars[i].description, "", vars[i].default_value ? vars[i].default_value : "(none)",
			vars[i].accepted);
	fprintf(out, "\nExit codes: 0 ok, 64 usage, 65 data error, 69 database unavailable, "
		     "70 internal error, 78 configuration error.\n");
}

static int run_migrate(const struct erp_config *config, const struct erp_app *app, bool status_only)
{
	struct db_options options = { .connect_timeout_s = config->db_connect_timeout_s,
				      .application_name = "erp-server migrate" };
	struct migration_set set;
	struct audit_key key;
	struct db_conn *conn;
	char err[1024];
	int rc;

	/* The catalog sync writes an audit event, which carries a MAC like every other. */
	if (!status_only) {
		if (audit_key_load(config->audit_key_file, &key, err, sizeof(err))) {
			fprintf(stderr, "erp-server migrate: %s\n", err);
			return EX_CONFIG;
		}
		audit_use_key(&key);
		audit_key_wipe(&key);
	}
	if (migration_set_load(config->migrations_dir, &set, err, sizeof(err))) {
		fprintf(stderr, "erp-server migrate: %s\n", err);
		return EX_DATAERR;
	}
	conn = db_open(config->database_url, &options);
	if (!conn || db_connect(conn)) {
		fprintf(stderr, "erp-server migrate: cannot connect to the database: %s\n",
			conn ? db_last_message(conn) : "out of memory");
		db_close(conn);
		migration_set_release(&set);
		return EX_UNAVAILABLE;
	}
	if (status_only) {
		rc = migrate_status(conn, &set, stdout, err, sizeof(err));
		if (rc >= 0)
			printf("%d pending of %zu\n", rc, set.count);
	} else {
		rc = migrate_apply(conn, &set, stdout, err, sizeof(err));
		if (rc >= 0)
			printf("applied %d migration%s; the schema is current (%zu in all)\n", rc,
			       rc == 1 ? "" : "s", set.count);
		if (rc >= 0) {
			/* The catalog copy follows the schema: scripts read it from the database. */
			int changes = catalog_sync(conn, app->modules, app->module_count, stdout, err,
						   sizeof(err));
			if (changes >= 0)
				printf("permission catalog: %d change%s\n", changes, changes == 1 ? "" : "s");
			rc = changes < 0 ? -1 : rc;
		}
	}
	if (rc < 0)
		fprintf(stderr, "erp-server migrate: %s\n", err);
	db_close(conn);
	migration_set_release(&set);
	return rc < 0 ? EX_DATAERR : 0;
}

static int run_serve(const struct erp_config *config, const struct erp_app *app)
{
	struct erp_server server;
	struct audit_key key;
	sigset_t signals;
	char err[1024] = "";
	int signal_number = 0;

	/* Every audit event carries a MAC: no key, no server (before any thread starts). */
	if (audit_key_load(config->audit_key_file, &key, err, sizeof(err))) {
		log_error("server.start_failed", "%s", err);
		fprintf(stderr, "erp-server: %s\n", err);
		return EX_CONFIG;
	}
	audit_use_key(&key);
	audit_key_wipe(&key);

	/* Block the stop signals before any thread starts, so only sigwait() sees them. */
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	log_sink_start(config->log_flush_ms);
	if (server_init(&server, config, app->modules, app->module_count, err, sizeof(err)) ||
	    (app->compose && app->compose(&server)) || server_start(&server, err, sizeof(err))) {
		log_error("server.start_failed", "%s", err[0] ? err : "composition failed");
		fprintf(stderr, "erp-server: %s\n", err[0] ? err : "composition failed");
		server_release(&server);
		log_sink_stop();
		return EX_CONFIG;
	}
	{
		char port[8], threads[8];
		const char *fields[] = { "addr", config->http_addr, "port", port, "threads", threads,
					 "env", config_env_name(config->env), "version", ERP_VERSION,
					 NULL };

		snprintf(port, sizeof(port), "%u", server.bound_port);
		snprintf(threads, sizeof(threads), "%u", config->threads);
		log_event(ERP_LOG_INFO, "server.started", fields, "listening on http://%s:%u",
			  config->http_addr, server.bound_port);
	}
	sigwait(&signals, &signal_number);
	log_info("server.stopping", "received %s; finishing in-flight requests (up to %u s)",
		 signal_number == SIGINT ? "SIGINT" : "SIGTERM", config->shutdown_grace_s);
	server_stop(&server, config->shutdown_grace_s);
	server_release(&server);
	log_sink_stop();
	log_info("server.stopped", "stopped cleanly");
	return 0;
}

/* The modules in start order (erp_free() it), or NULL after saying on stderr why there is none. */
static const struct erp_module **start_order(const struct erp_app *app)
{
	const struct erp_module **modules = erp_xcalloc(app->module_count + 1, sizeof(*modules));
	char err[512];

	if (module_order(app->modules, app->module_count, modules, err, sizeof(err))) {
		fprintf(stderr, "erp-server: %s\n", err);
		erp_free(modules);
		return NULL;
	}
	return modules;
}

int app_main(int argc, char **argv, const struct erp_app *given)
{
	struct erp_config config;
	struct erp_app ordered = *given, *app = &ordered;
	const struct erp_module **modules;
	char err[512];
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help(argc < 2 ? stderr : stdout, given);
		return argc < 2 ? EX_USAGE : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("erp-server %s\n", ERP_VERSION);
		return 0;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "erp-server: libsodium failed to initialise\n");
		return EX_SOFTWARE;
	}
	json_set_alloc_funcs(erp_malloc, erp_free);
	modules = start_order(given);
	if (!modules)
		return EX_CONFIG;
	ordered.modules = modules;
	if (config_load_env(&config, err, sizeof(err))) {
		fprintf(stderr, "erp-server: %s\n", err);
		erp_free(modules);
		return EX_CONFIG;
	}
	log_init(config.log_level, config.log_format);
	if (strcmp(argv[1], "serve") == 0 && argc == 2)
		rc = run_serve(&config, app);
	else if (strcmp(argv[1], "migrate") == 0 && argc == 2)
		rc = run_migrate(&config, app, false);
	else if (strcmp(argv[1], "migrate") == 0 && argc == 3 && strcmp(argv[2], "--status") == 0)
		rc = run_migrate(&config, app, true);
	else if (strcmp(argv[1], "audit") == 0)
		rc = audit_command(&config, app->modules, app->module_count, argc - 2, argv + 2);
	else {
		fprintf(stderr, "erp-server: unknown command \"%s\"; see erp-server --help\n", argv[1]);
		rc = EX_USAGE;
	}
	audit_use_key(NULL);
	config_release(&config);
	erp_free(modules);
	return rc;
}

#include "platform/audit/audit_commands.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "platform/audit/audit_mac.h"
#include "platform/ops/config.h"
#include "platform/db/db.h"
#include "platform/audit/event_audit.h"
#include "platform/audit/script_audit.h"
#include "platform/http/route.h"
#include "shared-kernel/errors.h"

/* A connection for a verifier; NULL after saying why on stderr. */
static struct db_conn *connect_database(const struct erp_config *config)
{
	struct db_options options = { .connect_timeout_s = config->db_connect_timeout_s,
				      .statement_timeout_ms = config->db_statement_timeout_ms,
				      .application_name = "erp-server audit" };
	struct db_conn *conn = db_open(config->database_url, &options);

	if (!conn || db_connect(conn)) {
		fprintf(stderr, "erp-server audit: cannot connect to the database: %s\n",
			conn ? db_last_message(conn) : "out of memory");
		db_close(conn);
		return NULL;
	}
	return conn;
}

/* The exit status of a verifier's result: SCRIPT_AUDIT_* and EVENT_AUDIT_* share 0 and 1. */
static int exit_status(int rc, const char *err)
{
	if (rc == SCRIPT_AUDIT_INTACT)
		return 0;
	fprintf(stderr, "erp-server audit: %s\n", err);
	if (rc == SCRIPT_AUDIT_BROKEN)
		return EX_DATAERR;
	return rc == ERP_ERR_NO_MEMORY ? EX_SOFTWARE : EX_UNAVAILABLE;
}

static int verify_scripts(const struct erp_config *config, const struct script_audit_head *head)
{
	struct db_conn *conn = connect_database(config);
	char err[1024];
	int rc;

	if (!conn)
		return EX_UNAVAILABLE;
	rc = script_audit_verify(conn, head, stdout, err, sizeof(err));
	db_close(conn);
	return exit_status(rc, err);
}

static int verify_events(const struct erp_config *config)
{
	struct audit_key key;
	struct db_conn *conn;
	char err[1024];
	int rc;

	if (audit_key_load(config->audit_key_file, &key, err, sizeof(err))) {
		fprintf(stderr, "erp-server audit: %s\n", err);
		return EX_CONFIG;
	}
	conn = connect_database(config);
	if (!conn) {
		audit_key_wipe(&key);
		return EX_UNAVAILABLE;
	}
	rc = event_audit_verify(conn, &key, stdout, err, sizeof(err));
	db_close(conn);
	audit_key_wipe(&key);
	return exit_status(rc, err);
}

/* A module's check of its books (erp_verifier): 0 sound, 65 problems named, 69/70 unfinished. */
static int verify_module(const struct erp_config *config, const struct erp_verifier *verifier)
{
	struct db_conn *conn = connect_database(config);
	char err[1024] = "";
	int rc;

	if (!conn)
		return EX_UNAVAILABLE;
	rc = verifier->run(conn, stdout, err, sizeof(err));
	db_close(conn);
	fflush(stdout);
	if (rc == 0)
		return 0;
	if (rc == 1) {
		fprintf(stderr, "erp-server audit: %s found problems (named above)\n", verifier->command);
		return EX_DATAERR;
	}
	fprintf(stderr, "erp-server audit: %s: %s\n", verifier->command, err[0] ? err : "failed");
	return rc == ERP_ERR_NO_MEMORY || rc == ERP_ERR_INTERNAL ? EX_SOFTWARE : EX_UNAVAILABLE;
}

/* The verifier a module declares under command, or NULL. */
static const struct erp_verifier *find_verifier(const struct erp_module *const *modules,
						 size_t module_count, const char *command)
{
	for (size_t m = 0; m < module_count; m++)
		for (size_t v = 0; v < modules[m]->verifier_count; v++)
			if (strcmp(modules[m]->verifiers[v].command, command) == 0)
				return &modules[m]->verifiers[v];
	return NULL;
}

int audit_command(const struct erp_config *config, const struct erp_module *const *modules,
		  size_t module_count, int argc, char **argv)
{
	const struct erp_verifier *verifier;
	struct script_audit_head head;

	if (argc == 1 && strcmp(argv[0], "verify-scripts") == 0)
		return verify_scripts(config, NULL);
	if (argc == 3 && strcmp(argv[0], "verify-scripts") == 0 && strcmp(argv[1], "--head") == 0) {
		if (script_audit_head_parse(argv[2], &head) != 0) {
			fprintf(stderr, "erp-server audit: --head takes ID:HEX, a row id and its 64-digit "
					"row_hash, as a script run prints it (audit chain head: ID:HEX)\n");
			return EX_USAGE;
		}
		return verify_scripts(config, &head);
	}
	if (argc == 1 && strcmp(argv[0], "verify-events") == 0)
		return verify_events(config);
	verifier = argc == 1 ? find_verifier(modules, module_count, argv[0]) : NULL;
	if (verifier)
		return verify_module(config, verifier);
	fprintf(stderr, "erp-server audit: use verify-scripts [--head ID:HEX], verify-events or a"
			" module's check (see erp-server --help)\n");
	return EX_USAGE;
}

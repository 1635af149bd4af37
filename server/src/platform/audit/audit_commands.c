#include "platform/audit/audit_commands.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "platform/audit/audit_mac.h"
#include "platform/http/route.h"
#include "platform/ops/config.h"
#include "platform/db/db.h"
#include "platform/audit/event_audit.h"
#include "platform/audit/script_audit.h"
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

/*
 * Every check the modules add under command, one after another on one
 * connection; -1 when no module adds one. 0 when all are sound, 65 when one
 * found a problem (each still runs), 69 or 70 when one could not run.
 */
static int module_checks(const struct erp_config *config, const struct erp_module *const *modules,
			 size_t module_count, const char *command)
{
	struct db_conn *conn = NULL;
	int status = 0, found = 0;

	for (size_t m = 0; m < module_count; m++) {
		for (size_t c = 0; c < modules[m]->audit_check_count; c++) {
			const struct erp_audit_check *check = &modules[m]->audit_checks[c];
			char err[1024] = "";
			int rc;

			if (strcmp(check->command, command) != 0)
				continue;
			if (!found++ && !(conn = connect_database(config)))
				return EX_UNAVAILABLE;
			printf("%s: %s\n", modules[m]->name, check->name);
			rc = check->run(conn, stdout, err, sizeof(err));
			if (rc == 0)
				continue;
			fprintf(stderr, "erp-server audit: %s\n", err);
			if (rc > 0 && status == 0)
				status = EX_DATAERR;
			else if (rc < 0)
				status = rc == ERP_ERR_NO_MEMORY ? EX_SOFTWARE : EX_UNAVAILABLE;
		}
	}
	db_close(conn);
	fflush(stdout);
	return found ? status : -1;
}

int audit_command(const struct erp_config *config, const struct erp_module *const *modules,
		  size_t module_count, int argc, char **argv)
{
	struct script_audit_head head;
	int status;

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
	if (argc == 1 && (status = module_checks(config, modules, module_count, argv[0])) >= 0)
		return status;
	fprintf(stderr, "erp-server audit: use verify-scripts [--head ID:HEX], verify-events or verify-ledger; "
			"see erp-server --help\n");
	return EX_USAGE;
}

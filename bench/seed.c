/*
 * Seeds the benchmark's throw-away database (never any other): a company
 * BENCH, a role "bench-reader" with iam.company.read and iam.user.read held
 * by bench@example.com in BENCH. The password comes from the environment
 * (BENCH_PASSWORD), never argv.
 *
 * Usage: BENCH_PASSWORD=... bench-seed DATABASE_URL
 */
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(PGconn *conn, const char *sql, int count, const char *const *params)
{
	PGresult *res = PQexecParams(conn, sql, count, NULL, params, NULL, NULL, 0);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "bench-seed: %s", PQerrorMessage(conn));
	PQclear(res);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *password = getenv("BENCH_PASSWORD");
	char hash[crypto_pwhash_STRBYTES];
	const char *params[1];
	PGconn *conn;
	int rc = 0;

	if (argc != 2 || !password || sodium_init() < 0) {
		fprintf(stderr, "usage: BENCH_PASSWORD=... bench-seed DATABASE_URL\n");
		return 64;
	}
	if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return 71;
	conn = PQconnectdb(argv[1]);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "bench-seed: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return 69;
	}
	params[0] = hash;
	rc |= run(conn, "INSERT INTO companies (id, code, name, currency)"
			" VALUES (gen_random_uuid(), 'BENCH', 'Benchmark Ltd', 'EUR')", 0, NULL);
	rc |= run(conn, "INSERT INTO roles (id, name) VALUES (gen_random_uuid(), 'bench-reader')", 0, NULL);
	rc |= run(conn, "INSERT INTO role_permissions SELECT id, p FROM roles,"
			" unnest(ARRAY['iam.company.read', 'iam.user.read']) p WHERE name = 'bench-reader'",
		  0, NULL);
	rc |= run(conn, "INSERT INTO users (id, email, display_name, password_hash)"
			" VALUES (gen_random_uuid(), 'bench@example.com', 'Bench', $1)", 1, params);
	rc |= run(conn, "INSERT INTO role_assignments (id, user_id, role_id, company_id)"
			" SELECT gen_random_uuid(), u.id, r.id, c.id FROM users u, roles r, companies c"
			" WHERE u.email = 'bench@example.com' AND r.name = 'bench-reader' AND c.code = 'BENCH'",
		  0, NULL);
	rc |= run(conn, "UPDATE authz_version SET version = version + 1", 0, NULL);
	PQfinish(conn);
	return rc ? 70 : 0;
}

/*
 * The sealer: links each company's committed posted entries into its hash
 * chain and adds their lines to the balances, after the postings commit, so
 * that no posting waits for another's link or balance rows
 * (docs/architecture.md, "The chain and the balances, sealed after
 * commit"). One thread per server, with a connection of its own. It looks
 * when a posting commits (ledger_sealer_wake()), every SEAL_IDLE_MS in any
 * case (entries another server posted, or one that stopped before it
 * sealed them), and once more as the server stops, after its last request.
 *
 * Per company, one transaction per batch of up to SEAL_BATCH entries, in
 * one round trip: the database seals them (ledger_seal(), migration
 * 20261218000000): it takes the company's chain head (SKIP LOCKED: a
 * company another sealer holds is left to it and looked at again later),
 * links the entries in the order they took their posting numbers with
 * hashes it computes from the stored rows, adds their lines to the
 * balances and moves the head. The server's login writes none of those
 * itself (docs/controls/ledger.md, "Only the database seals").
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/monotonic.h"
#include "modules/ledger/internal.h"
#include "platform/http/server.h"
#include "platform/ops/log.h"
#include "shared-kernel/errors.h"

/*
 * SEAL_PAUSE_MS after a look that sealed something, the next one waits:
 * under load a look then links the postings of that while in one batch,
 * instead of a transaction per posting or two.
 */
enum { SEAL_BATCH = 256, SEAL_IDLE_MS = 1000, SEAL_PAUSE_MS = 250 };

struct sealer {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* CLOCK_MONOTONIC */
	/* Under lock. */
	bool running;
	bool woken;
	bool stopping;
	/* The thread's own. */
	pthread_t thread;
	struct db_conn *db;
	bool failing; /* the last look failed, and said so */
};

static struct sealer sealer = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* One batch of one company, for db_transaction(). */
struct seal_job {
	struct arena *arena;
	const char *company_id;
	int sealed; /* entries linked */
};

static int seal_batch(struct db_conn *db, void *arg)
{
	struct seal_job *job = arg;
	char most[16];
	const char *params[] = { job->company_id, most };
	struct db_batch *batch = db_batch_new(job->arena);
	PGresult *res;
	int rc;

	job->sealed = 0;
	snprintf(most, sizeof(most), "%d", SEAL_BATCH);
	db_batch_add(batch, &ledger_sql_seal_async, 0, NULL, NULL);
	db_batch_add(batch, &ledger_sql_seal, 2, params, &res);
	rc = db_batch_run(db, batch);
	/* NULL: held by another sealer, its to link. */
	if (!rc && !PQgetisnull(res, 0, 0))
		job->sealed = (int)strtol(db_value(res, 0, "sealed"), NULL, 10);
	return rc;
}

/* Every company with entries to seal, batch after batch; 0 or the first failure's code. */
static int seal_all(struct arena *arena, int *sealed)
{
	PGresult *companies;
	int first_failure, rc = db_query(sealer.db, arena, &ledger_sql_seal_companies, 0, NULL, &companies);

	/* A company that fails (its next place taken by a forged seal, say) holds up no other. */
	first_failure = rc;
	for (int row = 0; !rc && row < PQntuples(companies); row++) {
		struct seal_job job = { .company_id = db_value(companies, row, "id") };
		int company_rc;

		do {
			job.arena = arena_new(64 * 1024);
			if (!job.arena)
				return ERP_ERR_NO_MEMORY;
			company_rc = db_transaction(sealer.db, seal_batch, &job);
			arena_free(job.arena);
			if (!company_rc)
				*sealed += job.sealed;
		} while (!company_rc && job.sealed == SEAL_BATCH);
		if (company_rc && !first_failure)
			first_failure = company_rc;
	}
	return first_failure;
}

/* Seals what there is; whether it sealed anything. */
static bool look(void)
{
	struct arena *arena = arena_new(16 * 1024);
	int sealed = 0;
	int rc = arena ? seal_all(arena, &sealed) : ERP_ERR_NO_MEMORY;

	arena_free(arena);
	if (rc && !sealer.failing)
		log_warn("ledger.seal_failed", "cannot seal posted entries (%s: %s); trying again",
			 erp_error_name(rc), db_last_message(sealer.db));
	else if (!rc && sealer.failing)
		log_info("ledger.seal_resumed", "sealing posted entries again");
	sealer.failing = rc != ERP_OK;
	return sealed > 0;
}

/* until: now + ms on CLOCK_MONOTONIC (monotonic_ns(), the cond's clock). */
static void deadline(struct timespec *until, long ms)
{
	uint64_t at = monotonic_ns() + (uint64_t)ms * 1000000u;

	until->tv_sec = (time_t)(at / 1000000000u);
	until->tv_nsec = (long)(at % 1000000000u);
}

/* Waits under the lock until until, or (when woken counts) a wake; false once stopping. */
static bool wait_until(const struct timespec *until, bool woken_counts)
{
	while (!sealer.stopping && !(woken_counts && sealer.woken) &&
	       pthread_cond_timedwait(&sealer.wake, &sealer.lock, until) != ETIMEDOUT)
		;
	return !sealer.stopping;
}

static void *run(void *unused)
{
	bool stopping = false, sealed = false;

	(void)unused;
	while (!stopping) {
		struct timespec until;

		pthread_mutex_lock(&sealer.lock);
		if (sealed) {
			deadline(&until, SEAL_PAUSE_MS);
			wait_until(&until, false);
		}
		deadline(&until, SEAL_IDLE_MS);
		wait_until(&until, true);
		sealer.woken = false;
		stopping = sealer.stopping; /* one more look: what the last requests posted */
		pthread_mutex_unlock(&sealer.lock);
		sealed = look();
	}
	return NULL;
}

void ledger_sealer_wake(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&sealer.lock);
	if (sealer.running && !sealer.woken) {
		sealer.woken = true;
		pthread_cond_signal(&sealer.wake);
	}
	pthread_mutex_unlock(&sealer.lock);
}

static int start(void *unused)
{
	pthread_condattr_t attributes;
	int rc;

	(void)unused;
	pthread_condattr_init(&attributes);
	pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	pthread_cond_init(&sealer.wake, &attributes);
	pthread_condattr_destroy(&attributes);
	pthread_mutex_lock(&sealer.lock);
	sealer.running = true;
	sealer.stopping = false;
	sealer.woken = true; /* what was posted while no server sealed */
	rc = pthread_create(&sealer.thread, NULL, run, NULL);
	if (rc)
		sealer.running = false;
	pthread_mutex_unlock(&sealer.lock);
	if (rc) {
		pthread_cond_destroy(&sealer.wake);
		db_close(sealer.db);
		sealer.db = NULL;
	}
	return rc ? -1 : 0;
}

static void stop(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&sealer.lock);
	sealer.stopping = true;
	pthread_cond_signal(&sealer.wake);
	pthread_mutex_unlock(&sealer.lock);
	pthread_join(sealer.thread, NULL);
	pthread_mutex_lock(&sealer.lock);
	sealer.running = false;
	pthread_mutex_unlock(&sealer.lock);
	pthread_cond_destroy(&sealer.wake);
	db_close(sealer.db);
	sealer.db = NULL;
}

int ledger_sealer_add(struct erp_server *server)
{
	const struct erp_config *config = server->config;
	struct db_options options = {
		.connect_timeout_s = config->db_connect_timeout_s,
		.statement_timeout_ms = config->db_statement_timeout_ms,
		.application_name = "erp-server sealer",
		.unnamed_statements = config->db_unnamed_statements,
	};

	sealer.db = db_open(config->database_url, &options);
	if (!sealer.db)
		return -1;
	if (server_add_worker(server, &(struct erp_worker){ .name = "the ledger's sealer",
			      .start = start, .stop = stop })) {
		db_close(sealer.db);
		sealer.db = NULL;
		return -1;
	}
	return 0;
}

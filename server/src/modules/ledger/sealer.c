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
 * Per company, one transaction per batch of up to SEAL_BATCH entries: the
 * company's chain head (FOR UPDATE SKIP LOCKED: a company another sealer
 * holds is left to it and looked at again later), the entries (locked, in
 * the order they took their posting numbers), their hashes computed here,
 * then their places and hashes, their lines' balances and the head written
 * with COMMIT: two round trips per batch, however many entries it links.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/monotonic.h"
#include "modules/ledger/chain_form.h"
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

/*
 * The entries' places, previous hashes and hashes after the head, as the
 * JSON array of seals the mark and the balances read; their writes queued
 * for COMMIT.
 */
static int link_entries(struct db_conn *db, struct seal_job *job, PGresult *head, PGresult *entries)
{
	int rows = PQntuples(entries);
	long long last_seq = strtoll(db_value(head, 0, "last_seq"), NULL, 10);
	const char *prev = db_value(head, 0, "last_hash");
	json_t *seals = json_array();
	char *text = NULL, place[24];
	int rc = seals ? ERP_OK : ERP_ERR_NO_MEMORY;

	for (int row = 0; !rc && row < rows; row++) {
		char *hash = arena_alloc(job->arena, LEDGER_CHAIN_HASH_HEX + 1);

		snprintf(place, sizeof(place), "%lld", last_seq + 1 + row);
		if (!hash || ledger_chain_hash_row(job->arena, job->company_id, entries, row, place, prev,
						   hash) ||
		    json_array_append_new(seals, json_pack("{s:s, s:I, s:s?, s:s}", "id",
							  db_value(entries, row, "id"), "seq",
							  (json_int_t)(last_seq + 1 + row), "prev", prev,
							  "hash", hash)))
			rc = ERP_ERR_NO_MEMORY;
		prev = hash;
	}
	if (!rc) {
		text = erp_json_dumps(seals, JSON_COMPACT);
		rc = text ? ERP_OK : ERP_ERR_NO_MEMORY;
	}
	if (!rc) {
		const char *mark[] = { job->company_id, text }, *balances[] = { text };
		const char *advance[] = { job->company_id, place, prev, db_value(entries, rows - 1, "id") };

		rc = db_query_at_commit(db, &ledger_sql_seal_mark, 2, mark);
		if (!rc)
			rc = db_query_at_commit(db, &ledger_sql_seal_balances, 1, balances);
		if (!rc)
			rc = db_query_at_commit(db, &ledger_sql_seal_head_advance, 4, advance);
	}
	if (!rc)
		job->sealed = rows;
	free(text);
	json_decref(seals);
	return rc;
}

static int seal_batch(struct db_conn *db, void *arg)
{
	struct seal_job *job = arg;
	char limit[16];
	const char *company[] = { job->company_id }, *read[] = { job->company_id, limit };
	struct db_batch *batch = db_batch_new(job->arena);
	PGresult *head, *entries;
	int rc;

	job->sealed = 0;
	snprintf(limit, sizeof(limit), "%d", SEAL_BATCH);
	db_batch_add(batch, &ledger_sql_seal_async, 0, NULL, NULL);
	db_batch_add(batch, &ledger_sql_seal_head_ensure, 1, company, NULL);
	db_batch_add(batch, &ledger_sql_seal_head_lock, 1, company, &head);
	db_batch_add(batch, &ledger_sql_seal_entries, 2, read, &entries);
	rc = db_batch_run(db, batch);
	if (rc)
		return rc;
	/* Held by another sealer: its to link. Read before the head was ours: nothing to link. */
	if (PQntuples(head) == 0 || PQntuples(entries) == 0)
		return ERP_OK;
	return link_entries(db, job, head, entries);
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

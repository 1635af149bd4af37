#ifndef ERP_PLATFORM_IDEMPOTENCY_H
#define ERP_PLATFORM_IDEMPOTENCY_H

#include <stdbool.h>

#include "platform/db/db.h"
#include "platform/http/http.h"

/*
 * Idempotency-Key for POSTs that create money-moving documents
 * (ARCHITECTURE.md §4), on routes that declare ERP_TAKES_IDEMPOTENCY_KEY
 * (route.h). Keys are per user. Within the creating transaction:
 *
 *   same key, same request (method, path, canonical JSON body) -> the first
 *                                     answer is replayed (status, body, ETag,
 *                                     Location), nothing is created
 *   same key, another request         -> 422
 *   same key while the first request is still running -> 409
 *
 * The first answer is stored in the transaction that made the change, so
 * the two commit or vanish together: a client that lost the connection after
 * the commit gets the original answer when it retries.
 *
 * A key is kept ERP_IDEMPOTENCY_RETENTION_HOURS (at least 24) after its first
 * request. Past that it is forgotten: a request with it is a new request,
 * and its row is replaced. Each stored key also deletes a small batch of
 * expired ones (IDEMPOTENCY_PURGE_BATCH), skipping rows another transaction
 * holds, so the table stays bounded without a request ever waiting for
 * the purge.
 */
enum { IDEMPOTENCY_KEY_MAX = 200, IDEMPOTENCY_PURGE_BATCH = 16 };

/* An answer as stored with a key and replayed: the same headers both times. */
struct idempotency_answer {
	int status;
	const char *body;      /* JSON text, outliving the request (arena) */
	const char *location;  /* Location, or NULL */
	const char *etag;      /* ETag, or NULL */
};

struct idempotency {
	const char *key;        /* NULL: the request carries no Idempotency-Key */
	char request_hash[65];  /* hex BLAKE2b-256 of the request */
	char retention_hours[12]; /* ERP_IDEMPOTENCY_RETENTION_HOURS, as a statement parameter */
	bool replay;            /* set by idempotency_claim(): a stored answer exists */
	/* The stored answer (replay), or the one idempotency_store() recorded (arena). */
	struct idempotency_answer answer;
	PGresult *locked;       /* the claim's answers, between queue and claimed (arena) */
	PGresult *found;
};

/*
 * Reads the Idempotency-Key header and hashes the request. 0 (also when the
 * header is absent), or -1 after answering 400 for a malformed key, or 500
 * when the route does not declare ERP_TAKES_IDEMPOTENCY_KEY (a bug: the
 * key would be honoured without /openapi.json saying so).
 */
int idempotency_prepare(struct erp_request *req, struct idempotency *idem);

/*
 * Inside the transaction, before the change, in one round trip. ERP_OK
 * (check idem->replay), ERP_ERR_CONFLICT (the same key is being processed
 * right now) or ERP_ERR_INVALID (the key was used for another request), or
 * a database error. A key past its retention counts as absent. No-op
 * without a key.
 */
int idempotency_claim(struct db_conn *db, struct erp_request *req, struct idempotency *idem);

/*
 * The claim in two halves, so its statements share a round trip with the
 * use case's first reads: queue them on the transaction's first batch
 * (platform/db/db.h; they come first, before anything the key protects), run
 * it, then idempotency_claimed() answers as idempotency_claim() does. A
 * failed batch run is the caller's error to return; claimed is then not
 * called. Both are no-ops without a key.
 */
void idempotency_claim_queue(struct db_batch *batch, struct erp_request *req,
			     struct idempotency *idem);
int idempotency_claimed(struct erp_request *req, struct idempotency *idem);

/*
 * Inside the transaction, after the change: records the answer in idem
 * (also without a key: idempotency_respond() sends it) and, with a key, in
 * the table at COMMIT (db_query_at_commit()), with the purge of a batch of
 * expired keys. 0 or ERP_ERR_NO_MEMORY.
 */
int idempotency_store(struct db_conn *db, struct erp_request *req, struct idempotency *idem,
		      const struct idempotency_answer *answer);

/*
 * After the transaction: rc != 0 answers a failed claim (409/422) or
 * returns rc; rc == 0 sends idem->answer with its ETag and Location, the
 * first time or as a replay (then with Idempotent-Replayed: true). Returns
 * like a handler.
 */
int idempotency_respond(struct erp_request *req, const struct idempotency *idem, int rc);

#endif

#ifndef ERP_PLATFORM_IDEMPOTENCY_H
#define ERP_PLATFORM_IDEMPOTENCY_H

#include <stdbool.h>

#include "platform/db/db.h"
#include "platform/http/http.h"

/*
 * Idempotency-Key for POSTs that create money-moving documents
 * (ARCHITECTURE.md §4). Keys are per user. Within the creating transaction:
 *
 *   same key, same request (method, path, canonical JSON body) -> the first
 *                                     response is replayed, nothing is created
 *   same key, another request         -> 422
 *   same key while the first request is still running -> 409
 *
 * The first response is stored in the transaction that made the change, so
 * the two commit or vanish together: a client that lost the connection after
 * the commit gets the original answer when it retries.
 */
enum { IDEMPOTENCY_KEY_MAX = 200 };

struct idempotency {
	const char *key;        /* NULL: the request carries no Idempotency-Key */
	char request_hash[65];  /* hex BLAKE2b-256 of the request */
	bool replay;            /* set by idempotency_claim(): a stored answer exists */
	int status;
	const char *response;   /* arena text */
	PGresult *locked;       /* the claim's answers, between queue and claimed (arena) */
	PGresult *found;
};

/*
 * Reads the Idempotency-Key header and hashes the request. 0 (also when the
 * header is absent), or -1 after answering 400 for a malformed key.
 */
int idempotency_prepare(struct erp_request *req, struct idempotency *idem);

/*
 * Inside the transaction, before the change, in one round trip. ERP_OK
 * (check idem->replay), ERP_ERR_CONFLICT (the same key is being processed
 * right now) or ERP_ERR_INVALID (the key was used for another request), or
 * a database error. No-op without a key.
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
 * Inside the transaction, after the change: records the answer, at COMMIT
 * (db_query_at_commit()). No-op without a key.
 */
int idempotency_store(struct db_conn *db, struct erp_request *req, const struct idempotency *idem,
		      int status, const char *response);

/*
 * Answers a failed claim (409/422) or a replay (the stored status and body,
 * with Idempotent-Replayed: true). Returns like a handler.
 */
int idempotency_respond(struct erp_request *req, const struct idempotency *idem, int rc);

#endif

/*
 * The process-wide limit on password hashing (ERP_PASSWORD_HASH_CONCURRENCY).
 *
 * Each argon2id computation takes 64 MiB and a core for a fifth of a second,
 * and a worker thread serves nothing else meanwhile: unlimited, 32 parallel
 * logins held every worker and everyone else got 0.5 requests/s. A request
 * that needs a computation takes a slot first, without waiting: when none
 * is free it is answered 503 at once, and the worker moves on.
 *
 * A slot is a count, not a lock: taking one is a compare-and-swap on an
 * atomic counter, and the thread that holds it is marked, so service.c can
 * refuse to hash for a caller that forgot to take one.
 */
#include <stdatomic.h>

#include "modules/iam/internal.h"

static atomic_uint slots_total;
static atomic_uint slots_in_use;
static _Thread_local unsigned held_depth; /* takes by this thread not yet released */

void iam_hash_limit_init(unsigned slots)
{
	atomic_store(&slots_total, slots ? slots : 1);
}

bool iam_hash_limit_take(void)
{
	unsigned in_use = atomic_load(&slots_in_use);

	if (held_depth) { /* a nested take rides on the slot this thread already holds */
		held_depth++;
		return true;
	}
	do {
		if (in_use >= atomic_load(&slots_total))
			return false;
	} while (!atomic_compare_exchange_weak(&slots_in_use, &in_use, in_use + 1));
	held_depth = 1;
	return true;
}

void iam_hash_limit_release(void)
{
	if (held_depth && --held_depth == 0)
		atomic_fetch_sub(&slots_in_use, 1);
}

bool iam_hash_limit_held(void)
{
	return held_depth > 0;
}

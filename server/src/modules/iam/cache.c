/*
 * What every authenticated request reads, kept in the process: sessions by
 * token hash, grants by user, company scopes by code. No I/O here: auth.c
 * decides when an entry may be used (after the listener's barrier) and
 * fills the cache from the database; the database's notifications say what
 * to forget (migration 20261205000000_iam_cache_notify).
 *
 * Forgetting costs O(1), whatever it names. An entry records the
 * generations it was stored under, of its user (user_gen[stripe of the
 * user]) and of its kind, and is valid only while both are unchanged; a
 * notification bumps a generation. Users share stripes, so forgetting one
 * may make another re-read the database, never keep a stale answer.
 *
 * A value read from the database before a notification that forgets it
 * must not be stored after it. So every notification also bumps `epoch`; a
 * reader takes the epoch before its query, and a put stores nothing when the
 * epoch moved meanwhile (the value still serves the request that read it).
 *
 * Memory is fixed: sets of WAYS entries, the set chosen by a hash of the
 * key; a new entry takes an invalid slot of its set, else the oldest one.
 * One mutex: every operation is a few comparisons.
 */
#include <pthread.h>
#include <string.h>

#include "common/alloc.h"
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

enum {
	WAYS = 4,
	SESSION_SETS = 1024,
	GRANT_SETS = 256,
	COMPANY_SETS = 64,
	USER_STRIPES = 1024,
	TOKEN_HASH_HEX = 64,
};

struct session_slot {
	char token_hash[TOKEN_HASH_HEX + 1]; /* "" when unused */
	uint64_t user_gen;
	uint64_t kind_gen;
	uint64_t stored_ns;
	struct iam_cached_session value;
};

struct grants_slot {
	struct iam_grants *grants;            /* held; NULL when unused */
	uint64_t user_gen;
	uint64_t kind_gen;
	uint64_t stored_ns;
};

struct company_slot {
	struct erp_company_scope scope;       /* code "" when unused */
	uint64_t kind_gen;
	uint64_t stored_ns;
};

struct iam_cache {
	pthread_mutex_t lock;
	uint64_t epoch;
	uint64_t sessions_gen;
	uint64_t grants_gen;
	uint64_t companies_gen;
	uint64_t user_gen[USER_STRIPES];
	struct session_slot sessions[SESSION_SETS][WAYS];
	struct grants_slot grants[GRANT_SETS][WAYS];
	struct company_slot companies[COMPANY_SETS][WAYS];
};

/* FNV-1a: keys are token hashes (already uniform), UUIDs and company codes. */
static uint64_t hash_text(const char *text)
{
	uint64_t h = 1469598103934665603u;

	for (; *text; text++)
		h = (h ^ (unsigned char)*text) * 1099511628211u;
	return h;
}

static uint64_t *user_gen_of(struct iam_cache *c, const char *user_id)
{
	return &c->user_gen[hash_text(user_id) % USER_STRIPES];
}

struct iam_cache *iam_cache_new(void)
{
	struct iam_cache *c = erp_xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	/* Generation 0 belongs to no entry: every counter starts above it. */
	c->epoch = c->sessions_gen = c->grants_gen = c->companies_gen = 1;
	for (size_t i = 0; i < USER_STRIPES; i++)
		c->user_gen[i] = 1;
	return c;
}

void iam_cache_free(struct iam_cache *c)
{
	if (!c)
		return;
	for (size_t s = 0; s < GRANT_SETS; s++)
		for (size_t w = 0; w < WAYS; w++)
			iam_grants_free(c->grants[s][w].grants);
	pthread_mutex_destroy(&c->lock);
	erp_free(c);
}

uint64_t iam_cache_epoch(struct iam_cache *c)
{
	uint64_t epoch;

	pthread_mutex_lock(&c->lock);
	epoch = c->epoch;
	pthread_mutex_unlock(&c->lock);
	return epoch;
}

/* --- forgetting ----------------------------------------------------------------------------- */

void iam_cache_forget(struct iam_cache *c, const char *what)
{
	static const char user_prefix[] = "user:";
	size_t prefix = sizeof(user_prefix) - 1;

	pthread_mutex_lock(&c->lock);
	c->epoch++;
	if (strncmp(what, user_prefix, prefix) == 0 && what[prefix]) {
		(*user_gen_of(c, what + prefix))++;
	} else if (strcmp(what, "grants") == 0) {
		c->grants_gen++;
	} else if (strcmp(what, "companies") == 0) {
		c->companies_gen++;
		c->grants_gen++; /* grants name companies by code */
	} else {
		/* "all", or anything this build does not know: forget everything (fail closed). */
		c->sessions_gen++;
		c->grants_gen++;
		c->companies_gen++;
	}
	pthread_mutex_unlock(&c->lock);
}

/* --- sessions ------------------------------------------------------------------------------- */

static struct session_slot *session_set(struct iam_cache *c, const char *token_hash)
{
	return c->sessions[hash_text(token_hash) % SESSION_SETS];
}

/* The way a put writes: the key's own slot, else an unused or no longer current one, else
 * the oldest. The callers describe each way of their set in the three arrays. */
static int choose_way(const bool same_key[WAYS], const bool current[WAYS],
		      const uint64_t stored_ns[WAYS])
{
	int oldest = 0;

	for (int w = 0; w < WAYS; w++)
		if (same_key[w])
			return w;
	for (int w = 0; w < WAYS; w++)
		if (!current[w])
			return w;
	for (int w = 1; w < WAYS; w++)
		if (stored_ns[w] < stored_ns[oldest])
			oldest = w;
	return oldest;
}

static bool session_current(struct iam_cache *c, const struct session_slot *slot)
{
	return slot->token_hash[0] && slot->kind_gen == c->sessions_gen &&
	       slot->user_gen == *user_gen_of(c, slot->value.user_id);
}

/* The slot holding a current entry for token_hash that has not expired by now_ns; or NULL. */
static struct session_slot *session_find(struct iam_cache *c, const char *token_hash,
					 uint64_t now_ns)
{
	struct session_slot *set = session_set(c, token_hash);

	for (int w = 0; w < WAYS; w++) {
		struct session_slot *slot = &set[w];

		if (strcmp(slot->token_hash, token_hash) == 0 && session_current(c, slot))
			return now_ns < slot->value.expires_ns && now_ns < slot->value.idle_ns ? slot
												: NULL;
	}
	return NULL;
}

bool iam_cache_session_get(struct iam_cache *c, const char *token_hash, uint64_t now_ns,
			   struct iam_cached_session *out)
{
	struct session_slot *slot;

	pthread_mutex_lock(&c->lock);
	slot = session_find(c, token_hash, now_ns);
	if (slot)
		*out = slot->value;
	pthread_mutex_unlock(&c->lock);
	return slot != NULL;
}

void iam_cache_session_put(struct iam_cache *c, uint64_t epoch, const char *token_hash,
			   const struct iam_cached_session *value, uint64_t now_ns)
{
	struct session_slot *set, *victim;
	bool same[WAYS], current[WAYS];
	uint64_t stored[WAYS];

	if (strlen(token_hash) != TOKEN_HASH_HEX)
		return;
	pthread_mutex_lock(&c->lock);
	if (epoch != c->epoch)
		goto out; /* something was forgotten since the value was read: it may be that */
	set = session_set(c, token_hash);
	for (int w = 0; w < WAYS; w++) {
		same[w] = strcmp(set[w].token_hash, token_hash) == 0;
		current[w] = session_current(c, &set[w]);
		stored[w] = set[w].stored_ns;
	}
	victim = &set[choose_way(same, current, stored)];
	memcpy(victim->token_hash, token_hash, TOKEN_HASH_HEX + 1);
	victim->value = *value;
	victim->user_gen = *user_gen_of(c, value->user_id);
	victim->kind_gen = c->sessions_gen;
	victim->stored_ns = now_ns;
out:
	pthread_mutex_unlock(&c->lock);
}

bool iam_cache_session_claim_touch(struct iam_cache *c, const char *token_hash, uint64_t now_ns,
				   uint64_t next_touch_ns)
{
	struct session_slot *slot;
	bool claimed = false;

	pthread_mutex_lock(&c->lock);
	slot = session_find(c, token_hash, now_ns);
	if (slot && now_ns >= slot->value.touch_ns) {
		slot->value.touch_ns = next_touch_ns; /* the others see it done and go on */
		claimed = true;
	}
	pthread_mutex_unlock(&c->lock);
	return claimed;
}

void iam_cache_session_touched(struct iam_cache *c, const char *token_hash, uint64_t now_ns,
			       uint64_t idle_ns)
{
	struct session_slot *slot;

	pthread_mutex_lock(&c->lock);
	slot = session_find(c, token_hash, now_ns);
	if (slot && idle_ns > slot->value.idle_ns)
		slot->value.idle_ns = idle_ns;
	pthread_mutex_unlock(&c->lock);
}

/* --- grants --------------------------------------------------------------------------------- */

static struct grants_slot *grants_set(struct iam_cache *c, const char *user_id)
{
	return c->grants[hash_text(user_id) % GRANT_SETS];
}

static bool grants_current(struct iam_cache *c, const struct grants_slot *slot)
{
	return slot->grants && slot->kind_gen == c->grants_gen &&
	       slot->user_gen == *user_gen_of(c, iam_grants_user(slot->grants));
}

struct iam_grants *iam_cache_grants_get(struct iam_cache *c, const char *user_id)
{
	struct grants_slot *set = grants_set(c, user_id);
	struct iam_grants *found = NULL;

	pthread_mutex_lock(&c->lock);
	for (int w = 0; w < WAYS && !found; w++) {
		struct grants_slot *slot = &set[w];

		if (grants_current(c, slot) && strcmp(iam_grants_user(slot->grants), user_id) == 0)
			found = iam_grants_hold(slot->grants);
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

void iam_cache_grants_put(struct iam_cache *c, uint64_t epoch, struct iam_grants *grants,
			  uint64_t now_ns)
{
	struct grants_slot *set = grants_set(c, iam_grants_user(grants)), *victim;
	struct iam_grants *released = NULL;
	bool same[WAYS], current[WAYS];
	uint64_t stored[WAYS];

	pthread_mutex_lock(&c->lock);
	if (epoch != c->epoch)
		goto out;
	for (int w = 0; w < WAYS; w++) {
		same[w] = set[w].grants &&
			  strcmp(iam_grants_user(set[w].grants), iam_grants_user(grants)) == 0;
		current[w] = grants_current(c, &set[w]);
		stored[w] = set[w].stored_ns;
	}
	victim = &set[choose_way(same, current, stored)];
	released = victim->grants;
	victim->grants = iam_grants_hold(grants);
	victim->user_gen = *user_gen_of(c, iam_grants_user(grants));
	victim->kind_gen = c->grants_gen;
	victim->stored_ns = now_ns;
out:
	pthread_mutex_unlock(&c->lock);
	iam_grants_free(released); /* outside the lock: it may be the last holder */
}

/* --- company scopes --------------------------------------------------------------------------- */

static struct company_slot *company_set(struct iam_cache *c, const char *code)
{
	return c->companies[hash_text(code) % COMPANY_SETS];
}

bool iam_cache_company_get(struct iam_cache *c, const char *code, struct erp_company_scope *out)
{
	struct company_slot *set = company_set(c, code);
	bool found = false;

	pthread_mutex_lock(&c->lock);
	for (int w = 0; w < WAYS && !found; w++) {
		if (set[w].kind_gen == c->companies_gen && strcmp(set[w].scope.code, code) == 0) {
			*out = set[w].scope;
			found = true;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

void iam_cache_company_put(struct iam_cache *c, uint64_t epoch, const struct erp_company_scope *scope,
			   uint64_t now_ns)
{
	struct company_slot *set = company_set(c, scope->code), *victim;
	bool same[WAYS], current[WAYS];
	uint64_t stored[WAYS];

	pthread_mutex_lock(&c->lock);
	if (epoch != c->epoch)
		goto out;
	for (int w = 0; w < WAYS; w++) {
		same[w] = strcmp(set[w].scope.code, scope->code) == 0;
		current[w] = set[w].kind_gen == c->companies_gen;
		stored[w] = set[w].stored_ns;
	}
	victim = &set[choose_way(same, current, stored)];
	victim->scope = *scope;
	victim->kind_gen = c->companies_gen;
	victim->stored_ns = now_ns;
out:
	pthread_mutex_unlock(&c->lock);
}

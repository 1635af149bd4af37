#include "platform/http/rate_limit.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "common/alloc.h"

enum { WAYS = 8, SETS = RATE_LIMIT_BUCKETS / WAYS, KEY_BYTES = 48 };

struct bucket {
	uint64_t hash;       /* of the whole key */
	uint64_t updated_ns; /* when tokens was last brought up to date */
	double tokens;
	bool used;
	char key[KEY_BYTES]; /* its first KEY_BYTES - 1 bytes */
};

struct set {
	pthread_mutex_t lock;
	struct bucket ways[WAYS];
};

struct rate_limit {
	double tokens_per_ns;
	double tokens_per_s;
	double burst;
	struct set *sets;
};

struct rate_limit *rate_limit_new(unsigned rate_per_s, unsigned burst)
{
	struct rate_limit *limit;

	if (rate_per_s == 0)
		return NULL;
	limit = erp_xcalloc(1, sizeof(*limit));
	limit->tokens_per_s = rate_per_s;
	limit->tokens_per_ns = rate_per_s / 1e9;
	limit->burst = burst ? burst : 1;
	limit->sets = erp_xcalloc(SETS, sizeof(*limit->sets));
	for (int i = 0; i < SETS; i++)
		pthread_mutex_init(&limit->sets[i].lock, NULL);
	return limit;
}

void rate_limit_free(struct rate_limit *limit)
{
	if (!limit)
		return;
	for (int i = 0; i < SETS; i++)
		pthread_mutex_destroy(&limit->sets[i].lock);
	erp_free(limit->sets);
	erp_free(limit);
}

/* FNV-1a, then mixed (splitmix64's finaliser) so that the set index uses well-spread bits. */
static uint64_t key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3u;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
	return h ^ (h >> 31);
}

/* The bucket's tokens at now_ns: refilled for the time since its last update, up to burst. */
static double refilled(const struct rate_limit *limit, const struct bucket *b, uint64_t now_ns)
{
	double tokens = b->tokens;

	if (now_ns > b->updated_ns)
		tokens += (double)(now_ns - b->updated_ns) * limit->tokens_per_ns;
	return tokens < limit->burst ? tokens : limit->burst;
}

/* key's bucket in set, or the one it replaces (empty, else the fullest), set up full. */
static struct bucket *find_or_claim(const struct rate_limit *limit, struct set *set,
				    const char *key, uint64_t hash, uint64_t now_ns)
{
	struct bucket *empty = NULL, *fullest = NULL, *victim;
	double fullest_tokens = -1;
	size_t length;

	for (int i = 0; i < WAYS; i++) {
		struct bucket *b = &set->ways[i];
		double tokens;

		if (!b->used) {
			if (!empty)
				empty = b;
			continue;
		}
		if (b->hash == hash && strncmp(b->key, key, KEY_BYTES - 1) == 0)
			return b;
		tokens = refilled(limit, b, now_ns);
		if (!fullest || tokens > fullest_tokens ||
		    (tokens == fullest_tokens && b->updated_ns < fullest->updated_ns)) {
			fullest = b;
			fullest_tokens = tokens;
		}
	}
	victim = empty ? empty : fullest;
	length = strnlen(key, KEY_BYTES - 1);
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->key, key, length);
	victim->used = true;
	victim->hash = hash;
	victim->tokens = limit->burst;
	victim->updated_ns = now_ns;
	return victim;
}

unsigned rate_limit_take(struct rate_limit *limit, const char *key, uint64_t now_ns)
{
	uint64_t hash = key_hash(key);
	struct set *set = &limit->sets[hash % SETS];
	struct bucket *b;
	double tokens, wait_s;
	unsigned seconds;

	pthread_mutex_lock(&set->lock);
	b = find_or_claim(limit, set, key, hash, now_ns);
	tokens = refilled(limit, b, now_ns);
	b->updated_ns = now_ns > b->updated_ns ? now_ns : b->updated_ns;
	if (tokens >= 1) {
		b->tokens = tokens - 1;
		pthread_mutex_unlock(&set->lock);
		return 0;
	}
	b->tokens = tokens;
	pthread_mutex_unlock(&set->lock);
	/* Whole seconds, rounded up: a client that waits them finds a token. */
	wait_s = (1 - tokens) / limit->tokens_per_s;
	seconds = (unsigned)wait_s;
	if ((double)seconds < wait_s)
		seconds++;
	return seconds < 1 ? 1 : seconds;
}

/* cache.c — see cache.h. A chained hash table with an intrusive LRU list,
 * all under one mutex: an operation is a hash, a short chain walk and one
 * memcpy of at most a page's worth of bytes. */
#include "cache.h"
#include "buf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 4096 /* a power of two */

struct entry {
	struct entry *next;             /* bucket chain */
	struct entry *newer, *older;    /* LRU list */
	uint64_t hash;
	int64_t gen;
	size_t klen, vlen;
	char data[];                    /* key, NUL, value */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct entry *buckets[NBUCKETS];
static struct entry *newest, *oldest;
static size_t bytes, nentries;
/* read without the mutex too: a cache that is off costs no lock, copy or
 * allocation (lists measured with the cache off) */
static _Atomic size_t max_bytes = 64u << 20;
static int64_t top_gen = -1; /* the newest generation seen: older entries can never hit again */
static uint64_t hits, misses;

static uint64_t hash_key(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
	return h;
}

static size_t entry_size(const struct entry *e)
{
	return sizeof *e + e->klen + 1 + e->vlen;
}

static void lru_unlink(struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(struct entry *e)
{
	e->older = newest;
	e->newer = NULL;
	if (newest)
		newest->newer = e;
	newest = e;
	if (!oldest)
		oldest = e;
}

static void drop(struct entry *e)
{
	struct entry **pp = &buckets[e->hash & (NBUCKETS - 1)];
	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	lru_unlink(e);
	bytes -= entry_size(e);
	nentries--;
	free(e);
}

static void drop_all(void)
{
	while (oldest)
		drop(oldest);
}

static struct entry *find(const char *key, size_t klen, uint64_t h)
{
	for (struct entry *e = buckets[h & (NBUCKETS - 1)]; e; e = e->next)
		if (e->hash == h && e->klen == klen && !memcmp(e->data, key, klen))
			return e;
	return NULL;
}

/* A newer generation makes every stored entry dead weight. Under mu. */
static void see_gen(int64_t gen)
{
	if (gen > top_gen) {
		drop_all();
		top_gen = gen;
	}
}

void cache_configure(size_t max)
{
	pthread_mutex_lock(&mu);
	drop_all();
	top_gen = -1;
	max_bytes = max;
	pthread_mutex_unlock(&mu);
}

void cache_clear(void)
{
	pthread_mutex_lock(&mu);
	drop_all();
	top_gen = -1;
	pthread_mutex_unlock(&mu);
}

int cache_get(const char *key, int64_t gen, struct buf *out)
{
	if (gen < 0 || !max_bytes)
		return 0;
	size_t klen = strlen(key);
	uint64_t h = hash_key(key, klen);
	pthread_mutex_lock(&mu);
	see_gen(gen);
	struct entry *e = find(key, klen, h);
	int hit = e && e->gen == gen && max_bytes;
	if (hit) {
		lru_unlink(e);
		lru_push(e);
		buf_append(out, e->data + klen + 1, e->vlen);
		hits++;
	} else {
		misses++;
	}
	pthread_mutex_unlock(&mu);
	return hit;
}

void cache_put(const char *key, int64_t gen, const void *p, size_t n)
{
	size_t klen = strlen(key);
	if (gen < 0 || !max_bytes)
		return;
	uint64_t h = hash_key(key, klen);
	struct entry *e = malloc(sizeof *e + klen + 1 + n);
	if (!e)
		return;
	*e = (struct entry){.hash = h, .gen = gen, .klen = klen, .vlen = n};
	memcpy(e->data, key, klen + 1);
	memcpy(e->data + klen + 1, p, n);
	pthread_mutex_lock(&mu);
	see_gen(gen);
	/* computed before a change another request has seen; or too big: one
	 * value may take an eighth of the cache at most */
	if (gen < top_gen || entry_size(e) > max_bytes / 8) {
		pthread_mutex_unlock(&mu);
		free(e);
		return;
	}
	struct entry *old = find(key, klen, h);
	if (old)
		drop(old);
	e->next = buckets[h & (NBUCKETS - 1)];
	buckets[h & (NBUCKETS - 1)] = e;
	lru_push(e);
	bytes += entry_size(e);
	nentries++;
	while (bytes > max_bytes && oldest)
		drop(oldest);
	pthread_mutex_unlock(&mu);
}

void cache_stats(struct cache_stats *st)
{
	pthread_mutex_lock(&mu);
	*st = (struct cache_stats){hits, misses, nentries, bytes, max_bytes};
	pthread_mutex_unlock(&mu);
}

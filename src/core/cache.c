/* cache.c — see cache.h. A chained hash table with an intrusive LRU list,
 * all under one mutex: an operation is a hash, a short chain walk and one
 * memcpy of at most a page's worth of c->bytes. */
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

struct cache {
	pthread_mutex_t mu;
	struct entry *buckets[NBUCKETS];
	struct entry *newest, *oldest;
	size_t bytes, max_bytes, nentries;
	int64_t top_gen; /* the newest generation seen: older entries can never hit again */
	uint64_t hits, misses;
};

struct cache *cache_new(size_t max_bytes)
{
	struct cache *c = calloc(1, sizeof *c);
	if (!c)
		abort(); /* start-up: nothing to do without memory */
	pthread_mutex_init(&c->mu, NULL);
	c->max_bytes = max_bytes;
	c->top_gen = -1;
	return c;
}

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

static void lru_unlink(struct cache *c, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(struct cache *c, struct entry *e)
{
	e->older = c->newest;
	e->newer = NULL;
	if (c->newest)
		c->newest->newer = e;
	c->newest = e;
	if (!c->oldest)
		c->oldest = e;
}

static void drop(struct cache *c, struct entry *e)
{
	struct entry **pp = &c->buckets[e->hash & (NBUCKETS - 1)];
	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	lru_unlink(c, e);
	c->bytes -= entry_size(e);
	c->nentries--;
	free(e);
}

static void drop_all(struct cache *c)
{
	while (c->oldest)
		drop(c, c->oldest);
}

static struct entry *find(struct cache *c, const char *key, size_t klen, uint64_t h)
{
	for (struct entry *e = c->buckets[h & (NBUCKETS - 1)]; e; e = e->next)
		if (e->hash == h && e->klen == klen && !memcmp(e->data, key, klen))
			return e;
	return NULL;
}

/* A newer generation makes every stored entry dead weight. Under mu. */
static void see_gen(struct cache *c, int64_t gen)
{
	if (gen > c->top_gen) {
		drop_all(c);
		c->top_gen = gen;
	}
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	drop_all(c);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void cache_clear(struct cache *c)
{
	pthread_mutex_lock(&c->mu);
	drop_all(c);
	c->top_gen = -1;
	pthread_mutex_unlock(&c->mu);
}

int cache_get(struct cache *c, const char *key, int64_t gen, struct buf *out)
{
	if (!c || gen < 0)
		return 0;
	size_t klen = strlen(key);
	uint64_t h = hash_key(key, klen);
	pthread_mutex_lock(&c->mu);
	see_gen(c, gen);
	struct entry *e = find(c, key, klen, h);
	int hit = e && e->gen == gen && c->max_bytes;
	if (hit) {
		lru_unlink(c, e);
		lru_push(c, e);
		buf_append(out, e->data + klen + 1, e->vlen);
		c->hits++;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void cache_put(struct cache *c, const char *key, int64_t gen, const void *p, size_t n)
{
	size_t klen = strlen(key);
	if (!c || !c->max_bytes || gen < 0)
		return;
	uint64_t h = hash_key(key, klen);
	struct entry *e = malloc(sizeof *e + klen + 1 + n);
	if (!e)
		return;
	*e = (struct entry){.hash = h, .gen = gen, .klen = klen, .vlen = n};
	memcpy(e->data, key, klen + 1);
	memcpy(e->data + klen + 1, p, n);
	pthread_mutex_lock(&c->mu);
	see_gen(c, gen);
	/* computed before a change another request has seen; or too big: one
	 * value may take an eighth of the cache at most */
	if (gen < c->top_gen || entry_size(e) > c->max_bytes / 8) {
		pthread_mutex_unlock(&c->mu);
		free(e);
		return;
	}
	struct entry *old = find(c, key, klen, h);
	if (old)
		drop(c, old);
	e->next = c->buckets[h & (NBUCKETS - 1)];
	c->buckets[h & (NBUCKETS - 1)] = e;
	lru_push(c, e);
	c->bytes += entry_size(e);
	c->nentries++;
	while (c->bytes > c->max_bytes && c->oldest)
		drop(c, c->oldest);
	pthread_mutex_unlock(&c->mu);
}

void cache_stats(struct cache *c, struct cache_stats *st)
{
	if (!c) {
		*st = (struct cache_stats){0};
		return;
	}
	pthread_mutex_lock(&c->mu);
	*st = (struct cache_stats){c->hits, c->misses, c->nentries, c->bytes, c->max_bytes};
	pthread_mutex_unlock(&c->mu);
}

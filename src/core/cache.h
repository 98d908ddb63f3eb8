/* cache.h — a cache of rendered results, valid for one data generation.
 * The server has one (struct app's cache); NULL is a cache that is off.
 *
 * A value is a byte string stored under a text key together with the data
 * generation it was computed at (db_data_gen(): a counter every audited
 * change bumps, in the same transaction). A lookup hits only when the
 * stored generation equals the one the caller read at the start of its
 * request, so any committed change anywhere invalidates every entry, in
 * this process and in any other that writes to the same database.
 *
 * The key must name everything the value depends on besides the data: the
 * user and their grants, the language, the query string. Values are copied
 * in and out under one mutex; the least recently used go when the cache is
 * over its size. Thread-safe. */
#ifndef WM_CACHE_H
#define WM_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct cache;

/* A cache holding at most max_bytes (keys and values); 0: off. Caller
 * frees with cache_free. */
struct cache *cache_new(size_t max_bytes);
void cache_free(struct cache *c);
/* On a hit appends the value to out and returns 1; otherwise returns 0.
 * A negative gen (the generation could not be read) never hits. */
int cache_get(struct cache *c, const char *key, int64_t gen, struct buf *out);
/* Stores a copy of p[0..n) under key for gen (replacing what was there). */
void cache_put(struct cache *c, const char *key, int64_t gen, const void *p, size_t n);
/* Drops every entry and forgets the newest generation seen. */
void cache_clear(struct cache *c);

struct cache_stats {
	uint64_t hits, misses, entries, bytes, max_bytes;
};
void cache_stats(struct cache *c, struct cache_stats *st);

#endif

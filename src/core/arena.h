/* arena.h — per-request memory arena.
 *
 * Everything a request allocates comes from its arena and is released at
 * once when the response has been sent. Finalizers (statements, files) can be
 * registered and run, newest first, when the arena is reset or freed.
 * An arena is owned by one thread; it is not thread-safe. */
#ifndef WM_ARENA_H
#define WM_ARENA_H

#include <stddef.h>
#include <stdarg.h>

struct arena_chunk;
struct arena_fin;

struct arena {
	struct arena_chunk *head;
	struct arena_fin *fins;
	size_t total; /* bytes handed out, for metrics and tests */
};

void arena_init(struct arena *a);
/* Runs finalizers and frees every chunk but the first, ready for reuse. */
void arena_reset(struct arena *a);
/* Runs finalizers and frees everything. */
void arena_free(struct arena *a);

/* Returns zeroed memory aligned for any type, valid until reset. Aborts on
 * out-of-memory: an allocation never fails silently. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Calls fn(ctx) when the arena is reset or freed (newest first). */
void arena_defer(struct arena *a, void (*fn)(void *), void *ctx);

#endif

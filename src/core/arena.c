/* arena.c — chunked bump allocator with finalizers. See arena.h. */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN (16 * 1024)
#define ALIGN 16

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap, used;
	_Alignas(ALIGN) unsigned char data[];
};

struct arena_fin {
	struct arena_fin *next;
	void (*fn)(void *);
	void *ctx;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fputs("wenming: out of memory\n", stderr);
		abort();
	}
	return p;
}

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof *a);
}

static void run_fins(struct arena *a)
{
	while (a->fins) {
		struct arena_fin *f = a->fins;
		a->fins = f->next;
		f->fn(f->ctx);
	}
}

void arena_reset(struct arena *a)
{
	run_fins(a);
	struct arena_chunk *c = a->head;
	if (!c)
		return;
	/* keep the oldest chunk (the last in the list): it is the usual size */
	while (c->next) {
		struct arena_chunk *n = c->next;
		free(c);
		c = n;
	}
	c->used = 0;
	a->head = c;
	a->total = 0;
}

void arena_free(struct arena *a)
{
	run_fins(a);
	while (a->head) {
		struct arena_chunk *n = a->head->next;
		free(a->head);
		a->head = n;
	}
	a->total = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need < n) {
		fputs("wenming: allocation overflow\n", stderr);
		abort();
	}
	struct arena_chunk *c = a->head;
	if (!c || c->cap - c->used < need) {
		size_t cap = need > CHUNK_MIN ? need : CHUNK_MIN;
		c = xmalloc(sizeof *c + cap);
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	a->total += need;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *ctx)
{
	struct arena_fin *f = arena_alloc(a, sizeof *f);
	f->fn = fn;
	f->ctx = ctx;
	f->next = a->fins;
	a->fins = f;
}

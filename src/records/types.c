/* types.c — the registry of record types, sections and observers.
 *
 * Filled once at start-up by the composition root (modules_init in app.c,
 * from each module's struct module) and read-only afterwards, so handlers
 * on every thread read it without locks. The engine names no module. */
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORDS_MAX_HOOKS 64

static const struct record_type *types[RECORDS_MAX_TYPES];
static const struct record_section *sections[RECORDS_MAX_HOOKS];
static const struct record_observer *observers[RECORDS_MAX_HOOKS];
static int nsections, nobservers;

const struct record_type *const *record_types = types;
int record_ntypes;

static void registry_full(const char *what)
{
	fprintf(stderr, "wenming: too many %s registered: raise the limit in records/types.c\n", what);
	abort();
}

void records_register_type(const struct record_type *t)
{
	/* a field table indexed by an enum with a hole is a programming error */
	for (int i = 0; i < t->nfields; i++)
		if (!t->fields[i].name) {
			fprintf(stderr, "records: field %d of %s has no name\n", i, t->name);
			abort();
		}
	if (record_type_find(t->name)) {
		fprintf(stderr, "wenming: the record type '%s' is registered twice\n", t->name);
		abort();
	}
	if (record_ntypes == RECORDS_MAX_TYPES)
		registry_full("record types");
	types[record_ntypes++] = t;
}

void records_register_section(const struct record_section *s)
{
	if (nsections == RECORDS_MAX_HOOKS)
		registry_full("detail sections");
	sections[nsections++] = s;
}

void records_register_observer(const struct record_observer *o)
{
	if (nobservers == RECORDS_MAX_HOOKS)
		registry_full("record observers");
	observers[nobservers++] = o;
}

const struct record_type *record_type_find(const char *name)
{
	for (int i = 0; name && i < record_ntypes; i++)
		if (strcmp(types[i]->name, name) == 0)
			return types[i];
	return NULL;
}

void records_render_sections(struct req *r, const struct record *rec)
{
	for (int i = 0; i < nsections; i++)
		if (sections[i]->render && strcmp(sections[i]->type, rec->type->name) == 0)
			sections[i]->render(r, rec);
}

int records_links(const struct record_type *t, const struct record_link **out, int max)
{
	int n = 0;
	for (const struct record_link *l = t->links; l && l->path && n < max; l++)
		out[n++] = l;
	for (int k = 0; k < nsections; k++)
		if (strcmp(sections[k]->type, t->name) == 0)
			for (const struct record_link *l = sections[k]->links; l && l->path && n < max; l++)
				out[n++] = l;
	return n;
}

int records_find_title(struct req *r, const struct record_type *t, const char *text, int64_t *ids, int max)
{
	for (int i = 0; i < nobservers; i++)
		if (observers[i]->find_title)
			return observers[i]->find_title(r, t, text, ids, max);
	return 0;
}

int records_notify_saved(struct req *r, const struct record *rec)
{
	int rc = 0;
	for (int i = 0; !rc && i < nobservers; i++)
		if (observers[i]->saved)
			rc = observers[i]->saved(r, rec);
	return rc;
}

int records_batch_begin(struct req *r, size_t rows, void ***state)
{
	*state = arena_alloc(r->a, (size_t)(nobservers + 1) * sizeof **state);
	int rc = 0;
	for (int i = 0; !rc && i < nobservers; i++)
		if (observers[i]->batch_begin)
			rc = observers[i]->batch_begin(r, rows, &(*state)[i]);
	return rc;
}

int records_notify_added(struct req *r, void **state, const struct record *rec)
{
	int rc = 0;
	for (int i = 0; !rc && i < nobservers; i++)
		if (observers[i]->batch_added)
			rc = observers[i]->batch_added(r, state[i], rec);
	return rc;
}

int records_batch_end(struct req *r, void **state)
{
	int rc = 0;
	for (int i = 0; !rc && i < nobservers; i++)
		if (observers[i]->batch_end)
			rc = observers[i]->batch_end(r, state[i]);
	return rc;
}

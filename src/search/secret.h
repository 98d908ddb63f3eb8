/* secret.h — the search index's keyed hashes of ID and phone numbers
 * (secret.c), for search.c: kept with each record, asked for by a query
 * that is a whole number. */
#ifndef WM_SEARCH_SECRET_H
#define WM_SEARCH_SECRET_H

#include "search.h"

/* The key, read from meta on first use and kept for a batch. */
struct secret_key {
	unsigned char k[32];
	int ok;
};

/* Writes rec's sensitive values' hashes (fresh: a new record, nothing to
 * delete first). 0 or a DB_E_* code. */
int search_secret_index(struct req *r, struct db *db, const struct record *rec, int fresh, struct secret_key *key);
int search_secret_drop(struct db *db, const struct record_type *t, int64_t id);
/* For a query that is a whole number: its hash, with the names of the
 * registers whose sensitive values the user may see appended to types;
 * NULL for any other query or when the user may see none (arena). */
const char *search_secret_query(struct req *r, const char *query, struct kvlist *types);

#endif

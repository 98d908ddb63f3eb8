/* secret.c — finding a record by a whole ID or phone number while the
 * number is never in the clear in the search index.
 *
 * search_secret (migration 009) holds, for each FF_SENSITIVE value, a
 * keyed hash: BLAKE2b of the value with blanks and hyphens dropped and
 * letters upper-cased (110101 19800101 123x and 110101198001011 23X are one
 * number), keyed with the server secret in meta, so a copy of the index
 * alone does not give the numbers back by trying every birthday. A query
 * that is such a number finds the records holding it, for a user who may
 * see that register's sensitive values in full; no other query touches the
 * table. */
#include "secret.h"
#include "../db/db.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#define DIGEST_BYTES 16

static void load_key(struct req *r, struct db *db, struct secret_key *key)
{
	const char *hex = db_one_text(db, r->a, "SELECT value FROM meta WHERE key = 'secret'", NULL);
	size_t len = 0;
	key->ok = hex && !sodium_hex2bin(key->k, sizeof key->k, hex, strlen(hex), NULL, &len, NULL) && len == sizeof key->k;
}

/* The value as one spelling, or NULL when it holds no digit (arena). */
static const char *canonical(struct req *r, const char *v)
{
	size_t n = strlen(v);
	char *out = arena_alloc(r->a, n + 1), *o = out;
	int digits = 0;
	for (const char *p = v; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '\t')
			continue;
		digits |= isdigit((unsigned char)*p) != 0;
		*o++ = (char)toupper((unsigned char)*p);
	}
	*o = 0;
	return digits ? out : NULL;
}

static const char *digest(struct req *r, const struct secret_key *key, const char *canon)
{
	unsigned char h[DIGEST_BYTES];
	crypto_generichash(h, sizeof h, (const unsigned char *)canon, strlen(canon), key->k, sizeof key->k);
	char *hex = arena_alloc(r->a, 2 * DIGEST_BYTES + 1);
	sodium_bin2hex(hex, 2 * DIGEST_BYTES + 1, h, sizeof h);
	return hex;
}

int search_secret_index(struct req *r, struct db *db, const struct record *rec, int fresh, struct secret_key *key)
{
	const struct record_type *t = rec->type;
	int rc = fresh ? 0 : db_run(db, "DELETE FROM search_secret WHERE type = ? AND record_id = ?", "si", t->name, rec->id);
	for (int i = 0; !rc && i < t->nfields; i++) {
		if (!(t->fields[i].flags & FF_SENSITIVE) || !rec->vals[i])
			continue;
		const char *canon = canonical(r, rec->vals[i]);
		if (!canon)
			continue;
		if (!key->ok)
			load_key(r, db, key);
		if (!key->ok)
			return DB_ERR;
		rc = db_run(db, "INSERT INTO search_secret (type, record_id, digest) VALUES (?, ?, ?)", "sis", t->name, rec->id,
			    digest(r, key, canon));
	}
	return rc;
}

int search_secret_drop(struct db *db, const struct record_type *t, int64_t id)
{
	return db_run(db, "DELETE FROM search_secret WHERE type = ? AND record_id = ?", "si", t->name, id);
}

const char *search_secret_query(struct req *r, const char *query, struct kvlist *types)
{
	/* a number: 7 to 18 characters, digits but for an X at the end */
	const char *canon = canonical(r, query);
	size_t n = canon ? strlen(canon) : 0;
	if (n < 7 || n > 18 || strspn(canon, "0123456789") < n - (canon[n - 1] == 'X'))
		return NULL;
	for (int k = 0; k < record_ntypes; k++) {
		const struct record_type *t = record_types[k];
		int sensitive = 0;
		for (int i = 0; i < t->nfields; i++)
			sensitive |= (t->fields[i].flags & FF_SENSITIVE) != 0;
		int may = 0;
		for (int g = 0; sensitive && r->user && g < r->user->ngrants; g++)
			may |= (t->reveal_roles >> r->user->grants[g].role) & 1u;
		if (may)
			kv_add(r->a, types, "s", t->name, strlen(t->name));
	}
	if (!types->n)
		return NULL;
	struct db *db = req_db(r);
	struct secret_key key = {0};
	if (db)
		load_key(r, db, &key);
	return key.ok ? digest(r, &key, canon) : NULL;
}

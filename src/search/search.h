/* search.h — the global search over people, units and every declared
 * register.
 *
 * One index row per record (search_index, migration 003): its type, id,
 * unit and owner (for the scope check), its title as displayed and a body
 * of normalized text. Normalization (OpenCC t2s, ASCII lower case,
 * whitespace collapsed) is applied to both the indexed text and the query,
 * so 王曉明 and 王晓明 find each other. Queries of three or more code points
 * use the trigram index (SQLite FTS5 trigram, PostgreSQL pg_trgm); a
 * trigram index returns nothing for shorter ones, which a register's list
 * answers through the index of 1- and 2-code-point grams (migration 010)
 * and the global search through the title index and a bounded scan.
 * Results are limited to what the user may read (authz_record).
 *
 * The records engine tells search_observer of every change, inside the
 * transaction that makes it; search_rebuild rebuilds everything. */
#ifndef WM_SEARCH_H
#define WM_SEARCH_H

#include <stdint.h>

#include "../records/record.h"

struct arena;
struct db;
struct config;

/* Longest query accepted, in code points. */
#define SEARCH_MAX_QUERY 100
/* Candidates read from the index before the scope check, and hits kept. */
#define SEARCH_CANDIDATES 200
#define SEARCH_MAX_HITS 50
/* Queries of 1-2 code points: index rows scanned for matches that do not
 * begin a title (the newest ones). */
#define SEARCH_SHORT_WINDOW 50000

/* Normalizes text for indexing and querying: OpenCC t2s (one handle per
 * thread, opened lazily), full-width ASCII and the ideographic space folded
 * to ASCII, ASCII lower-cased, whitespace runs collapsed to one space and
 * trimmed. On an OpenCC failure the text goes on unconverted. NULL gives "".
 * Result in the arena. */
const char *search_normalize(struct arena *a, const char *text);

/* (Re)indexes one record inside the caller's transaction: type, id, unit
 * (record_unit), owner (record_owner), title (record_display of the title
 * field) and body (the title and every FF_SEARCH field's display text, enum
 * labels in all three languages; FF_SENSITIVE and FF_HIDDEN fields never),
 * normalized. A record that is archived in the table (read there, so the
 * caller may call this before or after updating rec->archived) or gone is
 * removed from the index. Returns 0 or a DB_E_* code. */
int search_index_record(struct req *r, const struct record *rec);

/* The records engine's observer that keeps the index: every saved record
 * goes through search_index_record; a batch (an import) inserts plain rows
 * and, on SQLite, fills the trigram index by one statement at the end
 * instead of a trigger per row (while FTS5 takes part in a transaction,
 * every statement in it pays for the virtual table's savepoints: measured,
 * half the time of an import), and for a big batch builds the index's
 * other indexes once at the end too. Registered by the platform module. */
extern const struct record_observer search_observer;

/* Empties and rebuilds the whole index from the record tables, in one
 * transaction (for `wenming search-rebuild` and after a bulk load). Returns
 * the number of rows indexed, or -1. */
int64_t search_rebuild(struct req *r);

struct search_hit {
	const struct record_type *type;
	int64_t id;
	const char *title;  /* as displayed; may be "" */
	int in_title;       /* the query occurs in the title */
};

enum search_status {
	SEARCH_OK = 0,
	SEARCH_EMPTY = -10,    /* nothing to search for after normalization */
	SEARCH_TOO_LONG = -11, /* more than SEARCH_MAX_QUERY code points */
	SEARCH_INVALID = -12,  /* not UTF-8, or control characters */
};

/* Searches for the request's user: title matches first, then by type and
 * id; at most SEARCH_MAX_HITS hits the user may read. *hits and *normalized
 * (the normalized query) live in the arena. A query of 1-2 code points
 * finds every title that begins with it, and other matches among the newest
 * SEARCH_SHORT_WINDOW index rows: *partial is set when older rows were left
 * out. Returns the number of hits, a SEARCH_* status for a query that
 * cannot be run, or a DB_E_* code. */
int search_run(struct req *r, const char *query, struct search_hit **hits, const char **normalized, int *partial);

/* '%q%' for LIKE ... ESCAPE '\' over normalized text (search_index's
 * title_norm and body), with \, % and _ in q escaped. Arena. */
const char *search_like_pattern(struct req *r, const char *q);

/* A register's list searched for query (its q): the SQL condition, with a
 * leading " AND ", that keeps the records of type t (table alias alias)
 * whose index row matches, in either script, and its values appended to
 * binds ("s" entries, arena). Unlike search_run it finds every match: 3+
 * code points through the trigram index, 1-2 through the grams index.
 * "" when the query normalizes to nothing. The caller checks the
 * query is valid UTF-8; archived records have no index row. */
const char *search_list_sql(struct req *r, const struct record_type *t, const char *alias, const char *query,
			    struct kvlist *binds);

/* search_rebuild on a database opened from the command line (the demo
 * loader too); *secs gets the time taken. Records indexed or -1. */
int64_t search_rebuild_timed(struct db *db, double *secs);

/* `wenming search-rebuild` (cli.c): rebuilds the index, prints the count.
 * Exit status 0, 1 on failure, 2 on a usage or database error. */
int cmd_search_rebuild(struct config *cfg, int argc, char **argv);

#endif

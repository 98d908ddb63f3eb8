/* query.h — the list query shared by the list page, the JSON API and the
 * exports: filters from the query string, free-text search, scope, sort and
 * paging, built from the declaration with every value bound. */
#ifndef WM_RECORDS_QUERY_H
#define WM_RECORDS_QUERY_H

#include "record.h"

struct list_query {
	const struct record_type *t;
	const char *where;    /* " WHERE ..." */
	const char *where_walk; /* the same, with the unit-subtree filter as a
				   probe per row, so that a large subtree is read in
				   the order of the sort field's index instead */
	int64_t total;        /* set by list_query_count, -1 before */
	struct kvlist binds;  /* name = bind type ("s", "i"), value = text */
	const char *order;    /* " ORDER BY ..." */
	int sort_field;       /* index, or -1 for id */
	int desc;
	int page, per_page;
	int archived;         /* list archived records instead */
	int64_t gen;          /* the data generation read when built (audit_data_gen) */
	int by_unit_counts;   /* nothing filters but archived and the owning unit's
				 subtree, for a user who sees everything: the total
				 is the subtree's row of unit_totals (migration 008)
				 on SQLite, a sum of unit_counts on PostgreSQL */
	int64_t unit_root;    /* that subtree's root, 0 for none */
	enum msg_id error;    /* a bad parameter, M_NONE when fine */
	const char *bad_param;
};

/* Reads filters (field names), q, sort, page, per_page and archived from
 * the query string. q keeps the records whose search index row matches it
 * (search_list_sql: both scripts); an archived list, which has no index
 * rows, matches it with LIKE on the FF_SEARCH columns. */
void list_query_build(struct req *r, const struct record_type *t, struct list_query *q);
/* The total; cached for the data generation, so a page of a big subtree
 * after the first does not count it again. */
int64_t list_query_count(struct req *r, struct list_query *q);
/* The key a rendered view of this list is cached under (core/cache.h, with
 * q->gen): the view ("html", "json"), the type, the language, who asks (user
 * and grants shape the rows and the buttons), the day and the query string. */
const char *list_cache_key(struct req *r, const char *view, const struct record_type *t);
/* Runs the query; limit < 0: no paging (exports, capped by the caller). */
struct db_stmt *list_query_run(struct req *r, struct list_query *q, int64_t limit, int64_t offset);

#endif

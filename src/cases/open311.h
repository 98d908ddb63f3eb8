/* open311.h — the pure part of Open311 GeoReport v2 (open311_text.c): the
 * parameters a client sends (W3C datetimes, lists of request ids, status
 * lists, attribute[CODE] names, page sizes, a category's choices) and the
 * XML writer of the answers. Nothing here touches the database or HTTP, so
 * that a fuzz target (tests/fuzz/fuzz_open311.c) can call all of it; the
 * handlers are in open311.c. */
#ifndef WM_OPEN311_H
#define WM_OPEN311_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"

struct json_t;

/* The default and largest window of GET requests and
 * servicerequestupdates, and their largest page. */
#define O311_WINDOW_DAYS 90
#define O311_PAGE_MAX 1000
/* Ids in one service_request_id list. */
#define O311_IDS_MAX 100
/* "2026-01-31T09:05:00+08:00" and its NUL. */
#define O311_DATETIME_SIZE 26

/* A W3C datetime (the profile of ISO 8601 the spec names) into Unix
 * seconds: YYYY-MM-DD, or that with Thh:mm, Thh:mm:ss or Thh:mm:ss.fff
 * and a zone (Z or ±hh:mm). A date alone is local midnight; a time without
 * a zone is local time (lenient: the spec asks clients for a zone). 0 with
 * *t, or -1 with *t untouched. */
int o311_parse_datetime(const char *s, int64_t *t);
/* The instant t as a W3C datetime in local time with its offset; returns
 * out ("" when t cannot be represented). */
char *o311_format_datetime(int64_t t, char out[O311_DATETIME_SIZE]);

/* The window [*from, *to] of a search: start and end as given (NULL when
 * absent), now the current time. Neither: the last O311_WINDOW_DAYS days;
 * one: O311_WINDOW_DAYS days from it or up to it; both: as given. -1 when a
 * date does not parse, -2 when end is before start or the two are more
 * than O311_WINDOW_DAYS days apart; 0 otherwise. */
int o311_window(const char *start, const char *end, int64_t now, int64_t *from, int64_t *to);

/* A case number as case_after_save writes it (YYYY-NNNNNN: the year,
 * then the id with at least six digits), and its NUL. */
#define O311_NUMBER_SIZE 24
/* 1 when s[0..n) is a well-formed case number (the year 0001..9999, the
 * id 1.. in its canonical digits), with the id in *id; else 0. */
int o311_parse_number(const char *s, size_t n, int64_t *id);
/* A service_request_id list: comma-separated case numbers, spaces around
 * each allowed. Up to max numbers into nums (a number given twice is kept
 * once). Their count (at least 1), or -1 when the list is empty, longer
 * than max or holds anything else. */
int o311_parse_ids(const char *s, char (*nums)[O311_NUMBER_SIZE], int max);

/* Bits of a status filter. */
enum { O311_OPEN = 1, O311_CLOSED = 2 };
/* "open", "closed", or both comma-separated: the bits, or -1. */
int o311_parse_status(const char *s);

/* A whole number lo..hi (decimal digits only, no sign): 0 with *v, else -1. */
int o311_parse_count(const char *s, long lo, long hi, long *v);

/* An attribute's parameter name: "attribute[CODE]" or "attribute[CODE][]"
 * (the spec's multivaluelist form). 1 with the code copied into code (of
 * size n; the code is 1..32 characters of A-Z a-z 0-9 - _ .) and *multi
 * set for the [] form; 0 when name is no attribute; -1 when it starts like
 * one but is malformed (or the code does not fit). */
int o311_attribute_name(const char *name, char *code, size_t n, int *multi);

/* The next choice of a list attribute's "key=name" lines (text advanced
 * past it): 1 with key and name as pointers into the line and their
 * lengths (name is the key when there is no '='; both trimmed of spaces
 * and a CR), 0 at the end. Blank lines are skipped. */
int o311_next_choice(const char **text, const char **key, size_t *klen, const char **name, size_t *nlen);

/* Appends s as XML character data: & < > " ' escaped, and what XML 1.0
 * forbids (control characters other than TAB, LF and CR, U+FFFE, U+FFFF,
 * and bytes that are not UTF-8) left out. */
void o311_xml_text(struct buf *b, const char *s, size_t n);
/* Appends v as an XML document: <?xml ...?>, then root holding v (an
 * array: one element per item named item, or after a table of known
 * plurals; an object: one element per member in order; null: empty; true
 * and false as words; numbers as text). Member names that are not XML
 * names are skipped. */
void o311_xml_write(struct buf *b, const struct json_t *v, const char *root, const char *item);

#endif

/* record.h — the records engine: a record type is declared once, as a C
 * table, and the engine gives it everything else.
 *
 * From a struct record_type the engine derives the table and its columns
 * (records_sync_schema), the list page with filters, sort, search, paging and
 * export (CSV, XLSX), the detail page, create / edit forms with inline
 * validation, archive / restore, the JSON API under /api/v1/{type}, import
 * from CSV and XLSX with a preview, audit entries for every change and the
 * scope check through authz_record(). A simple register is nothing but a
 * declaration listed in its module's struct module (src/module.h).
 *
 * Values travel as text (what forms, CSV and JSON give) and are converted
 * and validated per field type; the database stores integers for int,
 * datetime, bool and references, and text otherwise (dates as YYYY-MM-DD). */
#ifndef WM_RECORD_H
#define WM_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "../http/http.h"

struct db_stmt;
struct markup;
struct record;
struct record_errors;

enum field_type {
	F_TEXT,     /* one line; min/max are lengths in characters */
	F_LONGTEXT, /* several lines */
	F_INT,      /* min/max are bounds */
	F_DECIMAL,  /* stored as double; min/max bounds */
	F_DATE,     /* YYYY-MM-DD */
	F_DATETIME, /* Unix seconds; entered as YYYY-MM-DD HH:MM */
	F_BOOL,
	F_ENUM,     /* one code of opts */
	F_UNIT,     /* reference to an org unit */
	F_PERSON,   /* reference to a person */
	F_REF,      /* reference to a record of type ref */
	F_FILES,    /* attached files (files.h): the ids as text, "12,15" */
};

enum {
	FF_REQUIRED = 1 << 0,
	FF_UNIQUE = 1 << 1,
	FF_LIST = 1 << 2,      /* a column of the list page */
	FF_FILTER = 1 << 3,    /* a filter on the list page and in the API; on a text or
				* date field it keeps the records that have a value (1)
				* or have none (0) */
	FF_SEARCH = 1 << 4,    /* part of the free-text search */
	FF_SENSITIVE = 1 << 5, /* masked unless revealed; every reveal is audited */
	FF_SORT = 1 << 6,      /* the list can be sorted by it */
	FF_HIDDEN = 1 << 7,    /* not in forms, lists or import (set by code) */
	FF_READONLY = 1 << 8,  /* shown, listed and exported, but set by code only (a
				* workflow's state and deadline): no form, import or
				* API body sets it */
	FF_CONFIDENTIAL = 1 << 9, /* with FF_SENSITIVE: a user who may not reveal it
				   * sees "confidential", not even the mask (a
				   * submitter's identity before the unit handling
				   * the case) */
};

/* True for a field that forms, imports and API bodies may set. */
#define FIELD_INPUT(f) (!((f)->flags & (FF_HIDDEN | FF_READONLY)))

/* Patterns a text field may have to match. */
enum field_pattern { PAT_NONE, PAT_CODE, PAT_PHONE, PAT_ID_CARD, PAT_EMAIL, PAT_DIGITS };

struct enum_opt {
	const char *code;
	enum msg_id label;
};

struct field_def {
	const char *name; /* column and API name, snake_case */
	enum field_type type;
	enum msg_id label;
	unsigned flags;
	int64_t min, max;        /* 0, 0: no bound */
	enum field_pattern pattern;
	const struct enum_opt *opts; /* F_ENUM, ended by {NULL} */
	const char *ref;         /* F_REF: the record type's name */
	enum msg_id hint;
	const char *dflt;        /* value of a new record, as text; NULL: empty */
	/* FF_FILTER: the filter's value when a list page's address does not
	 * name it (status=active: the staff list shows the active staff until
	 * asked for all with an empty value); the page's export links and pager
	 * carry it, and exports and the API, which take their address as it is,
	 * have no defaults */
	const char *filter_dflt;
};

/* What a role may do with a record type, within the role's scope. */
enum access { ACC_NONE, ACC_OWN, ACC_READ, ACC_WRITE };

/* A page of a module shown as a button on a register's list page. */
struct record_link {
	const char *path;
	enum msg_id label;
};

struct workflow;

struct record_type {
	const char *name;  /* URL and API segment: /r/NAME, /api/v1/NAME */
	const char *table;
	enum msg_id one, many;
	const struct field_def *fields;
	int nfields;
	const char *unit_field;  /* the field naming the owning unit, or NULL */
	const char *owner_field; /* the field holding the user id for ACC_OWN, or NULL */
	const char *title_field; /* the record's name on pages */
	const char *sort;        /* default sort: "name" or "-id" */
	unsigned char access[ROLE__COUNT];
	unsigned reveal_roles;   /* roles (1 << enum role) that may reveal sensitive fields */
	const char *icon;        /* nav icon path, 24×24; NULL: not in the nav */
	int nav_order;           /* its place in the navigation (struct nav_item) */
	const struct record_link *links; /* more pages for the list, ended by {NULL} */
	/* optional: more validation (adds to errs), and work done in the same
	 * transaction after the row is written (e.g. the unit tree's paths) */
	void (*check)(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs);
	int (*after_save)(struct req *r, struct record *rec, const struct record *before);
	/* optional: more sections on the detail page, after the fields */
	void (*detail_extra)(struct req *r, const struct record *rec);
	/* optional: states and transitions (workflow.h) */
	const struct workflow *workflow;
	/* optional: a bool field that, while 1, hides the record from the
	 * grants of the roles in hidden_from (1 << enum role), whatever their
	 * scope (an unannounced inspection is not the inspected unit's to see
	 * until it is recorded); lists (record_scope_sql) and single records
	 * (authz_record_of, record_readable) follow it */
	const char *hidden_field;
	unsigned hidden_from;
	/* optional, for a type without a unit field: 1 when a scoped grant
	 * with read access reads it too (the office's campaigns and their
	 * criteria, which every unit applies against); otherwise only
	 * organization-wide grants reach such a type */
	int read_unscoped;
};

/* One record's values as text, in field order; NULL is SQL NULL. */
struct record {
	const struct record_type *type;
	int64_t id;
	int archived;
	int64_t version, created_at, updated_at;
	const char **vals;
};

/* Validation result: one message per field (M_NONE when fine), plus a
 * record-level message (e.g. a refused reference). */
struct record_errors {
	enum msg_id *field;
	enum msg_id record;
	int count;
};

/* ---- the registry: filled once at start-up (modules_init in app.c), read
 * only afterwards. The engine names no module; it knows the platform's two
 * registers that every scope is built on by name. ---- */

#define RECORDS_MAX_TYPES 128
#define RECORD_UNITS "units"   /* F_UNIT points here; scopes are its subtrees */
#define RECORD_PEOPLE "people" /* F_PERSON points here */

/* What a module adds to another module's register: a section on the
 * detail page after the type's own (the unit page shows its staff figures,
 * later its cases), and buttons to the module's pages on the list page. */
struct record_section {
	const char *type; /* the record type's name */
	void (*render)(struct req *r, const struct record *rec); /* or NULL */
	const struct record_link *links; /* ended by {NULL}, or NULL */
};

/* An engine that follows every change to a record (the search index). The
 * records engine calls it inside the transaction that writes the record. */
struct record_observer {
	/* inserted, updated, archived or restored: 0 or a DB_E_* code */
	int (*saved)(struct req *r, const struct record *rec);
	/* a batch of about rows new records in one transaction (an import):
	 * begin returns the observer's state for the batch (arena), added is
	 * called per record and end once after the last; each returns 0 or a
	 * DB_E_* code */
	int (*batch_begin)(struct req *r, size_t rows, void **state);
	int (*batch_added)(struct req *r, void *state, const struct record *rec);
	int (*batch_end)(struct req *r, void *state);
	/* optional: up to max ids of active records of t titled text in either
	 * script (文明办 for 文明辦); their number, or a DB_E_* code. References
	 * typed in forms and imports fall back on it. */
	int (*find_title)(struct req *r, const struct record_type *t, const char *text, int64_t *ids, int max);
};

/* The registered types, in dependency order (a type comes after the types
 * its references point to). */
extern const struct record_type *const *record_types;
extern int record_ntypes;

/* Registration, before any request: types in dependency order. A name
 * registered twice, or more than RECORDS_MAX_TYPES, aborts (a programming
 * error in the module list). */
void records_register_type(const struct record_type *t);
void records_register_section(const struct record_section *s);
void records_register_observer(const struct record_observer *o);

/* The observers' batch protocol for an import (record_insert_batch calls
 * batch_added). state is an array with one slot per observer (arena). */
int records_batch_begin(struct req *r, size_t rows, void ***state);
int records_batch_end(struct req *r, void **state);
/* Within the engine: asks the observers that can for the records of t
 * titled text in either script (find_title); their number. */
int records_find_title(struct req *r, const struct record_type *t, const char *text, int64_t *ids, int max);
/* Within the engine: tells every observer of a saved or a batch-added record. */
int records_notify_saved(struct req *r, const struct record *rec);
int records_notify_added(struct req *r, void **state, const struct record *rec);
/* The list page's buttons for t: its own links, then the sections', at
 * most max, into out (pointers into the declarations). Returns the count. */
int records_links(const struct record_type *t, const struct record_link **out, int max);
/* Renders the registered sections for rec's type (the detail page). */
void records_render_sections(struct req *r, const struct record *rec);

const struct record_type *record_type_find(const char *name);
int record_field_index(const struct record_type *t, const char *name);
/* The type a reference field (unit, person, record) points to, or NULL. */
const struct record_type *record_ref_type(const struct field_def *f);
/* The table a reference field (unit, person, record) points into, or NULL. */
const char *record_ref_table(const struct field_def *f);
const struct field_def *record_field(const struct record_type *t, const char *name);
/* True for types stored as integers: int, datetime, bool and references. */
int field_is_integer(enum field_type ty);

/* Creates missing tables, columns and indexes for every declared type. */
int records_sync_schema(struct db *db, char *err, size_t errlen);
/* Counts a register's records per owning unit afresh (unit_counts,
 * migration 007), e.g. after a bulk load that ran without its trigger. */
int records_unit_counts_recount(struct db *db, const struct record_type *t);

/* May the request's user do this (ACC_READ or ACC_WRITE) to a record of the
 * type owned by unit_id and user owner (0 when none)? Calls authz. */
int authz_record(struct req *r, const struct record_type *t, enum access want, int64_t unit_id, int64_t owner);
/* authz_record for a loaded record: also honours the type's hidden_field. */
int authz_record_of(struct req *r, const struct record *rec, enum access want);
/* True when unit lies in root's subtree (root itself included). */
int unit_in_subtree(struct db *db, int64_t root, int64_t unit);
/* May the user read record id of type t (looked up for its unit and
 * owner)? For references: a unit_admin's unit page names its parent, which
 * lies outside their scope, without linking to it. */
int record_readable(struct req *r, const struct record_type *t, int64_t id);
/* May the user see (ACC_READ) or change (ACC_WRITE) some records of this
 * type — for the list pages and "new" buttons; rows are then scoped. */
int record_type_may(struct req *r, const struct record_type *t, enum access want);
/* The register named by the route's {type}, if the user may want it
 * (ACC_NONE: only that it exists; the record's own check comes later);
 * otherwise the request has failed (404, 403) and the result is NULL. */
const struct record_type *record_type_of_route(struct req *r, enum access want);
/* The unit that owns the record (0: none) and the user it belongs to. */
int64_t record_unit(const struct record *rec);
int64_t record_owner(const struct record *rec);
/* The SQL condition (with leading " AND ") restricting a list to what the
 * user may read, and its bind values appended to binds (arena). */
const char *record_scope_sql(struct req *r, const struct record_type *t, const char *alias, struct kvlist *binds);

/* Loads a record (archived too); NULL when there is none. Arena. */
struct record *record_load(struct req *r, const struct record_type *t, int64_t id);
/* The current row of a statement selecting id, archived, version,
 * created_at, updated_at and then every field in order (arena). */
struct record *record_from_row(struct req *r, const struct record_type *t, struct db_stmt *s);
/* The record named by the URL's {id}, if the user may use it so; else
 * the request has failed (404 or 403) and the result is NULL. */
struct record *record_load_checked(struct req *r, const struct record_type *t, enum access want);
/* May the user see this record's sensitive values in full? */
int record_may_reveal(struct req *r, const struct record *rec);
/* Records that the user saw field ("*": all) in full: 0 when allowed and
 * audited, 1 when not allowed, a negative DB_E_* code on failure. */
int record_reveal(struct req *r, const struct record *rec, const char *field);
/* A copy to change while the original stays as it was (arena). */
struct record *record_copy(struct req *r, const struct record *src);
/* An empty record for a new form. */
struct record *record_new(struct req *r, const struct record_type *t);
/* Sets a field from outside text (form, JSON, import): trims, normalises
 * (bool, enum labels, dates); an empty string becomes NULL. A sensitive
 * field given the mask of its current value keeps the value. */
void record_set(struct req *r, struct record *rec, int field, const char *text);
/* A reference written as a code or name (unit: code, then name; person:
 * name; other types: their title field) as an id, in the arena. NULL when
 * nothing or more than one active record matches (*why says which). */
const char *record_resolve_ref(struct req *r, const struct field_def *f, const char *text, enum msg_id *why);
/* Checks one field's value (type, bounds, pattern, reference): M_NONE
 * when fine. */
enum msg_id record_check_field(struct req *r, const struct record *rec, const struct record *before, int i);
/* The form widget of field i (label, input, error, hint), as the generic
 * forms show it: for pages that ask for some fields (a transition). */
void record_field_widget(struct req *r, const struct record *rec, int i, enum msg_id err);
/* Validates every field; fills errs (arena). Returns the number of errors. */
int record_validate(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs);
/* References found good during one batch of new records (an import): each
 * referenced record found active and readable, and each owning unit found
 * writable, is checked once, not once a row. Only good answers are kept:
 * nothing turns bad in the middle of a batch's transaction. Zero it first;
 * ref_memo_free at the end. */
struct ref_memo {
	struct ref_memo_slot {
		const void *what; /* the table's name, or the type for "may write" */
		int64_t id;
	} *slots;
	size_t cap, n;
};
int record_validate_new(struct req *r, struct record *rec, struct record_errors *errs, struct ref_memo *memo);
void ref_memo_free(struct ref_memo *m);
/* Inserts or updates (id 0: insert) with its audit entry, inside the
 * caller's transaction or a new one. Returns 0, or a DB_E_* code. */
int record_save(struct req *r, struct record *rec, const struct record *before);
/* The same with the audit entry's action named (a workflow's transition):
 * "update" when NULL. */
int record_save_as(struct req *r, struct record *rec, const struct record *before, const char *action);
/* Inserts a new record inside the caller's transaction, without a
 * savepoint or an audit entry of its own: for imports, which write one
 * audit entry for the whole batch, between records_batch_begin and
 * records_batch_end (state is theirs). Returns 0 or a DB_E_* code. */
int record_insert_batch(struct req *r, struct record *rec, int64_t now, void **state);
/* Archives or restores, audited. Refuses (DB_E_FK) to archive a record that
 * active records refer to. */
int record_archive(struct req *r, struct record *rec, int archive);
/* The record as a JSON object (sensitive fields masked unless reveal). */
json_t *record_json(struct req *r, const struct record *rec, int reveal);

/* A unit chooser (unit_picker.c): a <select id name> of the units near cur
 * (the top two levels, cur's ancestors and children), within the user's
 * scope when scoped, with none as the empty choice, attrs added to the
 * select; and a search box that finds any unit by code or name. */
void unit_picker(struct req *r, const char *id, const char *name, const char *cur, int scoped, enum msg_id none,
		 const struct markup *attrs);

/* Text shown for a value: enum label, unit or person name, masked value. */
const char *record_display(struct req *r, const struct record *rec, int field, int reveal);
/* "3301**********1234", "138****5678": what a masked value looks like. */
const char *record_mask(struct req *r, const char *value);

#endif

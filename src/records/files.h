/* files.h — attached files: photos and documents kept in the database.
 *
 * A file belongs to a record (record_type, record_id) and to one of its
 * F_FILES fields or one of its workflow events; an upload through the API
 * waits unattached (record_id NULL) for its uploader to attach it within a
 * day. The bytes live in the files table (migration 011), so a backup of
 * the database is complete.
 *
 * What is stored is checked by content (libmagic) against an allow-list —
 * JPEG, PNG, PDF and office documents — whatever the client says the type
 * or the extension is; images get a thumbnail re-encoded with libgd (no
 * EXIF, no GPS), which is what lists and pages show. Who may read a file is
 * who may read its record (record_readable); an unattached file, only its
 * uploader. Served files carry nosniff, a sandboxing CSP and, except for
 * JPEG, PNG and PDF shown inline, Content-Disposition: attachment.
 *
 * The records engine calls the files_field_* and files_form_* functions
 * for F_FILES fields; modules with events call files_store / files_attach /
 * files_render_list with an event id. */
#ifndef WM_FILES_H
#define WM_FILES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct arena;
struct kv;
struct markup;
struct req;

#define FILES_MAX_PER_FIELD 50
#define FILES_PENDING_TTL 86400 /* seconds an upload waits to be attached */
#define FILES_THUMB_MAX 320     /* a thumbnail's longer side, pixels */

/* What an uploaded part is, found by its content. */
struct file_kind {
	const char *mime; /* "image/jpeg" (static) */
	const char *ext;  /* "jpg" (static) */
	const char *name; /* the name to store: sanitized, with the type's extension
			     (arena) */
	int is_image;     /* JPEG or PNG: gets a thumbnail */
};

/* ---- checking and storing ---- */

/* True when a multipart part is a file the user chose (it has a file
 * name); an empty file input sends a part with an empty name and no bytes,
 * which is no upload. */
int files_part_is_upload(const struct kv *part);
/* The allowed type of data by its content, or NULL when it is none of
 * them; *ext gets its extension (static). name (or NULL) only tells apart
 * the office formats of a generic container (an OLE file that libmagic
 * does not name further: doc, xls or ppt by the name's extension). */
const char *files_sniff(const void *data, size_t n, const char *name, const char **ext);
/* Checks an uploaded part: at most max bytes, of an allowed type by its
 * content (the client's Content-Type and extension count for nothing).
 * 0 with *k filled (arena a), or the HTTP status refusing it — 400 empty,
 * 413 too large, 415 not an allowed type — with *why its message. */
int files_check(struct arena *a, const struct kv *part, long max, struct file_kind *k, enum msg_id *why);
/* A file name as stored: the last path segment of name, without control
 * characters or quotes, at most 120 bytes, with the extension ext (it is
 * put in place of a wrong one of ours, or added). Arena. */
const char *files_clean_name(struct arena *a, const char *name, const char *ext);
/* A thumbnail of a JPEG or PNG image at most FILES_THUMB_MAX pixels on its
 * longer side, re-encoded in the same format (which drops EXIF and GPS):
 * the bytes in the arena and their number in *out_n, or NULL (not an image
 * libgd reads, or too many pixels to decode safely). */
const void *files_thumbnail(struct arena *a, const void *data, size_t n, const char *mime, size_t *out_n);

/* Stores a checked part inside the caller's transaction, with its
 * thumbnail, audited ("upload"). Attached to (record_type, record_id,
 * field, event_id) when record_type is given, else waiting for r->user to
 * attach it. The new id, or a negative DB_E_* code. */
int64_t files_store(struct req *r, const struct kv *part, const struct file_kind *k, const char *record_type,
		    int64_t record_id, const char *field, int64_t event_id);
/* Attaches ids, files r->user uploaded less than FILES_PENDING_TTL ago and
 * not yet attached, to the record and its field (or NULL) and event (or 0),
 * in the caller's transaction. Files already attached to that record and
 * field stay as they are. 0; 1 when one of them is someone else's, too old
 * or attached elsewhere (the caller rolls back); or a DB_E_* code. */
int files_attach(struct req *r, const char *record_type, int64_t record_id, const char *field, int64_t event_id,
		 const int64_t *ids, int n);

/* ---- showing ---- */

/* The files of a record's field (NULL: any) or event (0: any): image
 * thumbnails linking to the file, other files as links with their name and
 * size. Writes nothing when there are none; returns their number. */
int files_render_list(struct req *r, const char *record_type, int64_t record_id, const char *field, int64_t event_id);
/* "12 KB", "3.4 MB" (arena). */
const char *files_size_text(struct req *r, int64_t bytes);

/* ---- F_FILES fields: what the records engine calls ----
 * The column holds the ids of the field's files as text, "12,15", in the
 * order they were added; the files table says whose they are. */

/* Parses "12,15" (commas or blanks between): the number of ids put in ids
 * (at most max), or -1 when text is not such a list or holds more. */
int files_ids_parse(const char *text, int64_t *ids, int max);
/* "12, 15 " as "12,15" (arena); text itself when it is not a list of ids
 * (validation then says so). */
const char *files_ids_normalize(struct req *r, const char *text);
/* The ids of a JSON array of ids or of {"id": N} objects (what the API
 * answers) as "12,15" (arena; NULL for []), or (const char *)-1 when v is
 * not such an array. */
const char *files_ids_from_json(struct req *r, json_t *v);
/* Validation of field i: every id is a file attached to this record's
 * field already or one r->user may attach (files_attach); M_NONE or the
 * message. */
enum msg_id files_field_check(struct req *r, const struct record *rec, const struct record *before, int i);
/* The API's value: [{id, name, size, mime, url}] in the field's order. */
json_t *files_field_json(struct req *r, const char *ids);
/* The OpenAPI schema of the field: input takes ids (or the objects
 * answered), output answers objects. */
json_t *files_field_schema(int input, const char *description);
/* What lists and exports show: "2 files" (arena). */
const char *files_field_display(struct req *r, const char *ids);
/* The detail page's value: the list of the field's files. */
void files_field_detail(struct req *r, const struct record *rec, int i);
/* The form's widget: the stored files each with a "remove" box, and a
 * file input taking several files of the allowed types. */
void files_field_widget(struct req *r, const struct record *rec, int i, enum msg_id err);
/* The form element's enctype attribute when the type has an F_FILES
 * field (multipart), else nothing. */
const struct markup *files_form_enctype(struct req *r, const struct record_type *t);
/* The field's value from a form: the stored ids (rec's) less those whose
 * remove box is checked; new uploads are added by files_form_save. */
const char *files_form_value(struct req *r, const struct record *rec, int i);
/* Checks the form's uploads for every F_FILES field of rec; adds their
 * messages to e (allocated by record_validate). 0, or the status to answer
 * (413, 415, 422 for too many files). */
int files_form_check(struct req *r, struct record *rec, struct record_errors *e);
/* record_save with the form's uploads: in one transaction, stores them,
 * adds their ids to their fields and saves the record (whose observer
 * attaches them). 0 or a DB_E_* code, as record_save. */
int files_form_save(struct req *r, struct record *rec, const struct record *before);

/* Follows every saved record: attaches the new files of its F_FILES fields
 * and deletes the files taken out of them (the platform module lists it). */
extern const struct record_observer files_observer;
/* GET /files/{id}, GET /files/{id}/thumb, POST /api/v1/files. */
extern const struct route files_routes[];

#endif

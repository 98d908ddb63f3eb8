/* files.c — attached files: the check by content, storage in the database
 * with a thumbnail, attachment to records, the pages that serve them and
 * the F_FILES field type's part of forms, the API and validation. See
 * files.h.
 *
 * It must not trust anything the client says about a file (its type, its
 * name), serve a file to someone who may not read its record, or let a
 * served file run as a page of this site (sandbox CSP, nosniff,
 * attachment for anything but JPEG, PNG and PDF). */
#include "files.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../web/layout.h"

#include <gd.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zip.h>

/* ---- the allow-list ---- */

static const struct kind_def {
	const char *mime, *ext, *alt; /* alt: another extension of the same type */
	int is_image, shown_inline;
} kinds[] = {
    {"image/jpeg", "jpg", "jpeg", 1, 1},
    {"image/png", "png", NULL, 1, 1},
    {"application/pdf", "pdf", NULL, 0, 1},
    {"application/msword", "doc", NULL, 0, 0},
    {"application/vnd.ms-excel", "xls", NULL, 0, 0},
    {"application/vnd.ms-powerpoint", "ppt", NULL, 0, 0},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", NULL, 0, 0},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", NULL, 0, 0},
    {"application/"
     "vnd.openxmlformats-officedocument.presentationml.presentation",
     "pptx", NULL, 0, 0},
    {"application/vnd.oasis.opendocument.text", "odt", NULL, 0, 0},
    {"application/vnd.oasis.opendocument.spreadsheet", "ods", NULL, 0, 0},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* What a file input offers to choose (a convenience: the server checks). */
#define ACCEPT                                                                                                         \
	"image/jpeg,image/png,application/"                                                                            \
	"pdf,.jpg,.jpeg,.png,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods"

static const struct kind_def *kind_of_mime(const char *mime)
{
	for (size_t i = 0; mime && i < NKINDS; i++)
		if (!strcmp(kinds[i].mime, mime))
			return &kinds[i];
	return NULL;
}

static const struct kind_def *kind_of_ext(const char *ext)
{
	for (size_t i = 0; ext && i < NKINDS; i++)
		if (!strcasecmp(kinds[i].ext, ext) || (kinds[i].alt && !strcasecmp(kinds[i].alt, ext)))
			return &kinds[i];
	return NULL;
}

/* The extension of a name (after its last dot), or NULL. */
static const char *name_ext(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	return dot && dot[1] && !strchr(dot, '/') ? dot + 1 : NULL;
}

/* libmagic's handle is not thread-safe: one per thread, opened on first
 * use and kept for the thread's life (the server's workers live as long
 * as the process). */
static _Thread_local magic_t magic_cookie;

static magic_t magic_get(void)
{
	if (!magic_cookie) {
		magic_cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
		if (magic_cookie && magic_load(magic_cookie, NULL) != 0) {
			log_error("files: cannot load the magic database: %s", magic_error(magic_cookie));
			magic_close(magic_cookie);
			magic_cookie = NULL;
		}
	}
	return magic_cookie;
}

/* An OOXML or ODF document that libmagic names only as a zip file (it
 * looks at the first entries, which some writers order otherwise): the
 * type by the parts inside, or NULL. Macro-enabled documents (a
 * vbaProject.bin part) are not allowed. */
static const struct kind_def *zip_probe(const void *data, size_t n)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	const struct kind_def *k = NULL;
	if (!z) {
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		return NULL;
	}
	zip_int64_t entries = zip_get_num_entries(z, 0);
	int macros = 0;
	for (zip_int64_t i = 0; i < entries && i < 10000; i++) {
		const char *nm = zip_get_name(z, (zip_uint64_t)i, 0);
		if (nm && strstr(nm, "vbaProject.bin"))
			macros = 1;
	}
	if (!macros && zip_name_locate(z, "[Content_Types].xml", 0) >= 0) {
		if (zip_name_locate(z, "word/document.xml", 0) >= 0)
			k = kind_of_ext("docx");
		else if (zip_name_locate(z, "xl/workbook.xml", 0) >= 0)
			k = kind_of_ext("xlsx");
		else if (zip_name_locate(z, "ppt/presentation.xml", 0) >= 0)
			k = kind_of_ext("pptx");
	} else if (!macros) {
		zip_file_t *f = zip_fopen(z, "mimetype", 0);
		if (f) {
			char m[128] = "";
			zip_int64_t got = zip_fread(f, m, sizeof m - 1);
			zip_fclose(f);
			if (got > 0) {
				m[got] = 0;
				k = kind_of_mime(m);
				if (k && strncmp(k->mime, "application/vnd.oasis.", 22))
					k = NULL;
			}
		}
	}
	zip_close(z); /* frees src */
	zip_error_fini(&ze);
	return k;
}

const char *files_sniff(const void *data, size_t n, const char *name, const char **ext)
{
	magic_t m = magic_get();
	const char *found = m && n ? magic_buffer(m, data, n) : NULL;
	const struct kind_def *k = kind_of_mime(found);
	/* a zip container is what its parts say, whatever libmagic saw in its
	 * first entries (and a macro-enabled document is none of ours) */
	if (k ? !strncmp(k->mime, "application/vnd.o", 17)
	      : found && (!strcmp(found, "application/zip") || !strcmp(found, "application/octet-stream")))
		k = zip_probe(data, n);
	if (!k && found && (!strcmp(found, "application/CDFV2") || !strcmp(found, "application/x-ole-storage"))) {
		/* an OLE compound file libmagic cannot name: an office document
		 * when the name says which (it is served as an attachment) */
		const struct kind_def *by_name = kind_of_ext(name_ext(name));
		if (by_name &&
		    (!strcmp(by_name->ext, "doc") || !strcmp(by_name->ext, "xls") || !strcmp(by_name->ext, "ppt")))
			k = by_name;
	}
	if (!k)
		return NULL;
	if (ext)
		*ext = k->ext;
	return k->mime;
}

int files_part_is_upload(const struct kv *p)
{
	return p->filename && (*p->filename || p->len > 0);
}

const char *files_clean_name(struct arena *a, const char *name, const char *ext)
{
	const char *base = name ? name : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	char *out = arena_alloc(a, strlen(base) + 16);
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)base; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || strchr("\"<>:|?*;", *p))
			continue;
		if (o == 0 && (*p == '.' || *p == ' '))
			continue; /* no hidden or blank-led names */
		out[o++] = (char)*p;
	}
	/* at most 120 bytes, cut on a character boundary */
	if (o > 120) {
		o = 120;
		while (o && ((unsigned char)out[o] & 0xC0) == 0x80)
			o--;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
	if (!o)
		memcpy(out, "file", (o = 4) + 1);
	if (!ext)
		return out;
	const char *cur = name_ext(out);
	const struct kind_def *cur_kind = kind_of_ext(cur), *want = kind_of_ext(ext);
	if (cur_kind && cur_kind == want)
		return out;
	if (cur_kind) /* one of our extensions, but the wrong one: replace it */
		out[cur - out - 1] = 0;
	return arena_printf(a, "%s.%s", out, ext);
}

int files_check(struct arena *a, const struct kv *part, long max, struct file_kind *k, enum msg_id *why)
{
	memset(k, 0, sizeof *k);
	if (part->len == 0) {
		*why = M_files_empty;
		return 400;
	}
	if ((long long)part->len > (long long)max) {
		*why = M_files_too_large;
		return 413;
	}
	const char *ext = NULL;
	const char *mime = files_sniff(part->value, part->len, part->filename, &ext);
	if (!mime) {
		*why = M_files_bad_type;
		return 415;
	}
	k->mime = mime;
	k->ext = ext;
	k->is_image = kind_of_mime(mime)->is_image;
	k->name = files_clean_name(a, part->filename, ext);
	*why = M_NONE;
	return 0;
}

/* ---- thumbnails ---- */

/* Decoding takes 4 bytes a pixel: a picture of more pixels than this gets
 * no thumbnail (its link is shown instead). */
#define THUMB_MAX_PIXELS (48L * 1000 * 1000)

static void gd_quiet(int priority, const char *fmt, va_list ap)
{
	(void)priority, (void)fmt, (void)ap;
}

static pthread_once_t gd_once = PTHREAD_ONCE_INIT;

static void gd_setup(void)
{
	gdSetErrorMethod(gd_quiet); /* a broken image is not worth a log line per warning */
}

/* The pixel size from the header, without decoding: 0, or -1. */
static int image_size(const unsigned char *p, size_t n, int png, long *w, long *h)
{
	if (png) {
		if (n < 24)
			return -1;
		*w = (long)p[16] << 24 | (long)p[17] << 16 | p[18] << 8 | p[19];
		*h = (long)p[20] << 24 | (long)p[21] << 16 | p[22] << 8 | p[23];
		return 0;
	}
	size_t i = 2;
	while (i + 9 < n) {
		if (p[i] != 0xFF)
			return -1;
		unsigned m = p[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {
			i += 2;
			continue;
		}
		size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			*h = p[i + 5] << 8 | p[i + 6];
			*w = p[i + 7] << 8 | p[i + 8];
			return 0;
		}
		i += 2 + len;
	}
	return -1;
}

const void *files_thumbnail(struct arena *a, const void *data, size_t n, const char *mime, size_t *out_n)
{
	int png = !strcmp(mime, "image/png");
	if (!png && strcmp(mime, "image/jpeg"))
		return NULL;
	long w0, h0;
	if (n > 0x7fffffff || image_size(data, n, png, &w0, &h0) || w0 <= 0 || h0 <= 0 || w0 * h0 > THUMB_MAX_PIXELS)
		return NULL;
	pthread_once(&gd_once, gd_setup);
	gdImagePtr im =
	    png ? gdImageCreateFromPngPtr((int)n, (void *)data) : gdImageCreateFromJpegPtr((int)n, (void *)data);
	if (!im)
		return NULL;
	int w = gdImageSX(im), h = gdImageSY(im), tw = w, th = h;
	if (w > FILES_THUMB_MAX || h > FILES_THUMB_MAX) {
		if (w >= h)
			tw = FILES_THUMB_MAX, th = (int)((long)h * FILES_THUMB_MAX / w);
		else
			th = FILES_THUMB_MAX, tw = (int)((long)w * FILES_THUMB_MAX / h);
		tw = tw < 1 ? 1 : tw;
		th = th < 1 ? 1 : th;
	}
	gdImagePtr t = gdImageCreateTrueColor(tw, th);
	const void *result = NULL;
	if (t) {
		if (png) { /* keep transparency */
			gdImageAlphaBlending(t, 0);
			gdImageSaveAlpha(t, 1);
			gdImageFilledRectangle(t, 0, 0, tw - 1, th - 1, gdTrueColorAlpha(0, 0, 0, gdAlphaTransparent));
		}
		gdImageCopyResampled(t, im, 0, 0, 0, 0, tw, th, w, h);
		int size = 0;
		void *enc = png ? gdImagePngPtrEx(t, &size, 6) : gdImageJpegPtr(t, &size, 82);
		if (enc && size > 0) {
			void *copy = arena_alloc(a, (size_t)size);
			memcpy(copy, enc, (size_t)size);
			*out_n = (size_t)size;
			result = copy;
		}
		gdFree(enc);
		gdImageDestroy(t);
	}
	gdImageDestroy(im);
	return result;
}

/* ---- storing and attaching ---- */

int64_t files_store(struct req *r, const struct kv *part, const struct file_kind *k, const char *record_type,
		    int64_t record_id, const char *field, int64_t event_id)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(hash, (const unsigned char *)part->value, part->len);
	char hex[2 * sizeof hash + 1];
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	size_t tn = 0;
	const void *thumb = k->is_image ? files_thumbnail(r->a, part->value, part->len, k->mime, &tn) : NULL;
	int64_t now = time(NULL);
	int returning = !db_has_last_id(db);
	struct db_stmt *s = db_prepare(db, r->a,
				       returning ? "INSERT INTO files (record_type, record_id, "
						   "event_id, field, name, mime, size, "
						   "sha256, created_at, created_by, thumb, data) "
						   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
						   "?, ?, ?) RETURNING id"
						 : "INSERT INTO files (record_type, record_id, "
						   "event_id, field, name, mime, size, "
						   "sha256, created_at, created_by, thumb, data) "
						   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
						   "?, ?, ?)");
	if (!s)
		return DB_ERR;
	db_bind_text(s, 1, record_type);
	if (record_type)
		db_bind_int64(s, 2, record_id);
	else
		db_bind_null(s, 2);
	if (event_id)
		db_bind_int64(s, 3, event_id);
	else
		db_bind_null(s, 3);
	db_bind_text(s, 4, record_type ? field : NULL);
	db_bind_text(s, 5, k->name);
	db_bind_text(s, 6, k->mime);
	db_bind_int64(s, 7, (int64_t)part->len);
	db_bind_text(s, 8, hex);
	db_bind_int64(s, 9, now);
	if (r->user)
		db_bind_int64(s, 10, r->user->id);
	else
		db_bind_null(s, 10);
	if (thumb)
		db_bind_blob(s, 11, thumb, tn);
	else
		db_bind_null(s, 11);
	db_bind_blob(s, 12, part->value, part->len);
	int rc = db_step(s);
	int64_t id = 0;
	if (rc == DB_ROW) {
		id = db_column_int64(s, 0);
		while (db_step(s) == DB_ROW)
			;
	} else if (rc == DB_DONE && !returning) {
		id = db_last_id(db);
	} else {
		return rc < 0 ? rc : DB_ERR;
	}
	db_reset(s); /* the bound copy of the file goes now, not with the arena */
	json_t *after = json_pack("{s:s, s:s, s:I, s:s}", "name", k->name, "mime", k->mime, "size",
				  (json_int_t)part->len, "sha256", hex);
	if (record_type) {
		json_object_set_new(after, "record_type", json_string(record_type));
		json_object_set_new(after, "record_id", json_integer(record_id));
	}
	rc = audit_log(r, "upload", "files", id, NULL, after);
	json_decref(after);
	return rc ? rc : id;
}

/* One file's owner: 1 when found. */
struct file_row {
	int64_t id, record_id, event_id, created_by, created_at, size;
	const char *record_type, *field, *name, *mime, *sha256;
	int has_thumb;
};

static int file_load(struct req *r, int64_t id, struct file_row *f)
{
	struct db_stmt *s = db_query(req_db(r), r->a,
				     "SELECT id, record_type, record_id, event_id, field, "
				     "created_by, created_at, name, mime, size, "
				     "sha256, thumb IS NOT NULL FROM files WHERE id = ?",
				     "i", id);
	if (!s || db_step(s) != DB_ROW)
		return 0;
	f->id = db_column_int64(s, 0);
	f->record_type = db_column_isnull(s, 1) ? NULL : arena_strdup(r->a, db_column_text(s, 1));
	f->record_id = db_column_int64(s, 2);
	f->event_id = db_column_int64(s, 3);
	f->field = db_column_isnull(s, 4) ? NULL : arena_strdup(r->a, db_column_text(s, 4));
	f->created_by = db_column_int64(s, 5);
	f->created_at = db_column_int64(s, 6);
	f->name = arena_strdup(r->a, db_column_text(s, 7));
	f->mime = arena_strdup(r->a, db_column_text(s, 8));
	f->size = db_column_int64(s, 9);
	f->sha256 = arena_strdup(r->a, db_column_text(s, 10));
	f->has_thumb = (int)db_column_int64(s, 11);
	db_reset(s);
	return 1;
}

/* May the user attach f (an upload of theirs, not yet attached, young)? */
static int attachable(struct req *r, const struct file_row *f)
{
	return !f->record_type && r->user && f->created_by == r->user->id &&
	       f->created_at > (int64_t)time(NULL) - FILES_PENDING_TTL;
}

static int attached_to(const struct file_row *f, const char *record_type, int64_t record_id, const char *field)
{
	return f->record_type && !strcmp(f->record_type, record_type) && f->record_id == record_id &&
	       ((!field && !f->field) || (field && f->field && !strcmp(field, f->field)));
}

int files_attach(struct req *r, const char *record_type, int64_t record_id, const char *field, int64_t event_id,
		 const int64_t *ids, int n)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	for (int k = 0; k < n; k++) {
		struct file_row f;
		if (!file_load(r, ids[k], &f))
			return 1;
		if (attached_to(&f, record_type, record_id, field))
			continue;
		if (!attachable(r, &f))
			return 1;
		int rc = db_run(db,
				"UPDATE files SET record_type = ?, record_id = ?, field = "
				"?, event_id = NULLIF(CAST(? AS BIGINT), 0) "
				"WHERE id = ? AND record_id IS NULL",
				"sisii", record_type, record_id, field, event_id, ids[k]);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- ids in a field ---- */

int files_ids_parse(const char *text, int64_t *ids, int max)
{
	int n = 0;
	const char *p = text ? text : "";
	for (;;) {
		while (*p == ',' || *p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (!*p)
			return n;
		if (*p < '0' || *p > '9')
			return -1;
		int64_t v = 0;
		int digits = 0;
		for (; *p >= '0' && *p <= '9'; p++)
			if (++digits > 18)
				return -1;
			else
				v = v * 10 + (*p - '0');
		if (v <= 0 || n >= max)
			return -1;
		for (int k = 0; k < n; k++)
			if (ids[k] == v)
				goto dup; /* the same file twice is once */
		ids[n++] = v;
	dup:
		if (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != ';')
			return -1;
	}
}

static const char *ids_text(struct req *r, const int64_t *ids, int n)
{
	if (n <= 0)
		return NULL;
	struct buf b;
	buf_init(&b, r->a);
	for (int k = 0; k < n; k++)
		buf_printf(&b, "%s%lld", k ? "," : "", (long long)ids[k]);
	return b.p;
}

const char *files_ids_normalize(struct req *r, const char *text)
{
	int64_t ids[FILES_MAX_PER_FIELD];
	int n = files_ids_parse(text, ids, FILES_MAX_PER_FIELD);
	if (n < 0)
		return text;
	const char *t = ids_text(r, ids, n);
	return t ? t : "";
}

const char *files_ids_from_json(struct req *r, json_t *v)
{
	if (!json_is_array(v) || json_array_size(v) > FILES_MAX_PER_FIELD)
		return (const char *)-1;
	int64_t ids[FILES_MAX_PER_FIELD];
	int n = 0;
	size_t i;
	json_t *x;
	json_array_foreach (v, i, x) {
		json_t *id = json_is_object(x) ? json_object_get(x, "id") : x;
		if (!json_is_integer(id) || json_integer_value(id) <= 0)
			return (const char *)-1;
		ids[n++] = json_integer_value(id);
	}
	return ids_text(r, ids, n);
}

enum msg_id files_field_check(struct req *r, const struct record *rec, const struct record *before, int i)
{
	(void)before;
	const struct record_type *t = rec->type;
	const struct field_def *f = &t->fields[i];
	int64_t ids[FILES_MAX_PER_FIELD];
	int n = files_ids_parse(rec->vals[i], ids, FILES_MAX_PER_FIELD);
	if (n < 0)
		return M_files_bad_ids;
	for (int k = 0; k < n; k++) {
		struct file_row fr;
		if (!file_load(r, ids[k], &fr))
			return M_files_not_yours;
		if (rec->id && attached_to(&fr, t->name, rec->id, f->name))
			continue;
		if (!attachable(r, &fr))
			return M_files_not_yours;
	}
	return M_NONE;
}

/* ---- the observer: a saved record's fields and its files agree ---- */

static int sync_field(struct req *r, const struct record *rec, const struct field_def *f, const char *value)
{
	struct db *db = req_db(r);
	int64_t ids[FILES_MAX_PER_FIELD];
	int n = files_ids_parse(value, ids, FILES_MAX_PER_FIELD);
	if (n < 0)
		return DB_E_CHECK;
	int rc = files_attach(r, rec->type->name, rec->id, f->name, 0, ids, n);
	if (rc)
		return rc > 0 ? DB_E_CHECK : rc;
	/* the files taken out of the field go */
	struct db_stmt *s = db_query(db, r->a,
				     "SELECT id, name FROM files WHERE record_type = "
				     "? AND record_id = ? AND field = ?",
				     "sis", rec->type->name, rec->id, f->name);
	int64_t gone[256];
	const char *names[256];
	int ngone = 0;
	while (s && db_step(s) == DB_ROW && ngone < 256) {
		int64_t id = db_column_int64(s, 0);
		int keep = 0;
		for (int k = 0; k < n; k++)
			keep |= ids[k] == id;
		if (!keep) {
			names[ngone] = arena_strdup(r->a, db_column_text(s, 1));
			gone[ngone++] = id;
		}
	}
	db_reset(s);
	for (int k = 0; k < ngone && !rc; k++) {
		rc = db_run(db, "DELETE FROM files WHERE id = ?", "i", gone[k]);
		if (!rc) {
			json_t *b = json_pack("{s:s, s:s, s:I}", "name", names[k], "record_type", rec->type->name,
					      "record_id", (json_int_t)rec->id);
			rc = audit_log(r, "delete", "files", gone[k], b, NULL);
			json_decref(b);
		}
	}
	return rc;
}

static int observe_saved(struct req *r, const struct record *rec)
{
	const struct record_type *t = rec->type;
	for (int i = 0; i < t->nfields; i++) {
		if (t->fields[i].type != F_FILES)
			continue;
		int rc = sync_field(r, rec, &t->fields[i], rec->vals[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int observe_added(struct req *r, void *state, const struct record *rec)
{
	(void)state;
	return observe_saved(r, rec);
}

static int observe_begin(struct req *r, size_t rows, void **state)
{
	(void)r, (void)rows;
	*state = NULL;
	return 0;
}

static int observe_end(struct req *r, void *state)
{
	(void)r, (void)state;
	return 0;
}

const struct record_observer files_observer = {
    .saved = observe_saved,
    .batch_begin = observe_begin,
    .batch_added = observe_added,
    .batch_end = observe_end,
};

/* ---- showing ---- */

const char *files_size_text(struct req *r, int64_t n)
{
	if (n < 1024)
		return arena_printf(r->a, "%lld B", (long long)n);
	if (n < 1024 * 1024)
		return arena_printf(r->a, "%lld KB", (long long)((n + 1023) / 1024));
	if (n % (1024 * 1024) == 0) /* a limit: "10 MB" */
		return arena_printf(r->a, "%lld MB", (long long)(n / (1024 * 1024)));
	return arena_printf(r->a, "%.1f MB", (double)n / (1024.0 * 1024.0));
}

/* One file as a list item; with a remove box named remove when given. */
static void file_item(struct req *r, int64_t id, const char *name, int64_t size, int thumb, const char *remove,
		      int removed)
{
	if (thumb)
		html(r,
		     "<li class=\"file file-image\"><a href=\"/files/%D\" "
		     "target=\"_blank\" rel=\"noopener\"><img "
		     "src=\"/files/%D/thumb\" alt=\"%a\" loading=\"lazy\"></a><span "
		     "class=\"file-meta\">%s · %s</span>",
		     id, id, name, name, files_size_text(r, size));
	else
		html(r,
		     "<li class=\"file\"><a href=\"/files/%D\" target=\"_blank\" "
		     "rel=\"noopener\">%s</a> <span "
		     "class=\"file-meta\">%s</span>",
		     id, name, files_size_text(r, size));
	if (remove)
		html(r,
		     " <label class=\"check file-remove\"><input type=\"checkbox\" "
		     "name=\"%a\" value=\"%D\"%H> %T</label>",
		     remove, id, removed ? MARKUP(" checked") : NULL, M_files_remove);
	html(r, "</li>");
}

int files_render_list(struct req *r, const char *record_type, int64_t record_id, const char *field, int64_t event_id)
{
	struct db *db = req_db(r);
	struct db_stmt *s = db ? db_query(db, r->a,
					  "SELECT id, name, size, thumb IS NOT NULL FROM files WHERE "
					  "record_type = ? AND "
					  "record_id = ? AND (CAST(? AS TEXT) IS NULL OR field = ?) "
					  "AND (CAST(? AS BIGINT) = 0 OR event_id = ?) ORDER BY id",
					  "sissii", record_type, record_id, field, field, event_id, event_id)
			       : NULL;
	int n = 0;
	while (s && db_step(s) == DB_ROW) {
		if (!n++)
			html(r, "<ul class=\"files\">");
		file_item(r, db_column_int64(s, 0), db_column_text(s, 1), db_column_int64(s, 2),
			  (int)db_column_int64(s, 3), NULL, 0);
	}
	if (n)
		html(r, "</ul>");
	return n;
}

json_t *files_field_json(struct req *r, const char *text)
{
	json_t *a = json_array();
	int64_t ids[FILES_MAX_PER_FIELD];
	int n = files_ids_parse(text, ids, FILES_MAX_PER_FIELD);
	struct db *db = n > 0 ? req_db(r) : NULL;
	for (int k = 0; db && k < n; k++) {
		struct db_stmt *s = db_query(db, r->a, "SELECT name, size, mime FROM files WHERE id = ?", "i", ids[k]);
		if (!s || db_step(s) != DB_ROW) /* deleted (an audit entry's "before"): its id alone */
			json_array_append_new(a, json_pack("{s:I}", "id", (json_int_t)ids[k]));
		else
			json_array_append_new(a,
					      json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)ids[k], "name",
							db_column_text(s, 0), "size", (json_int_t)db_column_int64(s, 1),
							"mime", db_column_text(s, 2), "url",
							arena_printf(r->a, "/files/%lld", (long long)ids[k])));
		db_reset(s);
	}
	return a;
}

json_t *files_field_schema(int input, const char *description)
{
	json_t *obj = json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}, "
				"s:[s,s,s,s,s], s:b}",
				"type", "object", "properties", "id", "type", "integer", "name", "type", "string",
				"size", "type", "integer", "mime", "type", "string", "url", "type", "string",
				"required", "id", "name", "size", "mime", "url", "additionalProperties", 0);
	json_t *items = input ? json_pack("{s:[{s:s, s:i}, o]}", "oneOf", "type", "integer", "minimum", 1, obj) : obj;
	return json_pack("{s:s, s:o, s:i, s:b, s:s}", "type", "array", "items", items, "maxItems", FILES_MAX_PER_FIELD,
			 "nullable", input, "description", description);
}

const char *files_field_display(struct req *r, const char *text)
{
	int64_t ids[FILES_MAX_PER_FIELD];
	int n = files_ids_parse(text, ids, FILES_MAX_PER_FIELD);
	if (n <= 0)
		return "";
	return arena_printf(r->a, T(r, M_files_count), n);
}

void files_field_detail(struct req *r, const struct record *rec, int i)
{
	if (!rec->id || !files_render_list(r, rec->type->name, rec->id, rec->type->fields[i].name, 0))
		html(r, "<span class=\"muted\">%T</span>", M_files_none);
}

/* ---- forms ---- */

static const char *remove_name(struct req *r, const struct field_def *f)
{
	return arena_printf(r->a, "%s_remove", f->name);
}

/* Is id among the values of the form's name? */
static int form_has(struct req *r, const char *name, int64_t id)
{
	for (size_t k = 0; k < r->form.n; k++)
		if (!strcmp(r->form.v[k].name, name) && !r->form.v[k].filename &&
		    strtoll(r->form.v[k].value, NULL, 10) == id)
			return 1;
	return 0;
}

/* The number of uploads in the form for field name. */
static int form_uploads(struct req *r, const char *name)
{
	int n = 0;
	for (size_t k = 0; k < r->form.n; k++)
		n += !strcmp(r->form.v[k].name, name) && files_part_is_upload(&r->form.v[k]);
	return n;
}

void files_field_widget(struct req *r, const struct record *rec, int i, enum msg_id err)
{
	const struct field_def *f = &rec->type->fields[i];
	const char *rm = remove_name(r, f);
	html(r, "<div class=\"field field-files%H\"><label for=\"f-%a\">%T</label>",
	     err != M_NONE ? MARKUP(" has-error") : NULL, f->name, f->label);
	struct db *db = rec->id ? req_db(r) : NULL;
	struct db_stmt *s = db ? db_query(db, r->a,
					  "SELECT id, name, size, thumb IS NOT NULL "
					  "FROM files WHERE record_type = ? AND "
					  "record_id = ? AND field = ? ORDER BY id",
					  "sis", rec->type->name, rec->id, f->name)
			       : NULL;
	int n = 0;
	while (s && db_step(s) == DB_ROW) {
		int64_t id = db_column_int64(s, 0);
		if (!n++)
			html(r, "<ul class=\"files files-edit\">");
		file_item(r, id, db_column_text(s, 1), db_column_int64(s, 2), (int)db_column_int64(s, 3), rm,
			  form_has(r, rm, id));
	}
	if (n)
		html(r, "</ul>");
	html(r, "<input id=\"f-%a\" type=\"file\" name=\"%a\" multiple accept=\"%a\"%H>", f->name, f->name, ACCEPT,
	     err != M_NONE ? html_fmt(r, " aria-invalid=\"true\" aria-describedby=\"f-%a-err\"", f->name) : NULL);
	if (err != M_NONE)
		html(r, "<p class=\"error\" id=\"f-%a-err\">%T</p>", f->name, err);
	if (form_uploads(r, f->name) && r->status != 200)
		html(r, "<p class=\"hint\">%T</p>", M_files_reselect);
	html(r, "<p class=\"hint\">%s</p>",
	     arena_printf(r->a, T(r, M_files_hint), files_size_text(r, r->app->cfg->max_upload)));
	if (f->hint != M_NONE)
		html(r, "<p class=\"hint\">%T</p>", f->hint);
	html(r, "</div>");
}

const struct markup *files_form_enctype(struct req *r, const struct record_type *t)
{
	(void)r;
	for (int i = 0; i < t->nfields; i++)
		if (t->fields[i].type == F_FILES && !(t->fields[i].flags & FF_HIDDEN))
			return MARKUP(" enctype=\"multipart/form-data\"");
	return NULL;
}

const char *files_form_value(struct req *r, const struct record *rec, int i)
{
	const struct field_def *f = &rec->type->fields[i];
	int64_t ids[FILES_MAX_PER_FIELD];
	int n = files_ids_parse(rec->vals[i], ids, FILES_MAX_PER_FIELD), m = 0;
	if (n < 0)
		return rec->vals[i];
	const char *rm = remove_name(r, f);
	for (int k = 0; k < n; k++)
		if (!form_has(r, rm, ids[k]))
			ids[m++] = ids[k];
	return ids_text(r, ids, m);
}

int files_form_check(struct req *r, struct record *rec, struct record_errors *e)
{
	const struct record_type *t = rec->type;
	int status = 0;
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (f->type != F_FILES || (f->flags & FF_HIDDEN))
			continue;
		int uploads = form_uploads(r, f->name);
		if (uploads && e->field[i] == M_required) { /* the new files will fill it */
			e->field[i] = M_NONE;
			e->count--;
		}
		int64_t ids[FILES_MAX_PER_FIELD];
		int kept = files_ids_parse(rec->vals[i], ids, FILES_MAX_PER_FIELD);
		if (kept >= 0 && kept + uploads > FILES_MAX_PER_FIELD && e->field[i] == M_NONE) {
			e->field[i] = M_files_too_many;
			e->count++;
			status = status ? status : 422;
			continue;
		}
		for (size_t k = 0; k < r->form.n; k++) {
			const struct kv *p = &r->form.v[k];
			if (strcmp(p->name, f->name) || !files_part_is_upload(p))
				continue;
			struct file_kind fk;
			enum msg_id why;
			int st = files_check(r->a, p, r->app->cfg->max_upload, &fk, &why);
			if (!st)
				continue;
			if (e->field[i] == M_NONE)
				e->count++;
			e->field[i] = why;
			status = st == 400 ? 422 : st;
			break;
		}
	}
	return status;
}

int files_form_save(struct req *r, struct record *rec, const struct record *before)
{
	const struct record_type *t = rec->type;
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	int rc = db_begin(db);
	for (int i = 0; !rc && i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (f->type != F_FILES || (f->flags & FF_HIDDEN))
			continue;
		int64_t ids[FILES_MAX_PER_FIELD];
		int n = files_ids_parse(rec->vals[i], ids, FILES_MAX_PER_FIELD);
		if (n < 0)
			n = 0;
		for (size_t k = 0; !rc && k < r->form.n; k++) {
			const struct kv *p = &r->form.v[k];
			if (strcmp(p->name, f->name) || !files_part_is_upload(p) || n >= FILES_MAX_PER_FIELD)
				continue;
			struct file_kind fk;
			enum msg_id why;
			if (files_check(r->a, p, r->app->cfg->max_upload, &fk, &why)) {
				rc = DB_E_CHECK; /* files_form_check let it through: it cannot be */
				break;
			}
			/* stored as the user's upload: the record's observer attaches it */
			int64_t id = files_store(r, p, &fk, NULL, 0, NULL, 0);
			if (id < 0)
				rc = (int)id;
			else
				ids[n++] = id;
		}
		rec->vals[i] = ids_text(r, ids, n);
	}
	if (!rc)
		rc = record_save(r, rec, before);
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

/* ---- routes ---- */

/* The file's access: 0 when the user may read it, else the status. */
static int file_access(struct req *r, const struct file_row *f)
{
	if (!f->record_type)
		return r->user && f->created_by == r->user->id ? 0 : 404;
	const struct record_type *t = record_type_find(f->record_type);
	if (!t)
		return 404;
	return record_readable(r, t, f->record_id) ? 0 : 403;
}

/* Content-Disposition with the name as an ASCII fallback and in UTF-8. */
static void disposition(struct req *r, const char *how, const char *name)
{
	char *ascii = arena_strdup(r->a, name);
	for (char *p = ascii; *p; p++)
		if ((unsigned char)*p >= 0x80 || *p == '\\' || *p == '%')
			*p = '_';
	struct buf enc;
	buf_init(&enc, r->a);
	buf_url(&enc, name, strlen(name));
	req_header_add(r, "Content-Disposition: %s; filename=\"%s\"; filename*=UTF-8''%s", how, ascii, enc.p);
}

static int serve(struct req *r, int thumb)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	struct file_row f;
	if (!file_load(r, req_param_int(r, "id"), &f))
		return req_fail(r, 404, M_files_not_found);
	int st = file_access(r, &f);
	if (st)
		return req_fail(r, st, st == 404 ? M_files_not_found : M_NONE);
	if (thumb && !f.has_thumb)
		return req_fail(r, 404, M_files_not_found);
	const char *etag = arena_printf(r->a, "\"%s%s\"", thumb ? "t-" : "", f.sha256);
	/* the user's own browser may keep it, and asks again each time
	 * (access may change): an unchanged file is a 304 */
	r->no_store = 0;
	req_header_add(r, "Cache-Control: private, no-cache");
	req_header_add(r, "ETag: %s", etag);
	r->csp = "sandbox; default-src 'none'";
	const char *inm = req_header(r, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		r->status = 304;
		return 0;
	}
	const struct kind_def *k = kind_of_mime(f.mime);
	struct db_stmt *s =
	    db_query(db, r->a, thumb ? "SELECT thumb FROM files WHERE id = ?" : "SELECT data FROM files WHERE id = ?",
		     "i", f.id);
	size_t n = 0;
	const void *data = s && db_step(s) == DB_ROW ? db_column_blob(s, 0, &n) : NULL;
	if (!data)
		return req_fail(r, 500, M_NONE);
	/* the statement stays handed out until the arena's reset, which comes
	 * after the response is sent: the bytes are sent from where they are */
	r->body_ref = data;
	r->body_ref_len = n;
	r->content_type = k ? k->mime : "application/octet-stream";
	disposition(r, k && (k->shown_inline || thumb) ? "inline" : "attachment", f.name);
	return 0;
}

static int file_get(struct req *r)
{
	return serve(r, 0);
}

static int thumb_get(struct req *r)
{
	return serve(r, 1);
}

/* POST /api/v1/files: every file part is checked, then all are stored in
 * one transaction (or none), waiting for the user to attach them. */
static int upload_json(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	struct file_kind *ks = arena_alloc(r->a, (r->form.n + 1) * sizeof *ks);
	int n = 0;
	for (size_t k = 0; k < r->form.n; k++) {
		const struct kv *p = &r->form.v[k];
		if (!files_part_is_upload(p))
			continue;
		enum msg_id why;
		int st = files_check(r->a, p, r->app->cfg->max_upload, &ks[k], &why);
		if (st)
			return req_fail(r, st == 400 ? 422 : st, why);
		n++;
	}
	if (!n)
		return req_fail(r, 400, M_files_no_file);
	json_t *data = json_array();
	int rc = db_begin(db);
	for (size_t k = 0; !rc && k < r->form.n; k++) {
		const struct kv *p = &r->form.v[k];
		if (!files_part_is_upload(p))
			continue;
		int64_t id = files_store(r, p, &ks[k], NULL, 0, NULL, 0);
		if (id < 0) {
			rc = (int)id;
			break;
		}
		json_array_append_new(data, json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)id, "name",
						      ks[k].name, "size", (json_int_t)p->len, "mime", ks[k].mime, "url",
						      arena_printf(r->a, "/files/%lld", (long long)id)));
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		json_decref(data);
		return req_fail(r, 500, M_NONE);
	}
	req_json_begin(r, 201);
	json_t *body = json_pack("{s:o}", "data", data);
	char *text = json_dumps(body, JSON_COMPACT);
	buf_puts(&r->out, text ? text : "null");
	buf_putc(&r->out, '\n');
	free(text);
	json_decref(body);
	return 0;
}

const struct route files_routes[] = {
    {"GET", "/files/{id:int}", file_get, P_SIGNED_IN, 0, "file"},
    {"GET", "/files/{id:int}/thumb", thumb_get, P_SIGNED_IN, 0, "file thumbnail"},
    {"POST", "/api/v1/files", upload_json, P_SIGNED_IN, 1, "api files upload"},
    {NULL, NULL, NULL, 0, 0, NULL},
};

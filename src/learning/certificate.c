/* certificate.c — a training certificate as PDF (結業證書): one landscape
 * A4 page per completed enrolment with the holder's name, the course, its
 * hours and dates, the issuer, the verification code and a QR code to the
 * public verification page (verify.c), drawn by the engine's PDF writer
 * (web/pdf.h). /learning/certificates/CODE.pdf is for the holder, and for
 * who may change the enrolment (the office, the unit's clerk); every
 * download is audited as an export. Fixed text is in the viewer's
 * language. Also the certificate sections of the enrolment's and the
 * person's pages. It must not show the certificate to anyone else: the
 * public page says only whether a code is genuine. */
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../records/export.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/pdf.h"
#include "../web/widgets.h"
#include "learning.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* May the user download the certificate of enrolment e, held by the
 * person whose account is holder_user (0: none)? */
static int cert_may(struct req *r, const struct record *e, int64_t holder_user)
{
	if (r->user && holder_user && holder_user == r->user->id)
		return 1;
	return authz_record_of(r, e, ACC_WRITE);
}

static int64_t holder_user(struct req *r, const char *person)
{
	return person ? db_one_int64(req_db(r), 0, "SELECT COALESCE(user_id, 0) FROM people WHERE id = ?", "s", person)
		      : 0;
}

static const char *cert_href(struct req *r, const char *code)
{
	return arena_printf(r->a, "/learning/certificates/%s.pdf", code);
}

/* "label：value" (", " and ": " in English; arena). */
static const char *labelled(struct req *r, enum msg_id label, const char *value)
{
	return arena_printf(r->a, "%s%s%s", T(r, label), r->lang == LANG_EN ? ": " : "：", value ? value : "");
}

static const char *hours_text(struct req *r, struct db_stmt *q, int col)
{
	if (db_column_isnull(q, col))
		return "";
	return arena_printf(r->a, "%g", db_column_double(q, col));
}

/* Draws the certificate into out: 0, or a PDF_E_* code. */
struct cert {
	const char *code, *name, *course, *hours, *from, *to, *issuer, *completed;
};

/* compact: smaller type and QR code, for what does not fit one page */
static int cert_draw(struct req *r, const struct cert *c, int compact, struct buf *out, int *pages)
{
	double k = compact ? 0.8 : 1;
	const char *url = learn_abs_url(r, arena_printf(r->a, "/verify/%s", c->code));
	const char *sep = r->lang == LANG_EN ? "   ·   " : "　·　";
	struct pdf *p =
		pdf_begin(r->a, &(struct pdf_meta){.title = arena_printf(r->a, "%s · %s · %s", T(r, M_learn_cert_title),
									 c->name, c->course),
						   .subject = c->course,
						   .author = c->issuer,
						   .lang = lang_code(r->lang),
						   .landscape = 1,
						   .border = 1});
	pdf_fill(p);
	pdf_title(p, T(r, M_learn_cert_title));
	pdf_text(p, c->name, 24 * k, 1, PDF_CENTER);
	pdf_text(p, T(r, M_learn_cert_completed), 12.5 * k, 0, PDF_CENTER);
	pdf_space(p, 1);
	pdf_text(p,
		 r->lang == LANG_EN ? arena_printf(r->a, "“%s”", c->course) : arena_printf(r->a, "「%s」", c->course),
		 (strlen(c->course) > 90 ? 15 : 19) * k, 1, PDF_CENTER);
	pdf_text(p,
		 arena_printf(r->a, "%s%s%s", labelled(r, M_learn_hours, c->hours), sep,
			      labelled(r, M_learn_cert_period, arena_printf(r->a, "%s – %s", c->from, c->to))),
		 12 * k, 0, PDF_CENTER);
	pdf_fill(p);
	pdf_text(p,
		 arena_printf(r->a, "%s%s%s", labelled(r, M_learn_cert_issuer, c->issuer), sep,
			      labelled(r, M_learn_cert_issued_on, c->completed)),
		 12 * k, 0, PDF_CENTER);
	pdf_fill(p);
	pdf_qr(p, url, 24 * k, PDF_CENTER);
	pdf_text(p, labelled(r, M_learn_cert_code, c->code), 11, 1, PDF_CENTER);
	pdf_text(p, labelled(r, M_learn_cert_verify_line, url), 8, 0, PDF_CENTER);
	return pdf_end(p, out, pages);
}

static int cert_pdf(struct req *r)
{
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down);
	const char *raw = req_param(r, "code");
	size_t n = raw ? strlen(raw) : 0;
	if (n != 16 || strcmp(raw + 12, ".pdf"))
		return req_fail(r, 404, M_learn_not_genuine);
	const char *code = arena_strndup(r->a, raw, 12);
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT e.id, p.name, c.title, c.hours, c.date_from, c.date_to, COALESCE(c.organizer, ''), "
			 "COALESCE(u.name, ''), COALESCE(e.completed_on, c.date_to), COALESCE(p.user_id, 0) FROM "
			 "training_enrolments e JOIN people p ON p.id = e.person_id JOIN training_courses c ON c.id = "
			 "e.course_id "
			 "LEFT JOIN units u ON u.id = c.unit_id WHERE e.cert_code = ? AND e.status = 'completed' AND "
			 "e.archived = 0",
			 "s", code);
	if (!q || db_step(q) != DB_ROW) {
		db_reset(q);
		return req_fail(r, 404, M_learn_not_genuine);
	}
	int64_t id = db_column_int64(q, 0), user = db_column_int64(q, 9);
	struct cert c = {
		.code = code,
		.name = arena_strdup(r->a, db_column_text(q, 1)),
		.course = arena_strdup(r->a, db_column_text(q, 2)),
		.hours = hours_text(r, q, 3),
		.from = arena_strdup(r->a, db_column_text(q, 4)),
		.to = arena_strdup(r->a, db_column_text(q, 5)),
		.issuer = arena_strdup(r->a, *db_column_text(q, 6) ? db_column_text(q, 6) : db_column_text(q, 7)),
		.completed = arena_strdup(r->a, db_column_text(q, 8)),
	};
	db_reset(q);
	struct record *e = record_load(r, &enrolments_type, id);
	if (!e)
		return req_fail(r, 404, M_learn_not_genuine);
	if (!cert_may(r, e, user))
		return req_fail(r, 403, M_NONE);
	struct buf pdf;
	buf_init(&pdf, r->a);
	int pages = 0;
	int rc = cert_draw(r, &c, 0, &pdf, &pages);
	if (!rc && pages > 1) {
		buf_reset(&pdf);
		rc = cert_draw(r, &c, 1, &pdf, &pages);
	}
	if (rc == PDF_E_FONT)
		return req_fail(r, 503, M_learn_cert_failed);
	if (rc)
		return req_fail(r, 500, M_NONE);
	json_t *what = json_pack("{s:s, s:s}", "format", "pdf", "code", code);
	rc = audit_log_read(r, "export", "training_enrolments", id, what);
	json_decref(what);
	if (rc)
		return req_fail(r, 500, M_NONE);
	buf_append(&r->out, pdf.p, pdf.len);
	r->content_type = "application/pdf";
	export_attachment(r, arena_printf(r->a, "certificate-%s.pdf", code),
			  arena_printf(r->a, "%s-%s-%s.pdf", T(r, M_learn_cert_title), c.name, c.course));
	return 0;
}

const struct route learn_cert_routes[] = {
	/* {code} is CODE.pdf: a parameter runs to the next "/" */
	{"GET", "/learning/certificates/{code:str}", cert_pdf, P_SIGNED_IN, 0, "learning certificate"},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* ---- the sections on the enrolment's and the person's pages ---- */

void learn_enrolment_certificate(struct req *r, const struct record *rec)
{
	const char *code = rec->vals[TE_CERT_CODE];
	if (!code || !rec->vals[TE_STATUS] || strcmp(rec->vals[TE_STATUS], "completed"))
		return;
	html(r,
	     "<section class=\"card\" id=\"certificate\"><h2>%T</h2><p>%T: <a class=\"mono\" "
	     "href=\"/verify/%u\">%s</a></p>",
	     M_learn_cert_title, M_learn_cert_code, code, code);
	if (cert_may(r, rec, holder_user(r, rec->vals[TE_PERSON_ID])))
		html(r, "<p><a class=\"btn btn-primary\" id=\"cert-pdf\" href=\"%a\" download>%T</a></p>",
		     cert_href(r, code), M_learn_cert_pdf);
	html(r, "</section>");
}

void learn_person_certificates(struct req *r, const struct record *rec)
{
	struct db *db = req_db(r);
	if (!db)
		return;
	int own = r->user && holder_user(r, arena_printf(r->a, "%lld", (long long)rec->id)) == r->user->id;
	struct db_stmt *q = db_query(
		db, r->a,
		"SELECT e.id, e.unit_id, e.cert_code, c.title, e.completed_on, c.hours FROM training_enrolments "
		"e JOIN training_courses c ON c.id = e.course_id WHERE e.person_id = ? AND e.status = "
		"'completed' AND e.archived = 0 AND e.cert_code IS NOT NULL ORDER BY e.completed_on DESC, e.id "
		"DESC LIMIT 200",
		"i", rec->id);
	static const struct list_col cols[] = {{.label = M_learn_course},
					       {.label = M_learn_hours, .num = 1},
					       {.label = M_learn_completed_on},
					       {.label = M_learn_cert_code},
					       {.label = M_learn_cert_title}};
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		int64_t unit = db_column_isnull(q, 1) ? 0 : db_column_int64(q, 1);
		if (!own && !authz_record(r, &enrolments_type, ACC_READ, unit, 0))
			continue;
		if (!n++) {
			html(r, "<section class=\"card\" id=\"certificates\"><h2>%T</h2>", M_learn_certificates);
			list_begin(r, cols, 5, -1, 0);
		}
		const char *code = db_column_text(q, 2);
		html(r,
		     "<tr><td class=\"card-title\"><a href=\"/r/training_enrolments/%D\">%s</a></td><td class=\"num\" "
		     "data-label=\"%T\">%s</td><td data-label=\"%T\">%s</td><td data-label=\"%T\"><a class=\"mono\" "
		     "href=\"/verify/%u\">%s</a></td><td>",
		     db_column_int64(q, 0), db_column_text(q, 3), M_learn_hours, hours_text(r, q, 5),
		     M_learn_completed_on, db_column_isnull(q, 4) ? "" : db_column_text(q, 4), M_learn_cert_code, code,
		     code);
		if (own || authz_record(r, &enrolments_type, ACC_WRITE, unit, 0))
			html(r, "<a class=\"btn btn-sm\" href=\"%a\" download>%T</a>", cert_href(r, code),
			     M_learn_cert_pdf);
		html(r, "</td></tr>");
	}
	db_reset(q);
	if (n) {
		list_end(r);
		html(r, "</section>");
	}
}

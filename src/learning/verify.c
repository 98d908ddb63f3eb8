/* verify.c — the public verification of a training certificate (no
 * account): /verify asks for the code printed on the certificate, and
 * /verify/CODE says whether it is genuine, with the holder's name, the
 * course and the date of completion — and nothing else (no unit, no score,
 * no ID number). An unknown code gets the same page saying it is not
 * genuine, with 404. Codes are 12 characters from a 31-letter alphabet
 * (about 59 bits), so they cannot be guessed. */
#include "../core/onetime.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "learning.h"

#include <string.h>

static void ask_form(struct req *r, const char *code)
{
	html(r,
	     "<section class=\"card\"><form method=\"get\" action=\"/verify\"><div class=\"field\"><label "
	     "for=\"f-code\">%T</label><input id=\"f-code\" name=\"code\" value=\"%a\" autocomplete=\"off\" "
	     "maxlength=\"20\"></div><button class=\"btn btn-primary\">%T</button></form></section>",
	     M_learn_cert_code, code ? code : "", M_learn_verify_button);
}

static int verify_code(struct req *r, const char *raw)
{
	char canon[13];
	const char *code = onetime_canon(raw, 12, canon) ? NULL : canon;
	struct db_stmt *q =
		code ? db_query(req_db(r), r->a,
				"SELECT p.name, c.title, e.completed_on FROM training_enrolments e JOIN people p "
				"ON p.id = e.person_id JOIN training_courses c ON c.id = e.course_id WHERE "
				"e.cert_code = ? AND e.status = 'completed' AND e.archived = 0",
				"s", code)
		     : NULL;
	int found = q && db_step(q) == DB_ROW;
	page_public_begin(r, T(r, M_learn_verify), "/public/", NULL, NULL);
	html(r, "<h1>%T</h1>", M_learn_verify);
	if (found) {
		html(r,
		     "<section class=\"card learn-cert\" id=\"certificate\"><p class=\"badge badge-ok\" "
		     "id=\"genuine\">%T</p><dl><dt>%T</dt><dd id=\"cert-name\">%s</dd><dt>%T</dt><dd "
		     "id=\"cert-course\">%s</dd><dt>%T</dt><dd id=\"cert-date\">%s</dd><dt>%T</dt><dd "
		     "class=\"mono\">%s</dd></dl></section>",
		     M_learn_genuine, M_learn_cert_holder, db_column_text(q, 0), M_learn_course, db_column_text(q, 1),
		     M_learn_completed_on, db_column_isnull(q, 2) ? "" : db_column_text(q, 2), M_learn_cert_code, code);
	} else {
		r->status = 404;
		html(r, "<section class=\"card\"><p class=\"flash flash-error\" id=\"not-genuine\">%T</p></section>",
		     M_learn_not_genuine);
		ask_form(r, raw);
	}
	db_reset(q);
	page_public_end(r);
	return 0;
}

static int verify_page(struct req *r)
{
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down);
	const char *code = req_query(r, "code");
	if (code && *code)
		return verify_code(r, code);
	page_public_begin(r, T(r, M_learn_verify), "/public/", NULL, NULL);
	html(r, "<h1>%T</h1><p>%T</p>", M_learn_verify, M_learn_verify_hint);
	ask_form(r, NULL);
	page_public_end(r);
	return 0;
}

static int verify_code_page(struct req *r)
{
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down);
	return verify_code(r, req_param(r, "code"));
}

const struct route learn_public_routes[] = {
	{"GET", "/verify", verify_page, P_PUBLIC, 0, "learning verify"},
	{"GET", "/verify/{code:str}", verify_code_page, P_PUBLIC, 0, "learning verify"},
	{NULL, NULL, NULL, 0, 0, NULL},
};

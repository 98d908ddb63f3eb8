/* contracts_pdf.c — a responsibility contract as a printable PDF
 * (/assessment/contracts/ID.pdf: title, parties, targets, the table of
 * indicators with their points and targets, the two signature blocks with
 * who signed and when, the verification code and a QR code to the public
 * verification page), and that page (/assessment/contracts/verify/CODE),
 * which says whether a code is a real contract, its parties and its state
 * — nothing else. The PDF is for the parties, the clerks above them and
 * the office (contract_may_see); every download is audited as an export. */
#include "../core/onetime.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../records/export.h"
#include "../web/layout.h"
#include "../web/pdf.h"
#include "assessment.h"
#include "contracts_impl.h"
#include "tree.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *abs_url(struct req *r, const char *path)
{
	const char *b = r->app && r->app->cfg->base_url[0] ? r->app->cfg->base_url : NULL;
	const char *host = req_header(r, "Host");
	if (!b)
		b = arena_printf(r->a, "http://%s", host ? host : "localhost");
	size_t n = strlen(b);
	while (n && b[n - 1] == '/')
		n--;
	return arena_printf(r->a, "%.*s%s", (int)n, b, path);
}

static const char *labelled(struct req *r, enum msg_id label, const char *value)
{
	return arena_printf(r->a, "%s%s%s", T(r, label), r->lang == LANG_EN ? ": " : "：", value ? value : "");
}

int contract_pdf(struct req *r)
{
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down);
	const char *raw = req_param(r, "file");
	size_t n = raw ? strlen(raw) : 0;
	if (n < 5 || n > 24 || strcmp(raw + n - 4, ".pdf"))
		return req_fail(r, 404, M_NONE);
	for (size_t i = 0; i < n - 4; i++)
		if (!isdigit((unsigned char)raw[i]))
			return req_fail(r, 404, M_NONE);
	struct contract c;
	if (contract_load(r, strtoll(raw, NULL, 10), &c) || !contract_may_see(r, &c))
		return req_fail(r, 404, M_NONE);
	struct assess_tree t;
	struct contract_item *items;
	int nitems = contract_items_load(r, c.id, &items);
	if (nitems < 0 || assess_tree_load(r, c.system_id, &t))
		return req_fail(r, 503, M_err_db_down);
	contract_items_sort(r, &t, items, nitems);

	const char *url = abs_url(r, arena_printf(r->a, "/assessment/contracts/verify/%s", c.code));
	const char *holder = contract_holder_name(r, &c);
	const char *title = arena_printf(r->a, "%d %s", c.year, T(r, M_contract_pdf_title));
	struct pdf *p = pdf_begin(r->a, &(struct pdf_meta){
						.title = arena_printf(r->a, "%s · %s", title, holder),
						.subject = c.system_name,
						.author = c.issuer_name,
						.lang = lang_code(r->lang),
						.footer = labelled(r, M_contract_code, c.code),
						.pages = T(r, M_contract_pdf_pages),
					});
	pdf_title(p, title);
	pdf_text(p, holder, 14, 1, PDF_CENTER);
	pdf_space(p, 4);
	pdf_para(p,
		 arena_printf(
			 r->a, "%s\n%s\n%s\n%s", labelled(r, M_contract_issuer_party, c.issuer_name),
			 labelled(r, M_contract_holder_party, holder), labelled(r, M_assess_system, c.system_name),
			 labelled(r, M_contract_starts_on, *c.starts_on ? c.starts_on : T(r, M_contract_from_signing))),
		 PDF_LEFT);
	if (*c.targets) {
		pdf_heading(p, T(r, M_contract_targets));
		pdf_para(p, c.targets, PDF_LEFT);
	}
	pdf_heading(p, T(r, M_contract_items));
	static const double widths[] = {0.5, 0.12, 0.38};
	const char *head[] = {T(r, M_assess_indicator), T(r, M_contract_points), T(r, M_contract_target)};
	pdf_table_begin(p, 3, widths, head);
	double total = 0;
	for (int i = 0; i < nitems; i++) {
		total += items[i].points;
		const char *row[] = {contract_indicator_path(r, &t, items[i].indicator), assess_num(r, items[i].points),
				     items[i].target};
		pdf_table_row(p, row);
	}
	const char *sum[] = {T(r, M_contract_total), assess_num(r, total), ""};
	pdf_table_row(p, sum);
	pdf_table_end(p);
	pdf_para(p, T(r, M_contract_pdf_clause), PDF_LEFT);
	pdf_space(p, 6);
	const char *labels[2] = {
		arena_printf(r->a, "%s\n%s\n%s", labelled(r, M_contract_issuer_party, c.issuer_name),
			     labelled(r, M_contract_signatory, c.issuer_signed_at ? c.issuer_signer : ""),
			     labelled(r, M_contract_signed_at, contract_time(r, c.issuer_signed_at))),
		arena_printf(r->a, "%s\n%s\n%s", labelled(r, M_contract_holder_party, holder),
			     labelled(r, M_contract_signatory, c.holder_signed_at ? c.holder_signer : ""),
			     labelled(r, M_contract_signed_at, contract_time(r, c.holder_signed_at))),
	};
	pdf_signatures(p, 2, labels, NULL);
	pdf_space(p, 6);
	pdf_qr(p, url, 24, PDF_CENTER);
	pdf_text(p, labelled(r, M_contract_code, c.code), 11, 1, PDF_CENTER);
	pdf_text(p, labelled(r, M_contract_verify_line, url), 8, 0, PDF_CENTER);
	struct buf pdf;
	buf_init(&pdf, r->a);
	int rc = pdf_end(p, &pdf, NULL);
	if (rc == PDF_E_FONT)
		return req_fail(r, 503, M_contract_pdf_failed);
	if (rc)
		return req_fail(r, 500, M_NONE);
	json_t *what = json_pack("{s:s, s:s}", "format", "pdf", "code", c.code);
	rc = audit_log_read(r, "export", "assess_contracts", c.id, what);
	json_decref(what);
	if (rc)
		return req_fail(r, 500, M_NONE);
	buf_append(&r->out, pdf.p, pdf.len);
	r->content_type = "application/pdf";
	export_attachment(r, arena_printf(r->a, "contract-%lld.pdf", (long long)c.id),
			  arena_printf(r->a, "%s-%s.pdf", title, holder));
	return 0;
}

int contract_verify_page(struct req *r)
{
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down);
	char canon[13];
	const char *code = onetime_canon(req_param(r, "code"), 12, canon) ? NULL : canon;
	int64_t id =
		code ? db_one_int64(req_db(r), 0, "SELECT id FROM assess_contracts WHERE verify_code = ?", "s", code)
		     : 0;
	struct contract c;
	int found = id && !contract_load(r, id, &c);
	page_public_begin(r, T(r, M_contract_verify), "/public/", NULL, NULL);
	html(r, "<h1>%T</h1>", M_contract_verify);
	if (found) {
		html(r,
		     "<section class=\"card\" id=\"contract\"><p class=\"badge badge-ok\" id=\"genuine\">%T</p><dl "
		     "class=\"props\"><dt>%T</dt><dd id=\"v-year\">%d</dd><dt>%T</dt><dd "
		     "id=\"v-issuer\">%s</dd><dt>%T</dt>"
		     "<dd id=\"v-holder\">%s</dd><dt>%T</dt><dd id=\"v-state\">%T</dd><dt>%T</dt><dd "
		     "class=\"mono\">%s</dd>"
		     "</dl></section>",
		     M_contract_genuine, M_assess_year, c.year, M_contract_issuer_party, c.issuer_name,
		     M_contract_holder_party, contract_holder_name(r, &c), M_contract_state,
		     contract_state_label(c.state), M_contract_code, c.code);
	} else {
		r->status = 404;
		html(r, "<section class=\"card\"><p class=\"flash flash-error\" id=\"not-genuine\">%T</p></section>",
		     M_contract_not_genuine);
	}
	page_public_end(r);
	return 0;
}

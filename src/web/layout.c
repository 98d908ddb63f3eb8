/* layout.c — the application shell. Markup contract: docs/markup.html. */
#include "layout.h"
#include "../core/log.h"

#include <string.h>

const struct markup *csrf_input(struct req *r)
{
	return html_fmt(r, "<input type=\"hidden\" name=\"_csrf\" value=\"%a\">", req_csrf_token(r));
}

static void head(struct req *r, const char *title, const struct markup *body_class)
{
	r->content_type = "text/html; charset=utf-8";
	html(r,
	     "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	     "<title>%s · %T</title><link rel=\"icon\" href=\"%a\"><link rel=\"stylesheet\" href=\"%a\">"
	     "<script src=\"%a\" defer nonce=\"%a\"></script></head>\n<body%H>",
	     lang_code(r->lang), title, M_app_name, asset_url(r, "favicon.svg"), asset_url(r, "app.css"),
	     asset_url(r, "app.js"), r->nonce, body_class);
	html(r, "<a class=\"skip\" href=\"#main\">%T</a>", M_skip_to_main);
}

/* Where the language switch returns to: this page, with its query. */
static const char *here(struct req *r)
{
	if (strcmp(r->method, "GET") != 0)
		return "/";
	return *r->query ? arena_printf(r->a, "%s?%s", r->path, r->query) : r->path;
}

/* The language switch, returning to next. */
static void lang_switch_to(struct req *r, const char *next)
{
	static const char *labels[] = {"繁", "简", "EN"};
	static const enum msg_id names[] = {M_lang_hant, M_lang_hans, M_lang_en};
	html(r, "<form class=\"lang-switch\" method=\"post\" action=\"/lang\">%H<input type=\"hidden\" name=\"next\" "
		"value=\"%a\">",
	     csrf_input(r), next);
	for (int l = 0; l < LANG__COUNT; l++)
		html(r, "<button name=\"lang\" value=\"%a\" lang=\"%a\" title=\"%T\" aria-pressed=\"%s\">%s</button>",
		     lang_code((enum lang)l), lang_code((enum lang)l), names[l], l == (int)r->lang ? "true" : "false",
		     labels[l]);
	html(r, "</form>");
}

static void lang_switch(struct req *r)
{
	lang_switch_to(r, here(r));
}

static void flash(struct req *r)
{
	const char *f = req_cookie(r, "wm_flash");
	if (!f)
		return;
	req_cookie_set(r, "wm_flash", "", 0);
	const char *dot = strchr(f, '.');
	if (!dot)
		return;
	enum msg_id m = msg_find(dot + 1);
	if (m == M_NONE)
		return;
	const char *kind = strncmp(f, "error.", 6) == 0 ? "error" : strncmp(f, "info.", 5) == 0 ? "info" : "ok";
	html(r, "<div class=\"flash flash-%s\" role=\"%s\">%T</div>", kind,
	     strcmp(kind, "error") == 0 ? "alert" : "status", m);
}

static int nav_active(struct req *r, const char *path)
{
	if (strcmp(path, "/") == 0)
		return strcmp(r->path, "/") == 0;
	size_t n = strlen(path);
	return strncmp(r->path, path, n) == 0 && (r->path[n] == 0 || r->path[n] == '/');
}

void page_begin(struct req *r, const char *title, const struct crumb *crumbs, int ncrumbs)
{
	head(r, title, NULL);
	html(r, "<input type=\"checkbox\" id=\"nav-toggle\" class=\"nav-toggle\" aria-label=\"%T\" "
		"aria-controls=\"sidenav\"><header class=\"topbar\">"
		"<label for=\"nav-toggle\" class=\"nav-btn\"><span aria-hidden=\"true\">☰</span></label>"
		"<a class=\"brand\" href=\"/\"><img src=\"%a\" alt=\"\" width=\"28\" height=\"28\"><span>%T</span></a>"
		"<div class=\"top-actions\">",
	     M_menu, asset_url(r, "logo.svg"), M_app_name);
	if (r->user && strcmp(r->path, "/search") != 0)
		html(r, "<form class=\"top-search\" role=\"search\" method=\"get\" action=\"/search\"><label class=\"sr-only\" "
			"for=\"top-q\">%T</label><input id=\"top-q\" name=\"q\" type=\"search\" maxlength=\"100\" "
			"placeholder=\"%a\"></form>",
		     M_search_site, T(r, M_search_placeholder));
	lang_switch(r);
	int64_t unread = r->user && r->app->unread_count ? r->app->unread_count(r) : 0;
	if (r->user)
		html(r, "<a class=\"inbox-link\" href=\"/inbox\" title=\"%T\" aria-label=\"%a\"><svg class=\"ico\" "
			"viewBox=\"0 0 24 24\" width=\"18\" height=\"18\" fill=\"none\" stroke=\"currentColor\" "
			"aria-hidden=\"true\"><path d=\"M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 "
			"0\"/></svg>%H</a>",
		     M_nav_inbox, unread ? arena_printf(r->a, T(r, M_inbox_unread_n), (int)unread) : T(r, M_nav_inbox),
		     unread ? html_fmt(r, "<span class=\"inbox-count\">%D</span>", unread > 99 ? (int64_t)99 : unread)
			    : MARKUP(""));
	if (r->user)
		html(r, "<a class=\"user\" href=\"/account\">%s</a><form class=\"logout\" method=\"post\" "
			"action=\"/logout\">%H<button class=\"link\">%T</button></form>",
		     r->user->display_name, csrf_input(r), M_sign_out);
	html(r, "</div></header>\n<div class=\"shell\"><nav class=\"sidenav\" id=\"sidenav\" aria-label=\"%T\"><ul>", M_main_menu);
	for (size_t i = 0; i < r->app->nnav; i++) {
		const struct nav_item *n = &r->app->nav[i];
		if (n->visible ? !n->visible(r, n->ctx) : !user_can(r->user, n->perm))
			continue;
		html(r, "<li><a href=\"%a\"%H><svg class=\"ico\" viewBox=\"0 0 24 24\" width=\"18\" height=\"18\" fill=\"none\" stroke=\"currentColor\" aria-hidden=\"true\"><path d=\"%a\"/>"
			"</svg>%T</a></li>",
		     n->path, nav_active(r, n->path) ? MARKUP(" aria-current=\"page\"") : MARKUP(""), n->icon, n->label);
	}
	html(r, "</ul></nav>\n<main id=\"main\">");
	if (ncrumbs > 0) {
		html(r, "<nav class=\"crumbs\" aria-label=\"%T\"><ol><li><a href=\"/\">%T</a></li>", M_breadcrumbs,
		     M_nav_home);
		for (int i = 0; i < ncrumbs; i++) {
			if (crumbs[i].href)
				html(r, "<li><a href=\"%a\">%s</a></li>", crumbs[i].href, crumbs[i].label);
			else
				html(r, "<li aria-current=\"page\">%s</li>", crumbs[i].label);
		}
		html(r, "</ol></nav>");
	}
	flash(r);
}

void page_heading(struct req *r, const char *title, const struct markup *actions)
{
	html(r, "<div class=\"page-head\"><h1>%s</h1>", title);
	if (actions)
		html(r, "<div class=\"actions\">%H</div>", actions);
	html(r, "</div>");
}

static void footer(struct req *r)
{
	html(r, "<footer class=\"footer\"><span>%T · v%s</span><span>%T</span></footer>\n</body></html>\n",
	     M_app_name, r->app->version, M_org_name);
}

void page_end(struct req *r)
{
	html(r, "</main></div>\n");
	footer(r);
}

void page_bare_begin(struct req *r, const char *title)
{
	head(r, title, MARKUP(" class=\"bare\""));
	html(r, "<main class=\"login\" id=\"main\"><div class=\"login-card\"><div class=\"login-brand\">"
		"<img src=\"%a\" alt=\"\" width=\"56\" height=\"56\"><h1>%T</h1><p class=\"sub\">%T</p></div>",
	     asset_url(r, "logo.svg"), M_app_name, M_org_name);
	lang_switch(r);
	flash(r);
}

void page_bare_end(struct req *r)
{
	html(r, "</div></main>\n");
	footer(r);
}

void page_public_begin(struct req *r, const char *title, const char *home, const char *next,
		       const struct markup *nav)
{
	head(r, title, MARKUP(" class=\"bare public\""));
	html(r, "<header class=\"public-top\"><div class=\"public-bar\"><a class=\"brand\" href=\"%a\"><img src=\"%a\" "
		"alt=\"\" width=\"28\" height=\"28\"><span>%T</span></a>",
	     home, asset_url(r, "logo.svg"), M_org_name);
	lang_switch_to(r, next && req_path_local(next) ? next : here(r));
	html(r, "</div>%H</header>\n<main class=\"public\" id=\"main\">", nav);
	flash(r);
}

void page_public_end(struct req *r)
{
	html(r, "</main>\n");
	footer(r);
}

void layout_render_error(struct req *r, int status, enum msg_id title, enum msg_id detail)
{
	buf_reset(&r->out);
	r->content_type = "text/html; charset=utf-8";
	const char *t = T(r, title);
	if (r->user) {
		page_begin(r, t, NULL, 0);
	} else {
		head(r, t, MARKUP(" class=\"bare\""));
		html(r, "<main id=\"main\">");
	}
	html(r, "<div class=\"error-page\"><p class=\"error-code\">%d</p><h1>%s</h1><p>%T</p>"
		"<a class=\"btn btn-primary\" href=\"/\">%T</a></div>",
	     status, t, detail != M_NONE ? detail : status == 403 ? M_err_detail_403 : status == 404 ? M_err_detail_404 : M_err_detail_generic,
	     M_back_home);
	if (r->user) {
		page_end(r);
	} else {
		html(r, "</main>\n");
		footer(r);
	}
}

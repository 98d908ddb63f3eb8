/* layout.h — the page shell: header with user and language switch, the
 * left navigation, breadcrumbs, flash message, footer; and error pages.
 * Handlers call page_begin, write their content with html(), then page_end. */
#ifndef WM_LAYOUT_H
#define WM_LAYOUT_H

#include "../http/app.h"
#include "html.h"
#include "../core/i18n.h"

#define T(r, id) msg((r)->lang, (id))

/* A navigation entry, declared by a module (struct module's nav) or made
 * for a record type with an icon. Entries are shown by order: 0 home,
 * 10-899 the modules' registers and pages, 900 and up the platform's tools
 * (search, users, audit, account). */
struct nav_item {
	const char *path;
	enum msg_id label;
	enum perm perm;
	const char *icon; /* SVG path data, 24×24 */
	/* when set, decides visibility instead of perm (record types) */
	int (*visible)(struct req *r, const void *ctx);
	const void *ctx;
	int order;
};

struct crumb {
	const char *href; /* NULL for the current page */
	const char *label;
};

/* Starts a signed-in page: title in <title> and <h1>; crumbs after "Home". */
void page_begin(struct req *r, const char *title, const struct crumb *crumbs, int ncrumbs);
/* The heading row with optional action markup (built with html_fmt). */
void page_heading(struct req *r, const char *title, const struct markup *actions);
void page_end(struct req *r);
/* A page without navigation (sign-in, error pages for visitors). */
void page_bare_begin(struct req *r, const char *title);
void page_bare_end(struct req *r);
/* A page for the public, without an account (a portal): a band with the
 * organization's name linking to home, a language switch returning to next
 * (NULL: this page; a page answering a POST names a GET page) and the
 * portal's own links (nav, markup, or NULL); not the app's navigation. */
void page_public_begin(struct req *r, const char *title, const char *home, const char *next,
		       const struct markup *nav);
void page_public_end(struct req *r);
/* The hidden CSRF input for a form (markup, arena). */
const struct markup *csrf_input(struct req *r);
/* Renders an error page inside the shell (signed in) or bare. */
void layout_render_error(struct req *r, int status, enum msg_id title, enum msg_id detail);


#endif

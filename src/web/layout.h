/* layout.h — the page shell: header with user and language switch, the
 * left navigation, breadcrumbs, flash message, footer; and error pages.
 * Handlers call page_begin, write their content with html(), then page_end. */
#ifndef WM_LAYOUT_H
#define WM_LAYOUT_H

#include "../http/app.h"
#include "html.h"
#include "i18n.h"

#define T(r, id) msg((r)->lang, (id))

struct crumb {
	const char *href; /* NULL for the current page */
	const char *label;
};

/* Starts a signed-in page: title in <title> and <h1>; crumbs after "Home". */
void page_begin(struct req *r, const char *title, const struct crumb *crumbs, int ncrumbs);
/* The heading row with optional action markup (built with html_fmt). */
void page_heading(struct req *r, const char *title, const char *actions);
void page_end(struct req *r);
/* A page without navigation (sign-in, error pages for visitors). */
void page_bare_begin(struct req *r, const char *title);
void page_bare_end(struct req *r);
/* The hidden CSRF input for a form (markup, arena). */
const char *csrf_input(struct req *r);
/* Renders an error page inside the shell (signed in) or bare. */
void layout_render_error(struct req *r, int status, enum msg_id title, enum msg_id detail);

extern const struct nav_item nav_items[];
extern const size_t nav_count;

#endif

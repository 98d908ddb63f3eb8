/* widgets.h — shared page pieces: list tables with sort and pager, filter
 * forms, form fields with inline errors, empty states, confirm pages that
 * work without JavaScript. Markup contract: docs/markup.html. */
#ifndef WM_WIDGETS_H
#define WM_WIDGETS_H

#include <stdint.h>

#include "layout.h"

struct list_col {
	enum msg_id label;
	const char *sort; /* sort key accepted in ?sort=, or NULL */
	int num;          /* right-aligned number column */
};

/* The column index chosen by ?sort=key or ?sort=-key, validated against
 * the columns; dflt when absent or unknown. *desc is set for "-key". */
int list_sort(struct req *r, const struct list_col *cols, int n, int dflt, int *desc);
/* The opening tag of the box a table scrolls sideways in on phones: a
 * labelled region in the tab order (arena). */
const struct markup *table_wrap_open(struct req *r);
/* A required field's marker for its label: an asterisk shown, the word
 * "required" read out (arena). */
const struct markup *field_required_mark(struct req *r);
/* table_wrap_open, then <table class="list"><thead>…</thead><tbody> */
void list_begin(struct req *r, const struct list_col *cols, int n, int sort, int desc);
void list_end(struct req *r);
/* The pager row: total count, previous / next. */
void list_pager(struct req *r, int64_t total, int page, int per_page);
/* This page's URL with one query parameter set (value NULL removes it);
 * other parameters are kept; "page" is dropped when another one changes. */
const char *url_with(struct req *r, const char *name, const char *value);
void empty_state(struct req *r, enum msg_id title, enum msg_id detail, const char *href, enum msg_id action);
/* A home-page tile: a figure with its label and a note (M_NONE: none),
 * linking to the page behind it; warn marks a figure that needs action. */
void home_tile(struct req *r, const char *href, enum msg_id label, int64_t value, enum msg_id note, int warn);

/* A labelled input with its error under it. type: "text", "password",
 * "search", "number", "decimal" (a number with fractions), "date", "email".
 * err M_NONE for none. */
void field_input(struct req *r, const char *type, const char *name, enum msg_id label, const char *value,
		 enum msg_id err, int required, enum msg_id hint);
/* A <select> from parallel value / label arrays. */
void field_select(struct req *r, const char *name, enum msg_id label, const char *const *values,
		  const enum msg_id *labels, int n, const char *current, int with_blank);
/* The error summary at the top of a form. */
void form_errors(struct req *r, int nerrors);
/* A confirm page: question, explanation, a POST button and a way back. */
void confirm_page(struct req *r, const char *title, const struct markup *question, enum msg_id detail,
		  const char *action, enum msg_id button, const char *back);

#endif

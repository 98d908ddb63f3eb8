/* roundwork.h — what the round-work pages share (selfassess.c, review.c,
 * appeal.c, pack.c): who a unit's clerk is, a round's unit, the leaves that
 * apply to a unit with their score and self-assessment, and the evidence
 * files. Everything returned lives in the request arena. Tables:
 * migrations/004_round_work.sql (assess_self, assess_self_units) and
 * 003_rounds.sql (assess_appeals). */
#ifndef WM_ASSESS_ROUNDWORK_H
#define WM_ASSESS_ROUNDWORK_H

#include <stdint.h>

#include "round.h"

struct req;
struct buf;

#define RW_TEXT_MAX 500  /* characters of a self-assessment, an appeal's reason, a comment */
#define RW_LINKS_MAX 10  /* links to records per leaf */
#define RW_SELF_TYPE "assess_self" /* files.record_type of the evidence */
#define RW_PER_PAGE 100 /* units on a page of the office's overviews */

/* One leaf that applies to a unit in a round, in the tree's order. */
struct rw_leaf {
	int64_t id;
	const char *name, *parent_name, *method, *standard, *metric;
	double max;
	int has_score;   /* a row in assess_round_scores */
	int scored;      /* its points are not NULL */
	double points;
	const char *source, *explanation, *comment;
	int64_t self_id; /* 0: no self-assessment */
	const char *text, *links;
};

/* The unit of a round: 0 with its name and kind, or -1 when it is not in
 * the round. */
int rw_round_unit(struct req *r, int64_t round_id, int64_t unit_id, const char **name, const char **kind);
/* True for a unit_admin or leader whose scope holds unit_id: the unit's
 * clerk, who writes its self-assessment and its appeals. An
 * organization-wide grant counts for the top unit (the bureau) only. */
int rw_is_clerk(struct req *r, int64_t unit_id);
/* Today in the server's local time, "YYYY-MM-DD" (arena). */
const char *rw_today(struct req *r);
/* The number of characters (code points) of UTF-8 text; -1 when it is not
 * valid UTF-8. */
long rw_chars(const char *s);
/* The leaves that apply to the unit (not veto leaves), in tree order:
 * their number, or -1 on a database error. manual_only: only leaves scored
 * by hand. */
int rw_leaves_load(struct req *r, const struct assess_round *rd, int64_t unit_id, const char *kind, int manual_only,
		   struct rw_leaf **out);
/* The unit's submission time, 0 when not submitted. */
int64_t rw_submitted_at(struct req *r, int64_t round_id, int64_t unit_id);
/* The evidence files of a self-assessment as links served by
 * /assessment/rounds/R/units/U/files/F, each with a "remove" box when
 * removable. Their number. */
int rw_files_render(struct req *r, int64_t round_id, int64_t unit_id, int64_t self_id, int removable);
/* The links of a self-assessment as a list of local links. */
void rw_links_render(struct req *r, const char *links);
/* The round of the route's {id}: 0, or -1 when the request has failed
 * (404). */
int rw_round_of_route(struct req *r, struct assess_round *rd);
/* The unit of the form's (or else the query's) "unit", 0 when none. */
int64_t rw_unit_of_form(struct req *r);
/* "2026-12-03 14:05" (arena). */
const char *rw_time(struct req *r, int64_t t);

/* Links to the round's work for the user (self-assessments, review,
 * appeals, the evidence pack) as a card: unit 0 on the round's page
 * (rounds.c), a unit on its score page (score.c). Nothing for a user who
 * has no part in it. */
void assess_roundwork_links(struct req *r, const struct assess_round *rd, int64_t unit);

extern const struct route assess_self_routes[], assess_review_routes[], assess_appeal_routes[],
	assess_pack_routes[];
/* The demo: self-assessments of the published round, one appeal upheld
 * and one rejected (demo.c calls it after the round's demo). */
int assess_roundwork_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif

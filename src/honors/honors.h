/* honors.h — the honors module (榮譽 and 創建活動): the honors register (a
 * title awarded to a unit, a team or a person, with its level, issuer, term
 * and status: valid, expired, revoked), the units the office counts for the
 * civilized-unit ratio per year, the ratio for any subtree and year with the
 * list behind it (ratio.c), the titles to renew and the scheduler's
 * reminders (remind.c), and campaigns (青年文明號, 文明走廊 ...) with their
 * criteria, the units' applications with evidence per criterion and the
 * office's review, whose selection records the honor (types.c, raise.c).
 *
 * Other modules record an honor with honors_raise() (an event's award). */
#ifndef WM_HONORS_H
#define WM_HONORS_H

#include <stddef.h>
#include <stdint.h>

#include "../module.h"

/* Fields of the honors register by position: hooks read rec->vals[HON_...]. */
enum {
	HON_TITLE,
	HON_CATEGORY,
	HON_RECIPIENT,
	HON_UNIT,
	HON_PERSON,
	HON_LEVEL,
	HON_ISSUER,
	HON_AWARDED_ON,
	HON_TERM_START,
	HON_TERM_END,
	HON_STATUS,
	HON_REVOKED_ON,
	HON_CERTIFICATE,
	HON_SOURCE,
	HON_SOURCE_REF,
	HON_NOTES,
	HON_REMINDED_END,
	HON__COUNT
};

/* Fields of campaign applications by position. */
enum {
	APP_CAMPAIGN,
	APP_UNIT,
	APP_SUMMARY,
	APP_STATE,
	APP_INSPECTION,
	APP_HONOR,
	APP_SUBMITTED_AT,
	APP_DECIDED_ON,
	APP__COUNT
};

extern const struct record_type honors_type, counted_units_type, campaigns_type, criteria_type, applications_type,
	evidence_type;
extern const struct enum_opt honor_categories[];
extern const struct module honors_module;

/* What another module gives to record an honor. */
struct honor_new {
	const char *title;                 /* required: "青年文明號" */
	const char *category;              /* a code of honor_categories: "contest_award" */
	const char *recipient;             /* "unit", "team" or "person"; NULL: "unit" */
	int64_t unit_id;                   /* required: the unit, the team's unit, or the person's unit */
	int64_t person_id;                 /* 0, or the person (recipient "person") */
	const char *level;                 /* national, provincial, prefecture, county, system */
	const char *issuer;                /* required: who awarded it */
	const char *awarded_on;            /* YYYY-MM-DD, required */
	const char *term_start, *term_end; /* YYYY-MM-DD or NULL */
	const char *source;                /* "manual", "campaign" or "event"; NULL: "manual" */
	const char *source_ref;            /* the source record's id as text ("17"), or NULL */
	const char *notes;                 /* or NULL */
};

/* Records an honor in the register as the request's user (validated as a
 * form would be, audited), inside the caller's transaction or its own; the
 * new honor's id in *id. 0, a DB_E_* code, or HONORS_E_INVALID (a field is
 * missing or wrong: nothing written). Safe to call from a workflow hook. */
#define HONORS_E_INVALID (-300)
int honors_raise(struct req *r, const struct honor_new *h, int64_t *id);

/* The civilized-unit figures of unit's subtree for year (ratio.c). */
struct civ_ratio {
	int64_t counted, holding;
	double ratio; /* 100 * holding / counted; -1 when nothing counts */
};
/* award.c: an event's awards as honors (a section on the event's page). */
void honors_event_section(struct req *r, const struct record *rec);
extern const struct route honors_award_routes[];

int honors_ratio(struct req *r, int64_t unit, int year, struct civ_ratio *out);

/* ---- types.c hooks, ratio.c, remind.c ---- */
void honors_unit_section(struct req *r, const struct record *rec);
void application_extra(struct req *r, const struct record *rec);
extern const struct route honors_routes[];
extern const struct metric honors_metrics[];
void honors_home(struct req *r);
extern const struct job honors_jobs[];
/* Expires the valid titles whose term ended before today and reminds each
 * unit of a valid title ending within today's year (once per term end);
 * the counts in *expired and *reminded. 0 or a DB_E_* code. */
int honors_remind_run(struct req *r, int64_t today, int *expired, int *reminded);
int cmd_honors(struct config *cfg, int argc, char **argv);
/* The published unit page's list of its valid honors (public_units.c). */
void honors_public_list(struct req *r, int64_t unit);
int honors_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

/* "YYYY-MM-DD" of today (arena). */
const char *honors_today(struct req *r);

#endif

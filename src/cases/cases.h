/* cases.h — the cases module: complaints, suggestions, praise, tip-offs,
 * consultations and problems from every channel, handled as cases with a
 * workflow (types.c, steps.c), deadlines in working days, a public portal
 * and tracking page, Open311, statistics and the scheduler's reminders. */
#ifndef WM_CASES_H
#define WM_CASES_H

#include "../platform/platform.h"

struct wf_transition;
struct wf_input;

/* Fields by position: hooks read rec->vals[CASE_...]. */
enum { CAT_CODE, CAT_NAME, CAT_GROUP, CAT_DESCRIPTION, CAT_UNIT_ID, CAT_DAYS, CAT_KEYWORDS, CAT_PUBLIC, CAT__COUNT };

enum { ATTR_CATEGORY_ID, ATTR_CODE, ATTR_LABEL, ATTR_TYPE, ATTR_REQUIRED, ATTR_POSITION, ATTR_VALUES, ATTR__COUNT };

enum { REPLY_CATEGORY_ID, REPLY_TITLE, REPLY_TEXT, REPLY__COUNT };

enum {
	CASE_NUMBER,
	CASE_TITLE,
	CASE_KIND,
	CASE_CHANNEL,
	CASE_CATEGORY_ID,
	CASE_DESCRIPTION,
	CASE_ADDRESS,
	CASE_ATTACHMENTS,
	CASE_LAT,
	CASE_LON,
	CASE_STATE,
	CASE_UNIT_ID,
	CASE_DUE,
	CASE_RECEIVED_AT,
	CASE_RESPONSE_DUE,
	CASE_DISPATCHED_AT,
	CASE_ACCEPTED_AT,
	CASE_ANSWERED_AT,
	CASE_CLOSED_AT,
	CASE_HANDLING_DUE,
	CASE_ACCEPTED_ON_TIME,
	CASE_ANSWERED_ON_TIME,
	CASE_HANDLING_DAYS,
	CASE_REPLY,
	CASE_EXTENSION_TO,
	CASE_RATING,
	CASE_RATING_COMMENT,
	CASE_RATINGS,
	CASE_RATED,
	CASE_RATING_VOID,
	CASE_APPEAL,
	CASE_FOLLOWUP_DUE,
	CASE_REMINDERS,
	CASE_REMINDED_DUE,
	CASE_ESCALATED,
	CASE_MERGED_INTO,
	CASE_ANONYMOUS,
	CASE_CONFIDENTIAL,
	CASE_CONTACT_NAME,
	CASE_CONTACT_PHONE,
	CASE_CONTACT_EMAIL,
	CASE_SUBMITTER,
	CASE_TRACKING,
	CASE_EXTRA,
	CASE__COUNT
};

extern const struct record_type case_categories_type, case_attributes_type, case_replies_type, cases_type;
extern const struct enum_opt case_kinds[], case_channels[], case_states[], case_ratings[];
extern const struct module cases_module;

/* Working days a reopened case has for its rectification, and the
 * follow-up call's. */
#define CASE_REOPEN_DAYS 15
#define CASE_FOLLOWUP_DAYS 1
/* Working days the handling unit has to accept or return a case. */
#define CASE_RESPONSE_DAYS 1

/* A tracking code: 12 characters of an alphabet without look-alikes,
 * shown as XXXX-XXXX-XXXX; about 59 bits from libsodium's CSPRNG. */
#define CASE_CODE_SIZE 15

/* ---- intake (intake.c) ---- */

/* Registers a new case from rec (fields set from a form, JSON or Open311;
 * channel and kind among them) by the request's user or the public: checks
 * it (errs), sets the state, the received time and the deadline, writes it
 * with its first event and audit entry in one transaction, and gives the
 * tracking code (code, CASE_CODE_SIZE bytes). 0, WF_E_INVALID (errs says
 * why), WF_E_CALENDAR, or a DB_E_* code. For the public (no user) the
 * category must be a public one. */
int case_submit(struct req *r, struct record *rec, char code[CASE_CODE_SIZE], struct record_errors *errs);
/* case_submit, and more(r, rec, ctx) when not NULL (the portal's photos),
 * on the group-commit writer (http/write.h): 0 only once the transaction
 * holding the case has been flushed to disk, so that a tracking code or id
 * given out is never lost. The other codes as case_submit's. */
int case_submit_durable(struct req *r, struct record *rec, char code[CASE_CODE_SIZE], struct record_errors *errs,
			int (*more)(struct req *r, struct record *rec, void *ctx), void *ctx);
/* The case whose tracking code is code (any form: dashes, case and spaces
 * are ignored), loaded without a scope check, or NULL. */
struct record *case_by_code(struct req *r, const char *code);

/* An open case like one being entered. */
struct case_match {
	int64_t id;
	const char *number, *title, *state;
	double score;
};
/* Open cases of the last 90 days in category whose text (title and
 * description) shares most character pairs with text, or whose address is
 * address, best first: at most max into out; their number. */
int case_similar(struct req *r, int64_t category, const char *text, const char *address, int64_t except,
		 struct case_match *out, int max);

/* Starts a page of the public portal (no account): the portal's links,
 * get_path the one that is current (and where the language switch of a
 * POST's answer returns). Later modules' public pages use it too. */
void case_portal_begin(struct req *r, const char *title, const char *get_path);

/* The unit page's section: the subtree's cases (unit_section.c). */
void cases_unit_section(struct req *r, const struct record *rec);
/* The home page's tiles: open and overdue cases of the user's scope. */
void cases_home(struct req *r);

/* ---- deadlines (deadlines.c) ---- */

/* Reminds the handling unit of each open case past its deadline on today
 * (once per deadline) and escalates those escalate_after working days
 * past it; the counts in *reminded and *escalated. 0 or a DB_E_* code. */
int case_deadlines_run(struct req *r, int64_t today, int escalate_after, int *reminded, int *escalated);
extern const struct job case_jobs[];
/* wenming cases remind [--today DATE] (module.c lists it). */
int cmd_cases(struct config *cfg, int argc, char **argv);

/* ---- the workflow's hooks (steps.c) ---- */

void case_step_prefill(struct req *r, struct record *rec, const struct wf_transition *t);
void case_step_form_extra(struct req *r, const struct record *rec, const struct wf_transition *t);
enum msg_id case_step_guard(struct req *r, const struct record *rec, const struct wf_transition *t);
enum msg_id case_step_check(struct req *r, const struct record *rec, const struct wf_transition *t,
			    const struct wf_input *in);
int case_step_deadline(struct req *r, const struct record *rec, const struct wf_transition *t, int64_t *due);
int case_step_apply(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in);
int case_step_after(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		    const struct wf_input *in, int64_t event_id);
void case_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs);
int case_after_save(struct req *r, struct record *rec, const struct record *before);

#endif

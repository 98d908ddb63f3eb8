/* workflow.h — states and transitions a record type declares.
 *
 * A record type with a workflow names the field that holds its state (an
 * F_ENUM marked FF_READONLY: no form, import or API body sets it), the states
 * with the working days each allows, and the transitions between them: who
 * may take each (which roles, on which side of the record), what it asks for
 * (a reason, a public reply, an internal note, files, some of the record's
 * own fields such as the unit a case is dispatched to) and what the module
 * does besides (hooks). From that the engine gives the detail page's
 * buttons and forms (/r/TYPE/ID/t/NAME), one API endpoint per transition
 * (POST /api/v1/TYPE/ID/transitions/NAME), the event log (record_events)
 * shown on the detail page and at GET /api/v1/TYPE/ID/events, the deadline
 * counted in working days (platform/workdays.h), and an audit entry per
 * transition in the same transaction. Rectification, contracts, appraisal
 * campaigns and applications declare theirs the same way. */
#ifndef WM_WORKFLOW_H
#define WM_WORKFLOW_H

#include <stdint.h>

#include "record.h"

/* On which side of a record a user stands. */
enum wf_side {
	WF_OFFICE = 1 << 0,    /* an admin or office grant whose scope covers the record */
	WF_UNIT = 1 << 1,      /* a unit_admin or staff grant covering the record's unit */
	WF_SUBMITTER = 1 << 2, /* the record's owner, or the public holding its tracking code */
	WF_SYSTEM = 1 << 3,    /* the server itself (the scheduler) */
};

/* What a transition asks for besides its fields. */
enum wf_ask {
	WF_ASK_REASON = 1 << 0,    /* a reason, required (a return, a refusal, a reopening) */
	WF_ASK_REPLY = 1 << 1,     /* the reply the public sees, required */
	WF_ASK_NOTE = 1 << 2,      /* an internal note, optional */
	WF_ASK_FILES = 1 << 3,     /* attached files, optional */
	WF_NOTE_REQUIRED = 1 << 4, /* with WF_ASK_NOTE: the note is required */
};

#define WF_TEXT_MAX 4000 /* characters of a reason, reply or note */

struct wf_state {
	const char *code; /* one of the state field's enum codes */
	/* working days allowed in this state, counted from the day it is
	 * entered (the day itself not counted); 0: no deadline; the module's
	 * deadline hook may decide otherwise */
	int days;
	int final; /* 1: nothing is due (closed, merged) */
};

struct wf_input;

struct wf_transition {
	const char *name;  /* URL segment and API name: "dispatch" */
	enum msg_id label; /* the button */
	const char *from;  /* the states it leaves, space-separated; NULL: any non-final */
	const char *to;    /* the state it enters; NULL: the state stays (a reminder) */
	unsigned sides;    /* enum wf_side: who may take it */
	unsigned roles;    /* (1 << enum role): which roles of those sides; 0: any */
	unsigned asks;     /* enum wf_ask */
	/* the record's own fields it asks for, space-separated, each required
	 * unless its name ends in "?": "rating rating_comment?" */
	const char *fields;
	int is_public; /* 1: its event and reply show on the public tracking page */
	int primary;   /* 1: the main next step (a primary button) */
};

/* What a user gives a transition. */
struct wf_input {
	const char *reason, *reply, *note;
	/* the transition's fields as text, in the order of its fields list */
	const char *vals[8];
	/* multipart file parts to attach to the event (WF_ASK_FILES) */
	const struct kv *files[16];
	int nfiles;
	/* or files uploaded before (POST /api/v1/files), by id */
	int64_t file_ids[16];
	int nfile_ids;
};

struct workflow {
	const char *state_field;                 /* an F_ENUM field, FF_READONLY */
	const char *due_field;                   /* an F_DATE field, FF_READONLY, or NULL */
	const struct wf_state *states;           /* ended by {NULL} */
	const struct wf_transition *transitions; /* ended by {NULL} */
	/* optional: whether step t applies to rec now, whatever the input (a
	 * rating given once, an appeal that is pending): M_NONE, or why not;
	 * a step it refuses is not offered, and taking it is a 422 */
	enum msg_id (*guard)(struct req *r, const struct record *rec, const struct wf_transition *t);
	/* optional: more checks of a transition's input, inside its
	 * transaction (M_NONE: fine); e.g. a merge target must be open */
	enum msg_id (*check)(struct req *r, const struct record *rec, const struct wf_transition *t,
			     const struct wf_input *in);
	/* optional: the deadline after step t (a day number in *due), or
	 * WF_DUE_STATE to count the days of the state entered, or WF_DUE_KEEP
	 * to keep the deadline as it is; 0, or a DB_E_* or WF_E_* code */
	int (*deadline)(struct req *r, const struct record *rec, const struct wf_transition *t, int64_t *due);
	/* optional: proposes values for step t's form (the category's default
	 * unit for a dispatch) */
	void (*prefill)(struct req *r, struct record *rec, const struct wf_transition *t);
	/* optional: more of step t's form, before the reply it asks for
	 * (reply templates to pick from) */
	void (*form_extra)(struct req *r, const struct record *rec, const struct wf_transition *t);
	/* optional: sets more of the record's fields for step t (timestamps,
	 * counters) before it is written; 0, or a DB_E_* or WF_E_* code */
	int (*apply)(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in);
	/* optional: work done in the transaction after the record is written
	 * and the event logged (timestamps, notifications, a merge) */
	int (*after)(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		     const struct wf_input *in, int64_t event_id);
};

#define WF_DUE_STATE (-1)
#define WF_DUE_KEEP (-2)

/* The deadline n working days after day from (the day itself not
 * counted): 0 with *due, or WF_E_CALENDAR when the count runs into a year
 * the working-day calendar does not cover. */
int wf_workdays_due(struct req *r, int64_t from, int n, int64_t *due);
/* Working days d with from < d <= to: 0 with *n, or WF_E_CALENDAR. */
int wf_workdays_between(struct req *r, int64_t from, int64_t to, int64_t *n);

/* Errors of wf_take besides DB_E_*: */
#define WF_E_STATE (-200)    /* the transition does not leave the record's state (409) */
#define WF_E_DENIED (-201)   /* not the user's to take (403) */
#define WF_E_INVALID (-202)  /* the input is incomplete or wrong: see errs */
#define WF_E_CALENDAR (-203) /* the deadline runs into a year the calendar does not cover (422) */
#define WF_E_TOO_LARGE (-204) /* an attached file is over max_upload (413; errs->record says so) */
#define WF_E_FILE_TYPE (-205) /* an attached file is not of an accepted type (415) */
#define WF_E_FILE_NOT_YOURS (-206) /* a file id that is not the user's own recent upload (422) */

/* The sides rec presents to the request's user (enum wf_side). */
unsigned wf_sides(struct req *r, const struct record *rec);
/* The transition called name of t's workflow, or NULL. */
const struct wf_transition *wf_transition(const struct record_type *t, const char *name);
/* The state entry for code, or NULL. */
const struct wf_state *wf_state(const struct record_type *t, const char *code);
/* May a user on sides take tr on rec now (state and role)? */
int wf_may(struct req *r, const struct record *rec, const struct wf_transition *tr, unsigned sides);
/* The state of rec ("" when none). */
const char *wf_current(const struct record *rec);

/* Takes tr on rec as a user on sides (wf_sides, or WF_SUBMITTER / WF_SYSTEM
 * where the caller has proved it), in one transaction: checks, sets the
 * state, the transition's fields and the deadline, writes the record, its
 * event (with the input's files) and an audit entry, then the workflow's
 * after hook. On WF_E_INVALID errs says which field (indexes of rec's type;
 * errs->record for reason / reply / note). 0 or an error code. rec is
 * updated in place on success. */
int wf_take(struct req *r, struct record *rec, const struct wf_transition *tr, const struct wf_input *in,
	    unsigned sides, struct record_errors *errs);
/* Logs an event without a transition (e.g. a view of the identity, a
 * submitter's message) inside the caller's transaction: its id or a DB_E_*
 * code (negative). */
int64_t wf_log(struct req *r, const struct record *rec, const char *action, const char *from, const char *to,
	       const struct wf_input *in, int is_public);
/* The same naming the side it was taken on (enum wf_side), for a caller
 * that proved it (the public with the tracking code, the scheduler). */
int64_t wf_log_as(struct req *r, const struct record *rec, const char *action, const char *from, const char *to,
		  const struct wf_input *in, int is_public, unsigned side);
/* HTTP status and message for an error of wf_take. */
int wf_error_status(int rc, enum msg_id *msg);

/* The detail page's sections: the state, the deadline and the buttons of
 * the steps the user may take (above the fields), and the event log
 * (below them). */
void wf_render_status(struct req *r, const struct record *rec);
void wf_render_history(struct req *r, const struct record *rec);
/* The events of rec as a JSON array (public_only: the public's view). */
struct json_t;
struct json_t *wf_events_json(struct req *r, const struct record *rec, int public_only);

#endif

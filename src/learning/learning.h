/* learning.h — the learning and education module (學習教育): study plans
 * and study sessions (the Friday study day) with their required attendees
 * and attendance, taken by a clerk on a list or by the attendees
 * themselves through a QR code shown in the room; task programmes ("five
 * ones" for leaders, "three ones" for staff) with a checklist per person
 * and year whose tasks are submitted with evidence and reviewed; training
 * courses, enrolments and certificates with a public verification page;
 * papers, proposals and reflections with their awards; model figures and
 * learning events.
 *
 * Tables other modules may read (their names and these columns are kept):
 *   study_sessions (id, unit_id, held_on, starts_at, ends_at, topic)
 *     starts_at, ends_at: Unix seconds; held_on: the date of starts_at
 *   learning_attendance (session_id, person_id, unit_id, status, signed_at)
 *                                              migrations/001_attendance.sql
 *     status NULL: not recorded yet; present, late, excused, absent
 *   programme_items (programme_id, person_id, unit_id, year, state)
 *   training_enrolments (course_id, person_id, unit_id, status, score)
 *   training_courses (id, hours, date_from, date_to)
 *   event_participants (event_id, person_id, unit_id, role, result): who
 *     took part in a learning event; person_id NULL: the unit as such */
#ifndef WM_LEARNING_H
#define WM_LEARNING_H

#include "../platform/platform.h"

struct cal;
struct config;
struct db;
struct wf_transition;
struct wf_input;

enum { SP_TITLE, SP_UNIT_ID, SP_YEAR, SP_NOTE, SP__COUNT };
enum {
	SS_TOPIC,
	SS_PLAN_ID,
	SS_UNIT_ID,
	SS_HELD_ON,
	SS_START,
	SS_END,
	SS_PLACE,
	SS_SPEAKER,
	SS_AUDIENCE,
	SS_ATTENDEES,
	SS_MATERIALS,
	SS_MINUTES,
	SS_PHOTOS,
	SS_SERIES,
	SS_KEY,
	SS__COUNT
};
enum { PG_CODE, PG_NAME, PG_APPLIES_TO, PG_UNIT_ID, PG_YEAR, PG_DUE, PG_ACTIVE, PG_NOTE, PG__COUNT };
enum { PT_PROGRAMME_ID, PT_POSITION, PT_TITLE, PT_GUIDANCE, PT__COUNT };
enum {
	PI_TITLE,
	PI_PROGRAMME_ID,
	PI_TASK_ID,
	PI_PERSON_ID,
	PI_UNIT_ID,
	PI_YEAR,
	PI_DUE,
	PI_EVIDENCE,
	PI_LINK,
	PI_STATE,
	PI_SUBMITTED_AT,
	PI_REVIEWED_AT,
	PI_USER_ID,
	PI__COUNT
};
enum {
	TC_TITLE,
	TC_KIND,
	TC_CATEGORY,
	TC_UNIT_ID,
	TC_DATE_FROM,
	TC_DATE_TO,
	TC_HOURS,
	TC_ORGANIZER,
	TC_CAPACITY,
	TC_NOTE,
	TC__COUNT
};
enum { EP_EVENT_ID, EP_PERSON_ID, EP_UNIT_ID, EP_ROLE, EP_RESULT, EP_NAME, EP__COUNT };
enum { TE_COURSE_ID, TE_PERSON_ID, TE_UNIT_ID, TE_STATUS, TE_SCORE, TE_COMPLETED_ON, TE_CERT_CODE, TE__COUNT };

/* Minutes before the start a session's QR sign-in opens, and minutes
 * after the start a sign-in still counts as present (later: late). */
#define LEARN_SIGNIN_EARLY_MIN 30
#define LEARN_LATE_AFTER_MIN 10
/* The most sessions one recurrence rule generates. */
#define LEARN_RECUR_MAX 120
/* The most people an attendee list names. */
#define LEARN_LIST_MAX 500
/* Characters of a task's evidence. */
#define LEARN_EVIDENCE_MAX 2000

extern const struct record_type study_plans_type, study_sessions_type, programmes_type, programme_tasks_type,
	programme_items_type, courses_type, enrolments_type, papers_type, awards_type, figures_type, events_type,
	participants_type;
extern const struct module learning_module;
extern const struct route learn_routes[], learn_stats_routes[], learn_public_routes[];
extern const struct metric learn_metrics[];
extern const struct enum_opt learn_audiences[], learn_att_statuses[];
/* Award levels (national … within the sector), shared with the honors module. */
extern const struct enum_opt award_levels[];

/* ---- recurrence (recur.c) ---- */
/* The days from..to (both included) that fall on ISO weekday (1 Monday ..
 * 7 Sunday) and are working days by c (a holiday on that weekday is
 * skipped, not moved; a make-up working day is a working day but not the
 * weekday, so it is not added). At most max days into out; their number,
 * or -1 when there would be more than max or the arguments are wrong. */
int learn_recur_dates(const struct cal *c, int64_t from, int64_t to, int weekday, int64_t *out, int max);

/* ---- sessions (sessions.c) ---- */
/* The names of an attendee list, split at commas (also 、 and ，),
 * semicolons and line ends, trimmed, empty ones dropped: their number,
 * into out (at most max; arena). */
int learn_split_names(struct req *r, const char *text, const char **out, int max);
/* Makes the attendance rows of a session match its audience: required
 * people added, people no longer required without a recorded status
 * taken out. 0 or a DB_E_* code (inside the caller's transaction). */
int learn_sync_attendees(struct req *r, const struct record *session);
/* "HH:MM" as minutes after midnight, or -1. */
int learn_parse_hhmm(const char *s);
/* An instant as the records engine keeps an F_DATETIME (Unix seconds) or
 * as typed (YYYY-MM-DD HH:MM or YYYY-MM-DDTHH:MM, the server's zone): 0
 * with *out, or -1. */
int learn_parse_instant(const char *s, int64_t *out);
/* "2026-12-04 14:30–16:30": a session's date and time window (arena). */
const char *learn_session_when(struct req *r, const struct record *s);
/* The session detail page's attendance section. */
void learn_session_extra(struct req *r, const struct record *rec);
/* path ("/verify/CODE") as an absolute URL for paper and QR codes: the
 * configured base_url, or this request's Host (arena). */
const char *learn_abs_url(struct req *r, const char *path);
/* The person record of the signed-in user, or 0. */
int64_t learn_user_person(struct req *r);

/* ---- the statistics' tally (tally.c, migrations/002_attendance_days.sql) ----
 * Every write of learning_attendance rows, in its transaction: sign -1
 * before (takes away what the rows counted), the write, sign +1 after.
 * 0 or a DB_E_* code. */
int learn_tally_session(struct db *db, int64_t session, int sign);
int learn_tally_row(struct db *db, int64_t row, int sign);
/* Recounts the whole tally (a unit moved; the demo's bulk rows). */
int learn_tally_rebuild(struct db *db);
/* Recounts the tally when a unit is saved with another parent. */
extern const struct record_observer learn_units_observer;
/* wenming learning-tally: the recount from the command line. */
int cmd_learning_tally(struct config *cfg, int argc, char **argv);

/* ---- programmes (programmes.c) ---- */
void learn_programme_extra(struct req *r, const struct record *rec);
/* The home page's tiles (struct module .home). */
void learn_home(struct req *r);

/* ---- learning events' participants (events.c) ---- */
/* The event page's section: who took part. */
void learn_event_extra(struct req *r, const struct record *rec);
/* Sets the event's participant_count to its distinct participants (people,
 * and units as such). 0 or a DB_E_* code. */
int learn_event_recount(struct db *db, int64_t event);

/* ---- statistics (stats.c) ---- */
/* A person's page: this year's attendance, tasks and training hours. */
void learn_person_section(struct req *r, const struct record *rec);

/* ---- certificates (certificate.c) ---- */
/* The certificates section of an enrolment's page and of a person's page. */
void learn_enrolment_certificate(struct req *r, const struct record *rec);
void learn_person_certificates(struct req *r, const struct record *rec);
extern const struct route learn_cert_routes[];

/* ---- demo (demo.c) ---- */
int learning_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif

/* activities.h — the activities module (活動與陣地): events (contests,
 * volunteer labour, blood donation, open-air films, poetry evenings …) with
 * their participants — people of the people register and units taking part
 * as a whole, each with volunteer hours — and the facilities register
 * (party members' rooms, reading rooms, exhibition rooms, green belts,
 * greenhouses …) with the events held in each. Figures per unit and period
 * (/activities/stats, its workbook), the metrics assessment may score, and
 * the home tiles.
 *
 * Tables other modules may read (their names and these columns are kept):
 *   activity_events (id, title, kind, unit_id, co_organizers, date_from,
 *                    date_to, facility_id, place, status, results, photos)
 *     status: planned, held, cancelled; only held events count
 *   activity_participants (id, event_id, person_id, unit_id, hours, role)
 *     person_id NULL: the unit took part as a whole; unit_id is the
 *     person's unit when the row was saved
 *   facilities (id, name, kind, unit_id, area, opening_hours, photos)
 * An event's awards become honors (source 'event', source_ref the event's
 * id) in the honors module; the event keeps its results as text. */
#ifndef WM_ACTIVITIES_H
#define WM_ACTIVITIES_H

#include "../module.h"
#include "../platform/platform.h"

enum {
	AE_TITLE,
	AE_KIND,
	AE_UNIT_ID,
	AE_CO_ORGANIZERS,
	AE_DATE_FROM,
	AE_DATE_TO,
	AE_FACILITY_ID,
	AE_PLACE,
	AE_STATUS,
	AE_DESCRIPTION,
	AE_RESULTS,
	AE_PHOTOS,
	AE__COUNT
};
enum { AP_EVENT_ID, AP_PERSON_ID, AP_UNIT_ID, AP_HOURS, AP_ROLE, AP__COUNT };
enum {
	FA_NAME,
	FA_KIND,
	FA_UNIT_ID,
	FA_AREA,
	FA_OPENING_HOURS,
	FA_LOCATION,
	FA_CAPACITY,
	FA_NOTE,
	FA_PHOTOS,
	FA__COUNT
};

/* The longest event, in days. */
#define ACTV_MAX_DAYS 366
/* The most volunteer hours one participant row holds. */
#define ACTV_MAX_HOURS 2000

extern const struct record_type facilities_type, activity_events_type, activity_participants_type;
extern const struct module activities_module;
extern const struct enum_opt actv_event_kinds[], actv_facility_kinds[];
extern const struct route actv_stats_routes[];
extern const struct metric actv_metrics[];

/* A person's page: the events they took part in this year and their
 * volunteer hours (nothing when none). */
void actv_person_section(struct req *r, const struct record *rec);
/* The home page's tiles (struct module .home). */
void actv_home(struct req *r);

/* ---- demo (demo.c) ---- */
int activities_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif

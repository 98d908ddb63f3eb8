/* module.c — the platform as a module: sign-in and accounts, the audit
 * log, the home page, the records engine's pages, imports and JSON API,
 * search, and the units and people registers that every scope is built on.
 * It is the first module of app.c's list: every other module stands on
 * its tables (migrations/) and its registers. */
#include "platform.h"
#include "../records/files.h"
#include "../search/search.h"
#include "inbox.h"
#include "workdays.h"
#include "../web/layout.h"

extern const struct route builtin_routes[], auth_routes[], home_routes[], users_routes[], audit_routes[],
	records_routes[], records_api_routes[], import_routes[], search_routes[], workflow_routes[], calendar_routes[],
	inbox_routes[];

static const struct route *const routes[] = {
	builtin_routes, auth_routes,   home_routes,   users_routes,       audit_routes,    import_routes,
	records_routes, search_routes, records_api_routes, workflow_routes, files_routes, calendar_routes,
	inbox_routes,   NULL,
};

/* Icons are 24×24 stroke paths. */
static const struct nav_item nav[] = {
	{.path = "/", .label = M_nav_home, .perm = P_SIGNED_IN, .icon = "M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10", .order = 0},
	{.path = "/search",
	 .label = M_nav_search,
	 .perm = P_SIGNED_IN,
	 .icon = "M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16M21 21l-4.35-4.35",
	 .order = 900},
	{.path = "/inbox",
	 .label = M_nav_inbox,
	 .perm = P_SIGNED_IN,
	 .icon = "M22 12h-6l-2 3h-4l-2-3H2M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 "
		 "2 0 0 0-1.79 1.11",
	 .order = 905},
	{.path = "/admin/users",
	 .label = M_nav_users,
	 .perm = P_USERS,
	 .icon = "M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7M21 19v-1a4 4 0 0 "
		 "0-3-3.9M16 3.1a4 4 0 0 1 0 7.8",
	 .order = 910},
	{.path = "/admin/audit",
	 .label = M_nav_audit,
	 .perm = P_AUDIT,
	 .icon = "M9 5H7a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-2M9 5a2 2 0 0 1 2-2h2a2 2 0 0 1 "
		 "2 2v0a2 2 0 0 1-2 2h-2a2 2 0 0 1-2-2M9 12h6M9 16h4",
	 .order = 920},
	{.path = "/admin/calendar",
	 .label = M_nav_calendar,
	 .perm = P_CALENDAR,
	 .icon = "M8 2v4M16 2v4M3 10h18M5 4h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2M8 14h.01M12 "
		 "14h.01M16 14h.01M8 18h.01M12 18h.01",
	 .order = 925},
	{.path = "/account",
	 .label = M_nav_account,
	 .perm = P_SIGNED_IN,
	 .icon = "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8M4 21v-1a6 6 0 0 1 6-6h4a6 6 0 0 1 6 6v1",
	 .order = 930},
	{.path = NULL},
};

static const struct command commands[] = {
	{"user", cmd_user, "manage user accounts",
	 "usage: wenming user add NAME [--name DISPLAY] [--role ROLE]... [--unit ID] [--password-stdin]\n"
	 "       wenming user passwd NAME [--password-stdin]\n"
	 "       wenming user list\n"
	 "       wenming user disable NAME | enable NAME\n"
	 "       wenming user roles NAME [ROLE...] [--unit ID]\n"
	 "Roles: admin, office, leader, unit_admin, staff, supervisor. Without\n"
	 "--password-stdin a password is generated and printed once."},
	{"token", cmd_token, "manage API tokens",
	 "usage: wenming token add USER [--name LABEL]\n"
	 "       wenming token list [USER]\n"
	 "       wenming token revoke ID\n"
	 "A new token is printed on stdout once; only its hash is stored.\n"
	 "Use it as: Authorization: Bearer TOKEN"},
	{"import", cmd_import, "import a CSV or XLSX file into a register",
	 "usage: wenming import TYPE FILE [--as USER] [--check]\n"
	 "Checks every row as the web form would; imports all rows in one transaction or\n"
	 "none. --check only reports. TYPE is a register: units, people, supervisors, ..."},
	{"search-rebuild", cmd_search_rebuild, "rebuild the search index from the registers",
	 "usage: wenming search-rebuild [--db URL]\nRe-indexes every record; run once after an upgrade that adds search."},
	{"calendar", cmd_calendar, "the working-day calendar: list, show or import a year",
	 "usage: wenming calendar list\n"
	 "       wenming calendar show YEAR\n"
	 "       wenming calendar import YEAR FILE [--note TEXT]\n"
	 "FILE (or - for stdin) is the State Council's dates in the format of src/core/cn-workdays.tsv:\n"
	 "a header date<TAB>kind<TAB>name, then one line per holiday or make-up working day.\n"
	 "The year is added whole or not at all; a year already entered is changed at /admin/calendar."},
	{"notify", cmd_notify, "put an announcement in users' inboxes (and e-mail)",
	 "usage: wenming notify USER TEXT [--link PATH]\n"
	 "       wenming notify --all TEXT [--link PATH]\n"
	 "The text is shown in the inbox under the subject \"Announcement\" in each reader's language,\n"
	 "and e-mailed to users with an address when smtp_url is set. PATH is a local path such as /r/units/3."},
	{NULL, NULL, NULL, NULL},
};

static const struct record_observer *const observers[] = {&search_observer, &files_observer, NULL};

const struct module platform_module = {
	.name = "platform",
	.migrations = PLATFORM_MIGRATIONS,
	.types = (const struct record_type *const[]){&units_type, &people_type, NULL},
	.routes = routes,
	.nav = nav,
	.commands = commands,
	.observers = observers,
};

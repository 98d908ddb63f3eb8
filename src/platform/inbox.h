/* inbox.h — notifications to users: in the application (/inbox, the count
 * beside the user menu, GET /api/v1/inbox) and by e-mail when the user has
 * an address and smtp_url is set (mail.c sends the queued mail).
 *
 * A notification names its subject by a catalog key, rendered in the
 * reader's language whenever it is shown, plus a plain-text detail (a case
 * number and title) and a local link. Modules call notify_user or
 * notify_unit inside the transaction of the change they report, so a
 * rolled-back change notifies nobody. The inbox never names a module. */
#ifndef WM_INBOX_H
#define WM_INBOX_H

#include <stdint.h>

#include "../core/i18n.h"

struct req;
struct app;
struct config;

#define INBOX_KIND_MAX 40
#define INBOX_DETAIL_MAX 2000

/* Error codes besides the DB_E_* ones. */
enum {
	INBOX_E_INVALID = -30, /* no subject, a kind that is not [a-z0-9_.]{1,40}, a detail too long, or a link
				  that is not a local path (req_path_local) */
	INBOX_E_NO_USER = -31, /* no such active user */
};

/* Adds a notification for one user, in the caller's transaction (or its
 * own when none is open), and queues its e-mail in the user's language
 * (users.lang, else zh-Hant) when the user has an address and r->app's
 * configuration has smtp_url. kind is a short machine name ("case.assigned");
 * detail is plain text, may be NULL; link is a local path or NULL. Returns
 * the notification's id (> 0), or INBOX_E_* / DB_E_*. */
int64_t notify_user(struct req *r, int64_t user_id, const char *kind, enum msg_id subject, const char *detail,
		    const char *link);
/* Notifies the active users who hold one of the roles of roles_mask
 * (1u << ROLE_x, auth.h) with a grant whose scope root is unit_id; when
 * there are none, the nearest ancestor unit that has such users; when no
 * ancestor has any, those holding the role for the whole organization.
 * Returns how many users were notified (0: nobody holds such a role), or
 * INBOX_E_* / DB_E_*. */
int notify_unit(struct req *r, int64_t unit_id, unsigned roles_mask, const char *kind, enum msg_id subject,
		const char *detail, const char *link);

/* 1 when s is an e-mail address we accept for users.email: 3..254 bytes,
 * one @ with text on both sides, no spaces, control bytes, <, >, quotes,
 * commas or semicolons (what could break a mail header). */
int email_valid(const char *s);

/* The signed-in user's unread notifications: one indexed count; 0 for
 * anybody signed out or on error. The layout shows it (struct app's
 * unread_count). */
int64_t inbox_unread_count(struct req *r);

/* The background sender of mail_outbox (mail.c): started by the server
 * after its signals are blocked, stopped on SIGTERM before it exits (it
 * aborts a delivery in progress). Does nothing when smtp_url is empty.
 * 0, or -1 when the thread cannot be started. */
int mail_start(struct app *app);
void mail_stop(struct app *app);
/* Tells the sender that mail was queued (NULL or no sender: nothing). */
void mail_wake(const struct app *app);
/* Sends what is due now, once, with db from the app's pool; the number of
 * messages sent. For the thread and for tests. */
int mail_send_due(struct app *app);

/* `wenming notify USER TEXT [--link PATH]`: an announcement in one user's
 * inbox (USER "--all": every active user). */
int cmd_notify(struct config *cfg, int argc, char **argv);

#endif

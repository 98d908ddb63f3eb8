/* mail.c — the e-mail sender: one background thread of the server that
 * delivers mail_outbox rows over SMTP with libcurl (see inbox.h).
 *
 * Rows are composed when queued (inbox.c), in the recipient's language;
 * here they only get headers and travel. A row is claimed before it is sent
 * (its next_at moves forward only if nobody moved it first), so several
 * processes on one database never send the same row twice at once. A failed
 * delivery is retried with a growing pause (30 s, 1 min, 2 min, ... at most
 * 6 h), MAIL_ATTEMPTS times in all; the last error stays on the row. The
 * thread wakes every second, or at once when inbox.c queues mail, and
 * stops on SIGTERM: the server calls mail_stop, which also aborts a
 * delivery in progress. */
#include "inbox.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/app.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAIL_BATCH 20
#define MAIL_ATTEMPTS 10
#define MAIL_CLAIM 300 /* seconds a claimed row waits before another sender may try it */

struct mailer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int woken;
	atomic_int stop;
};

/* ---- composing ---- */

/* Appends base64 of s[0..n) to b, lines of 76 characters joined by CRLF
 * when wrap, else one run. */
static void put_base64(struct buf *b, const char *s, size_t n, int wrap)
{
	for (size_t i = 0; i < n; i += 57) {
		size_t k = n - i < 57 ? n - i : 57;
		char out[80];
		sodium_bin2base64(out, sizeof out, (const unsigned char *)s + i, k, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(b, out);
		if (wrap)
			buf_puts(b, "\r\n");
	}
}

/* An RFC 2047 header value: encoded words of at most 45 bytes each, never
 * splitting a UTF-8 character, folded onto continuation lines. */
static void put_encoded_words(struct buf *b, const char *s)
{
	size_t n = strlen(s), i = 0;
	do {
		size_t k = n - i < 45 ? n - i : 45;
		while (k && i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
			k--;
		if (i)
			buf_puts(b, "\r\n ");
		buf_puts(b, "=?UTF-8?B?");
		char out[80];
		sodium_bin2base64(out, sizeof out, (const unsigned char *)s + i, k, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(b, out);
		buf_puts(b, "?=");
		i += k;
	} while (i < n);
}

/* The whole message, headers and body, into b. */
static void compose(struct buf *b, const char *from, const char *to, const char *subject, const char *body, int64_t id)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *domain = strchr(from, '@');
	buf_printf(b, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: ", date, from, to);
	put_encoded_words(b, subject);
	buf_printf(b,
		   "\r\nMessage-ID: <wenming.%lld.%lld%s>\r\nMIME-Version: 1.0\r\n"
		   "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"
		   "Auto-Submitted: auto-generated\r\n\r\n",
		   (long long)id, (long long)now, domain ? domain : "@localhost");
	put_base64(b, body, strlen(body), 1);
}

/* ---- sending ---- */

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ctx)
{
	struct upload *u = ctx;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static int progress_cb(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	const struct mailer *m = ctx;
	return m && atomic_load(&m->stop); /* non-zero aborts the transfer */
}

/* Delivers one message; 0, or -1 with a message in err. */
static int smtp_send(const struct config *cfg, const struct mailer *m, const char *to, const char *data, char *err,
		     size_t errlen)
{
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	char from[300], rcpt[300], ebuf[CURL_ERROR_SIZE] = "";
	snprintf(from, sizeof from, "<%s>", cfg->smtp_from);
	snprintf(rcpt, sizeof rcpt, "<%s>", to);
	struct curl_slist *list = curl_slist_append(NULL, rcpt);
	struct upload up = {data, strlen(data)};
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)m);
	/* STARTTLS whenever the server offers it; smtps:// is TLS from the start */
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (cfg->smtp_user[0]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

struct pending {
	int64_t id, next_at;
	int attempts;
	char *to, *subject, *body;
};

static int64_t backoff(int attempts)
{
	int64_t s = 30;
	for (int i = 1; i < attempts && s < 6 * 3600; i++)
		s *= 2;
	return s < 6 * 3600 ? s : 6 * 3600;
}

int mail_send_due(struct app *app)
{
	const struct config *cfg = app->cfg;
	if (!cfg->smtp_url[0])
		return 0;
	struct db *db = db_pool_get(app->pool);
	if (!db)
		return 0;
	struct arena a;
	arena_init(&a);
	int64_t now = time(NULL);
	struct pending p[MAIL_BATCH];
	int n = 0, sent = 0;
	struct db_stmt *q =
		db_query(db, &a,
			 "SELECT id, to_addr, subject, body, attempts, next_at FROM mail_outbox WHERE sent_at IS "
			 "NULL AND next_at <= ? AND attempts < ? ORDER BY next_at, id LIMIT ?",
			 "iII", now, MAIL_ATTEMPTS, MAIL_BATCH);
	while (q && n < MAIL_BATCH && db_step(q) == DB_ROW) {
		p[n] = (struct pending){.id = db_column_int64(q, 0),
					.to = arena_strdup(&a, db_column_text(q, 1)),
					.subject = arena_strdup(&a, db_column_text(q, 2)),
					.body = arena_strdup(&a, db_column_text(q, 3)),
					.attempts = (int)db_column_int64(q, 4),
					.next_at = db_column_int64(q, 5)};
		n++;
	}
	for (int i = 0; i < n && !(app->mailer && atomic_load(&app->mailer->stop)); i++) {
		/* claimed only if nobody moved it first */
		if (db_run(db, "UPDATE mail_outbox SET next_at = ? WHERE id = ? AND next_at = ? AND sent_at IS NULL",
			   "iii", now + MAIL_CLAIM, p[i].id, p[i].next_at) ||
		    db_changes(db) != 1)
			continue;
		struct buf msgb;
		buf_init(&msgb, &a);
		compose(&msgb, cfg->smtp_from, p[i].to, p[i].subject, p[i].body, p[i].id);
		char err[512] = "";
		int rc = smtp_send(cfg, app->mailer, p[i].to, msgb.p, err, sizeof err);
		int64_t t = time(NULL);
		if (!rc) {
			db_run(db,
			       "UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, error = NULL WHERE id = ?",
			       "ii", t, p[i].id);
			sent++;
		} else {
			log_warn("mail %lld to %s: %s (attempt %d)", (long long)p[i].id, p[i].to, err,
				 p[i].attempts + 1);
			db_run(db,
			       "UPDATE mail_outbox SET attempts = attempts + 1, next_at = ?, error = ? WHERE id = ?",
			       "isi", t + backoff(p[i].attempts + 1), err, p[i].id);
		}
	}
	arena_free(&a); /* its statements go back before the connection does */
	db_end_request(db);
	db_pool_put(app->pool, db);
	return sent;
}

/* ---- the thread ---- */

static void *mail_thread(void *arg)
{
	struct app *app = arg;
	struct mailer *m = app->mailer;
	pthread_mutex_lock(&m->mu);
	while (!atomic_load(&m->stop)) {
		m->woken = 0;
		pthread_mutex_unlock(&m->mu);
		mail_send_due(app);
		pthread_mutex_lock(&m->mu);
		if (atomic_load(&m->stop) || m->woken)
			continue;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&m->cond, &m->mu, &ts);
	}
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

int mail_start(struct app *app)
{
	if (!app->cfg->smtp_url[0] || app->mailer)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	struct mailer *m = calloc(1, sizeof *m);
	if (!m)
		return -1;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cond, NULL);
	app->mailer = m;
	if (pthread_create(&m->thread, NULL, mail_thread, app)) {
		app->mailer = NULL;
		free(m);
		return -1;
	}
	log_info("e-mail: sending notifications through %s", app->cfg->smtp_url);
	return 0;
}

void mail_wake(const struct app *app)
{
	struct mailer *m = app ? app->mailer : NULL;
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	m->woken = 1;
	pthread_cond_signal(&m->cond);
	pthread_mutex_unlock(&m->mu);
}

void mail_stop(struct app *app)
{
	struct mailer *m = app->mailer;
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	atomic_store(&m->stop, 1);
	pthread_cond_signal(&m->cond);
	pthread_mutex_unlock(&m->mu);
	pthread_join(m->thread, NULL);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cond);
	app->mailer = NULL;
	free(m);
	curl_global_cleanup();
}

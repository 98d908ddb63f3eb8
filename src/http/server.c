/* server.c — the HTTP server on civetweb: threads, request intake, sending
 * the response once, access log, graceful shutdown.
 *
 * The only file that includes civetweb.h. Each worker thread owns an arena
 * reused across its requests. A request is read whole (up to max_body),
 * dispatched by router.c, and answered with one write of status line,
 * headers and body, so the response can still be replaced by an error page
 * until the last moment and never stalls on Nagle's algorithm. */
#include "app.h"
#include "../core/log.h"
#include "../db/db.h"

#include <civetweb.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct worker {
	struct arena arena;
};

/* Set on SIGTERM/SIGINT: responses ask the client to close the connection
 * while the requests in flight finish. */
static atomic_int draining;

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void *on_thread_init(const struct mg_context *ctx, int type)
{
	(void)ctx;
	if (type != 1) /* only worker threads serve requests */
		return NULL;
	struct worker *w = calloc(1, sizeof *w);
	arena_init(&w->arena);
	return w;
}

static void on_thread_exit(const struct mg_context *ctx, int type, void *p)
{
	(void)ctx;
	(void)type;
	struct worker *w = p;
	if (w) {
		arena_free(&w->arena);
		free(w);
	}
}

const char *req_header(struct req *r, const char *name)
{
	return mg_get_header(r->conn, name);
}

static const char *status_text(int s)
{
	switch (s) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 505: return "HTTP Version Not Supported";
	}
	return "Unknown";
}

/* On every response, ours and those for requests civetweb could not read.
 * Geolocation is left to the site's own pages (the public portal's "use my
 * location" button asks for it; the browser still asks the person). */
#define SECURITY_HEADERS                                                                                          \
	"X-Content-Type-Options: nosniff\r\n"                                                                     \
	"Referrer-Policy: same-origin\r\n"                                                                        \
	"X-Frame-Options: DENY\r\n"                                                                               \
	"Cross-Origin-Opener-Policy: same-origin\r\n"                                                             \
	"Permissions-Policy: camera=(), microphone=(), geolocation=(self)\r\n"

/* Status line, security headers, the handler's headers, then the body. */
static void send_response(struct req *r, int head_only)
{
	struct buf out;
	buf_init(&out, r->a);
	buf_printf(&out, "HTTP/1.1 %d %s\r\n", r->status, status_text(r->status));
	if (r->content_type)
		buf_printf(&out, "Content-Type: %s\r\n", r->content_type);
	const void *body = r->body_ref ? r->body_ref : r->out.p;
	size_t body_len = r->body_ref ? r->body_ref_len : r->out.len;
	buf_printf(&out, "Content-Length: %zu\r\n", body_len);
	buf_puts(&out, SECURITY_HEADERS);
	if (r->csp)
		buf_printf(&out, "Content-Security-Policy: %s\r\n", r->csp);
	else
		buf_printf(&out,
			   "Content-Security-Policy: default-src 'self'; script-src 'self' 'nonce-%s'; style-src 'self'; "
			   "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
			   "frame-ancestors 'none'\r\n",
			   r->nonce);
	if (r->tls)
		buf_puts(&out, "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n");
	if (r->no_store)
		buf_puts(&out, "Cache-Control: no-store\r\n");
	buf_append(&out, r->headers.p, r->headers.len);
	buf_puts(&out, "\r\n");
	if (!head_only)
		buf_append(&out, body, body_len);
	mg_write(r->conn, out.p, out.len);
}

/* Reads the body whole; returns 0, 413 when over max_body (REQ_MAX_JSON
 * for JSON), 400 on a broken read. */
static int read_body(struct req *r, long long declared)
{
	long max = r->app->cfg->max_body;
	if (req_body_is_json(r) && max > REQ_MAX_JSON)
		max = REQ_MAX_JSON;
	if (declared > max)
		return 413;
	if (declared == 0)
		return 0;
	size_t cap = declared > 0 ? (size_t)declared : 65536;
	char *p = arena_alloc(r->a, cap + 1);
	size_t len = 0;
	for (;;) {
		if (len == cap) {
			if (declared > 0)
				break;
			if ((long)cap >= max + 1)
				return 413;
			size_t ncap = cap * 2 > (size_t)max + 1 ? (size_t)max + 1 : cap * 2;
			char *np = arena_alloc(r->a, ncap + 1);
			memcpy(np, p, len);
			p = np;
			cap = ncap;
		}
		int n = mg_read(r->conn, p + len, cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (declared > 0 && (long long)len != declared)
		return 400;
	if ((long)len > max)
		return 413;
	p[len] = 0;
	r->body = p;
	r->body_len = len;
	return 0;
}

static void access_log(struct req *r, uint64_t us)
{
	FILE *f = r->app->access_log;
	if (!f)
		return;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char ts[32];
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* the path can hold anything a client sent: keep the line one line */
	char path[512];
	size_t o = 0;
	for (const char *p = r->path; *p && o < sizeof path - 4; p++)
		path[o++] = (unsigned char)*p < 0x20 || *p == '"' ? '?' : *p;
	path[o] = 0;
	fprintf(f, "%s %s %s \"%s %s\" %d %zu %.1fms\n", ts, r->ip, r->user ? r->user->username : "-", r->method,
		path, r->status, r->body_ref ? r->body_ref_len : r->out.len, (double)us / 1000.0);
}

/* True when addr is one of the comma-separated addresses in list. */
static int listed(const char *list, const char *addr)
{
	size_t n = strlen(addr);
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && !memcmp(p, addr, n))
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

/* The client's address: the peer, or, when the peer is a trusted proxy,
 * the last address of X-Forwarded-For (the one the proxy itself added). */
static const char *client_ip(struct req *r, const char *peer)
{
	const char *xff = listed(r->app->cfg->trusted_proxies, peer) ? req_header(r, "X-Forwarded-For") : NULL;
	if (!xff)
		return arena_strdup(r->a, peer);
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	size_t n = strcspn(last, " ");
	if (n == 0 || n > 45 || strspn(last, "0123456789abcdefABCDEF.:") < n)
		return arena_strdup(r->a, peer); /* not an address: ignore the header */
	return arena_strndup(r->a, last, n);
}

static int on_request(struct mg_connection *conn)
{
	uint64_t t0 = mono_us();
	const struct mg_request_info *ri = mg_get_request_info(conn);
	struct app *app = ri->user_data;
	struct worker *w = mg_get_thread_pointer(conn);
	struct arena local;
	struct arena *a = w ? &w->arena : &local;
	if (!w)
		arena_init(&local);
	atomic_fetch_add(&app->metrics.inflight, 1);

	struct req *r = arena_alloc(a, sizeof *r);
	r->app = app;
	r->conn = conn;
	r->a = a;
	r->method = ri->request_method;
	r->path = ri->local_uri_raw ? ri->local_uri_raw : "/";
	r->query = ri->query_string ? ri->query_string : "";
	r->ip = client_ip(r, ri->remote_addr);
	/* behind a TLS-terminating proxy the public URL says https: cookies are
	 * Secure and HSTS is sent even though this hop is plain HTTP */
	r->tls = ri->is_ssl || strncmp(app->cfg->base_url, "https://", 8) == 0;
	r->status = 200;
	buf_init(&r->out, a);
	buf_init(&r->headers, a);
	int head_only = strcmp(r->method, "HEAD") == 0;

	int rc = read_body(r, ri->content_length);
	if (rc)
		router_fail_early(r, rc);
	else
		router_dispatch(r);
	/* the rest of an oversized body is not read, and while the server
	 * stops no connection is kept: ask the client to close */
	if (rc || atomic_load(&draining))
		buf_puts(&r->headers, "Connection: close\r\n");
	send_response(r, head_only);

	uint64_t us = mono_us() - t0;
	metrics_record(app, r->route, r->status, us);
	access_log(r, us);
	/* the arena's finalizers release the request's statements: they run
	 * while this thread still holds the connection, and r goes with the
	 * arena, so what is needed after is kept here */
	struct db *db = r->db_;
	int status = r->status;
	if (w)
		arena_reset(a);
	else
		arena_free(&local);
	if (db)
		db_pool_put(app->pool, db);
	atomic_fetch_sub(&app->metrics.inflight, 1);
	return status; /* non-zero: handled */
}

/* civetweb's own errors (malformed request line, headers too large) */
static int on_http_error(struct mg_connection *conn, int status, const char *msg)
{
	(void)msg;
	const struct mg_request_info *ri = mg_get_request_info(conn);
	char body[160];
	int n = snprintf(body, sizeof body,
			 "{\"error\":{\"code\":\"http_%d\",\"message\":\"The request could not be read.\"}}\n",
			 status);
	mg_printf(conn,
		  "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\n"
		  SECURITY_HEADERS "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
		  "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
		  status, status_text(status), n, body);
	(void)ri;
	return 0;
}

static char *tls_bundle(const struct config *cfg, char *err, size_t errlen)
{
	/* civetweb wants certificate and key in one PEM file */
	char tmpl[] = "/tmp/wenming-tls-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a temporary file: %s", strerror(errno));
		return NULL;
	}
	const char *parts[2] = {cfg->tls_cert, cfg->tls_key};
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(parts[i], "rb");
		if (!f) {
			snprintf(err, errlen, "cannot read %s: %s", parts[i], strerror(errno));
			close(fd);
			unlink(tmpl);
			return NULL;
		}
		char b[4096];
		size_t n;
		while ((n = fread(b, 1, sizeof b, f)) > 0)
			if (write(fd, b, n) != (ssize_t)n)
				break;
		if (write(fd, "\n", 1) != 1)
			break;
		fclose(f);
	}
	close(fd);
	return strdup(tmpl);
}

int server_run(struct app *app)
{
	const struct config *cfg = app->cfg;
	char threads[16], rto[24], kato[24], err[512];
	snprintf(threads, sizeof threads, "%d", cfg->threads);
	snprintf(rto, sizeof rto, "%d", cfg->request_timeout * 1000);
	snprintf(kato, sizeof kato, "%d", cfg->keepalive_timeout * 1000);
	char ports[300];
	char *bundle = NULL;
	if (cfg->tls_cert[0]) {
		/* Debian 12's civetweb 1.15 loads OpenSSL at run time expecting the
		 * 1.1 API; with OpenSSL 3 its worker threads call a missing function
		 * and crash (measured; docs/DECISIONS.md). Refuse rather than crash. */
		if (!mg_check_feature(2) || !getenv("WENMING_CIVETWEB_TLS_WORKS")) {
			fprintf(stderr, "wenming: tls_cert is set, but this build's HTTP library (civetweb 1.15 with "
					"OpenSSL 3) cannot serve HTTPS safely.\nTerminate TLS in nginx in front of "
					"wenming (README.md, 'Deployment') and set base_url = https://... so that\n"
					"cookies are Secure and HSTS is sent.\n");
			return 2;
		}
		bundle = tls_bundle(cfg, err, sizeof err);
		if (!bundle) {
			fprintf(stderr, "wenming: %s\n", err);
			return 2;
		}
		snprintf(ports, sizeof ports, "%ss", cfg->listen);
		app->tls = 1;
	} else {
		snprintf(ports, sizeof ports, "%s", cfg->listen);
	}
	const char *opts[] = {"listening_ports", ports,
			      "num_threads", threads,
			      "request_timeout_ms", rto,
			      "keep_alive_timeout_ms", kato,
			      "enable_keep_alive", "yes",
			      "tcp_nodelay", "1",
			      "decode_url", "yes",
			      bundle ? "ssl_certificate" : NULL, bundle,
			      NULL, NULL};

	/* block the stop signals in every thread; this one waits for them */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct mg_callbacks cb;
	memset(&cb, 0, sizeof cb);
	cb.begin_request = on_request;
	cb.http_error = on_http_error;
	cb.init_thread = on_thread_init;
	cb.exit_thread = on_thread_exit;
	mg_init_library(bundle ? 2 : 0);
	struct mg_init_data init = {.callbacks = &cb, .user_data = app, .configuration_options = opts};
	struct mg_error_data ed = {.text = err, .text_buffer_size = sizeof err};
	err[0] = 0;
	struct mg_context *ctx = mg_start2(&init, &ed);
	if (bundle) {
		unlink(bundle);
		free(bundle);
	}
	if (!ctx) {
		fprintf(stderr, "wenming: cannot serve on %s: %s\n", cfg->listen, err[0] ? err : "unknown error");
		mg_exit_library();
		return 1;
	}
	if (app->background_start && app->background_start(app)) {
		fprintf(stderr, "wenming: cannot start the background work (e-mail sender)\n");
		mg_stop(ctx);
		mg_exit_library();
		return 1;
	}
	jobs_start(app);
	const char *scheme = app->tls ? "https" : "http";
	log_info("serving on %s://%s with %d threads (%s)", scheme, cfg->listen, cfg->threads,
		 strncmp(cfg->db, "sqlite:", 7) == 0 ? cfg->db : "postgresql");

	int sig = 0;
	sigwait(&set, &sig);
	log_info("%s received: finishing requests in flight", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	/* civetweb stops writing responses as soon as mg_stop begins, so the
	 * requests in flight are waited for here first (at most a request
	 * timeout); meanwhile every response closes its connection */
	atomic_store(&draining, 1);
	uint64_t deadline = mono_us() + (uint64_t)cfg->request_timeout * 1000000u;
	while (atomic_load(&app->metrics.inflight) > 0 && mono_us() < deadline)
		usleep(5000);
	long left = atomic_load(&app->metrics.inflight);
	if (left > 0)
		log_warn("%ld requests still running after %d s; stopping anyway", left, cfg->request_timeout);
	jobs_stop();
	mg_stop(ctx);
	if (app->background_stop)
		app->background_stop(app);
	mg_exit_library();
	log_info("stopped");
	return 0;
}

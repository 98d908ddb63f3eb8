/* config.c — settings table, parsing and validation. See config.h. */
#include "config.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define OFF(f) offsetof(struct config, f)

const struct setting_def config_settings[] = {
	{"db", SET_STR, OFF(db), "sqlite:data/wenming.db", 0, 0,
	 "database: sqlite:PATH or postgresql://user@host/dbname"},
	{"listen", SET_STR, OFF(listen), "127.0.0.1:8080", 0, 0, "address and port to serve on (host:port)"},
	{"threads", SET_INT, OFF(threads), "64", 2, 1024,
	 "worker threads = most concurrent connections (a keep-alive client holds one)"},
	{"request_timeout", SET_SECS, OFF(request_timeout), "30s", 1, 3600, "time allowed to read a request"},
	{"keepalive_timeout", SET_SECS, OFF(keepalive_timeout), "5s", 0, 600, "idle keep-alive connection lifetime"},
	{"max_body", SET_SIZE, OFF(max_body), "16M", 1024, 1L << 30, "largest request body accepted (413 above)"},
	{"max_part", SET_SIZE, OFF(max_part), "16M", 1024, 1L << 30, "largest single multipart part"},
	{"max_upload", SET_SIZE, OFF(max_upload), "10M", 1024, 1L << 30,
	 "largest attached file (photo, document) accepted, per file (413 above)"},
	{"session_idle", SET_SECS, OFF(session_idle), "2h", 60, 30 * 86400, "sign-out after this much inactivity"},
	{"session_lifetime", SET_SECS, OFF(session_lifetime), "12h", 60, 90 * 86400,
	 "sign-out this long after sign-in, active or not"},
	{"log_level", SET_LEVEL, OFF(log_level), "info", 0, 0, "error, warn, info or debug"},
	{"access_log", SET_STR, OFF(access_log), "-", 0, 0, "access log: - for stderr, off, or a file path"},
	{"base_url", SET_STR, OFF(base_url), "", 0, 0, "public URL of the site, e.g. https://wenming.example.gov"},
	{"tls_cert", SET_STR, OFF(tls_cert), "", 0, 0, "PEM certificate (with chain) to serve HTTPS"},
	{"tls_key", SET_STR, OFF(tls_key), "", 0, 0, "PEM private key for tls_cert"},
	{"db_pool", SET_INT, OFF(db_pool), "16", 1, 512, "database connections per process"},
	{"escalate_after", SET_INT, OFF(escalate_after), "5", 1, 60,
	 "working days past a case's deadline (after the reminder) before it is escalated to the unit's head"},
	{"hash_concurrency", SET_INT, OFF(hash_concurrency), "2", 1, 64,
	 "password hashes computed at once (64 MiB each)"},
	{"cache_size", SET_SIZE, OFF(cache_size), "64M", 0, 1L << 34,
	 "memory for cached list pages and counts, dropped at every change (0: off)"},
	{"timezone", SET_STR, OFF(timezone), "Asia/Shanghai", 0, 0,
	 "time zone for dates shown and entered (an IANA name such as Asia/Taipei)"},
	{"trusted_proxies", SET_STR, OFF(trusted_proxies), "127.0.0.1,::1", 0, 0,
	 "proxies (comma-separated addresses) whose X-Forwarded-For names the client"},
	{"smtp_url", SET_STR, OFF(smtp_url), "", 0, 0,
	 "mail server for notifications, e.g. smtps://mail.example.gov:465 or smtp://127.0.0.1:25 (empty: no e-mail)"},
	{"smtp_from", SET_STR, OFF(smtp_from), "wenming@localhost", 0, 0, "sender address of notification e-mail"},
	{"smtp_user", SET_STR, OFF(smtp_user), "", 0, 0, "user name at the mail server (empty: none)"},
	{"smtp_password", SET_STR, OFF(smtp_password), "", 0, 0, "password at the mail server"},
	{"password_file", SET_STR, OFF(password_file), "data/admin-password.txt", 0, 0,
	 "where `wenming init` writes the first admin password (mode 0600)"},
};
const size_t config_nsettings = sizeof config_settings / sizeof config_settings[0];
_Static_assert(sizeof config_settings / sizeof config_settings[0] <= CONFIG_MAX_SETTINGS,
	       "raise CONFIG_MAX_SETTINGS: every setting needs a slot in struct config's source");

static const struct setting_def *find_setting(const char *name, size_t len)
{
	for (size_t i = 0; i < config_nsettings; i++) {
		const char *n = config_settings[i].name;
		if (strlen(n) != len)
			continue;
		size_t k = 0;
		for (; k < len; k++) {
			char c = name[k] == '-' ? '_' : (char)tolower((unsigned char)name[k]);
			if (c != n[k])
				break;
		}
		if (k == len)
			return &config_settings[i];
	}
	return NULL;
}

/* Parses "90", "30s", "15m", "8h", "2d" into seconds. */
static int parse_secs(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	long mul = 1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		mul = 60, end++;
	else if (*end == 'h')
		mul = 3600, end++;
	else if (*end == 'd')
		mul = 86400, end++;
	if (*end || v > 1000L * 86400 / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* Parses "4096", "64K", "16M", "1G" into bytes. */
static int parse_size(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	long mul = 1;
	switch (toupper((unsigned char)*end)) {
	case 'K': mul = 1L << 10, end++; break;
	case 'M': mul = 1L << 20, end++; break;
	case 'G': mul = 1L << 30, end++; break;
	}
	if (*end || v > (1L << 40) / mul)
		return -1;
	*out = v * mul;
	return 0;
}

int config_set(struct config *cfg, const char *name, const char *value, enum config_source src, char *err,
	       size_t errlen)
{
	const struct setting_def *d = find_setting(name, strlen(name));
	if (!d) {
		snprintf(err, errlen, "unknown setting '%s' (see `wenming config`)", name);
		return -1;
	}
	char *field = (char *)cfg + d->offset;
	long v = 0;
	switch (d->type) {
	case SET_STR: {
		char **p = (char **)field;
		for (const char *c = value; *c; c++)
			if ((unsigned char)*c < 0x20) {
				snprintf(err, errlen, "%s: control characters are not allowed", d->name);
				return -1;
			}
		free(*p);
		*p = strdup(value);
		break;
	}
	case SET_INT: {
		char *end;
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < d->min || v > d->max) {
			snprintf(err, errlen, "%s: '%s' is not a whole number from %ld to %ld", d->name, value,
				 d->min, d->max);
			return -1;
		}
		*(int *)field = (int)v;
		break;
	}
	case SET_SECS:
		if (parse_secs(value, &v) || v < d->min || v > d->max) {
			snprintf(err, errlen, "%s: '%s' is not a duration from %lds to %lds (e.g. 30s, 15m, 2h)",
				 d->name, value, d->min, d->max);
			return -1;
		}
		*(int *)field = (int)v;
		break;
	case SET_SIZE:
		if (parse_size(value, &v) || v < d->min || v > d->max) {
			snprintf(err, errlen, "%s: '%s' is not a size from %ld to %ld bytes (e.g. 512K, 16M)",
				 d->name, value, d->min, d->max);
			return -1;
		}
		*(long *)field = v;
		break;
	case SET_LEVEL: {
		int l = log_level_parse(value);
		if (l < 0) {
			snprintf(err, errlen, "%s: '%s' must be error, warn, info or debug", d->name, value);
			return -1;
		}
		*(int *)field = l;
		break;
	}
	}
	cfg->source[d - config_settings] = src;
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static int load_file(struct config *cfg, const char *path, int must_exist, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read config file %s: %s", path, strerror(errno));
		return -1;
	}
	cfg->file = strdup(path);
	char line[4096];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line too long", path, lineno);
			rc = -1;
			break;
		}
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected 'name = value'", path, lineno);
			rc = -1;
			break;
		}
		*eq = 0;
		char e2[256];
		if (config_set(cfg, trim(s), trim(eq + 1), SRC_FILE, e2, sizeof e2)) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, e2);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

/* The file of a time zone, written into path (caller's buffer). */
static const char *zone_path(const char *tz, char *path, size_t len)
{
	snprintf(path, len, "/usr/share/zoneinfo/%s", tz);
	return path;
}

static int validate(struct config *cfg, char *err, size_t errlen)
{
	if (strncmp(cfg->db, "sqlite:", 7) != 0 && strncmp(cfg->db, "postgresql://", 13) != 0 &&
	    strncmp(cfg->db, "postgres://", 11) != 0) {
		snprintf(err, errlen, "db: '%s' must start with sqlite: or postgresql://", cfg->db);
		return -1;
	}
	if (strncmp(cfg->db, "sqlite:", 7) == 0 && !cfg->db[7]) {
		snprintf(err, errlen, "db: sqlite: needs a file path, e.g. sqlite:data/wenming.db");
		return -1;
	}
	const char *colon = strrchr(cfg->listen, ':');
	char *end;
	long port = colon ? strtol(colon + 1, &end, 10) : -1;
	if (!colon || colon == cfg->listen || !colon[1] || *end || port < 1 || port > 65535) {
		snprintf(err, errlen, "listen: '%s' must be host:port, e.g. 127.0.0.1:8080", cfg->listen);
		return -1;
	}
	if (!!cfg->tls_cert[0] != !!cfg->tls_key[0]) {
		snprintf(err, errlen, "tls_cert and tls_key must be set together");
		return -1;
	}
	if (cfg->base_url[0] && strncmp(cfg->base_url, "http://", 7) && strncmp(cfg->base_url, "https://", 8)) {
		snprintf(err, errlen, "base_url: '%s' must start with http:// or https://", cfg->base_url);
		return -1;
	}
	if (cfg->smtp_url[0] && strncmp(cfg->smtp_url, "smtp://", 7) && strncmp(cfg->smtp_url, "smtps://", 8)) {
		snprintf(err, errlen, "smtp_url: '%s' must start with smtp:// or smtps://", cfg->smtp_url);
		return -1;
	}
	if (cfg->smtp_url[0] && (!strchr(cfg->smtp_from, '@') || strpbrk(cfg->smtp_from, "<>\r\n "))) {
		snprintf(err, errlen, "smtp_from: '%s' must be a plain address such as wenming@example.gov", cfg->smtp_from);
		return -1;
	}
	struct stat st; /* a zone is a file: "Asia" is a directory, and TZ=Asia would silently be UTC */
	char zone[300];
	zone_path(cfg->timezone, zone, sizeof zone);
	if (!cfg->timezone[0] || strstr(cfg->timezone, "..") || cfg->timezone[0] == '/' || stat(zone, &st) != 0 ||
	    !S_ISREG(st.st_mode) || access(zone, R_OK) != 0) {
		snprintf(err, errlen, "timezone: '%s' is not a known time zone (e.g. Asia/Shanghai)", cfg->timezone);
		return -1;
	}
	if (cfg->session_idle > cfg->session_lifetime) {
		snprintf(err, errlen, "session_idle must not be longer than session_lifetime");
		return -1;
	}
	return 0;
}

int config_load(struct config *cfg, int *argc, char **argv, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < config_nsettings; i++)
		if (config_set(cfg, config_settings[i].name, config_settings[i].dflt, SRC_DEFAULT, err, errlen))
			return -1;

	/* find --config first: the file sits below env and flags */
	const char *file = NULL;
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 >= *argc) {
				snprintf(err, errlen, "--config needs a file name");
				return -1;
			}
			file = argv[i + 1];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			file = argv[i] + 9;
		}
	}
	if (!file)
		file = getenv("WENMING_CONFIG");
	if (load_file(cfg, file ? file : "wenming.conf", file != NULL, err, errlen))
		return -1;

	for (size_t i = 0; i < config_nsettings; i++) {
		char env[64] = "WENMING_";
		for (size_t k = 0; config_settings[i].name[k] && k < 50; k++)
			env[8 + k] = (char)toupper((unsigned char)config_settings[i].name[k]);
		const char *v = getenv(env);
		if (v) {
			char e2[256];
			if (config_set(cfg, config_settings[i].name, v, SRC_ENV, e2, sizeof e2)) {
				snprintf(err, errlen, "%s: %s", env, e2);
				return -1;
			}
		}
	}

	int out = 1;
	for (int i = 1; i < *argc; i++) {
		char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strncmp(a, "--", 2) != 0) {
			argv[out++] = a;
			continue;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		if (nlen == 6 && strncmp(name, "config", 6) == 0) {
			if (!eq)
				i++;
			continue;
		}
		const struct setting_def *d = find_setting(name, nlen);
		if (!d) { /* leave it to the subcommand */
			argv[out++] = a;
			continue;
		}
		const char *val = eq ? eq + 1 : NULL;
		if (!val) {
			if (i + 1 >= *argc) {
				snprintf(err, errlen, "--%s needs a value", d->name);
				return -1;
			}
			val = argv[++i];
		}
		if (config_set(cfg, d->name, val, SRC_FLAG, err, errlen))
			return -1;
	}
	argv[out] = NULL;
	*argc = out;
	if (validate(cfg, err, errlen))
		return -1;
	setenv("TZ", cfg->timezone, 1); /* before any thread starts */
	tzset();
	return 0;
}

void config_print(const struct config *cfg, void (*out)(const char *line, void *ctx), void *ctx)
{
	static const char *srcs[] = {"default", "file", "env", "flag"};
	char line[1024];
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct setting_def *d = &config_settings[i];
		const char *field = (const char *)cfg + d->offset;
		char val[512];
		switch (d->type) {
		case SET_STR: {
			const char *v = *(char *const *)field;
			/* a database URL may carry a password: user:secret@host */
			const char *at = strchr(v, '@'), *colon = at ? memchr(v, ':', (size_t)(at - v)) : NULL;
			const char *scheme = strstr(v, "://");
			if (scheme && colon == scheme)
				colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
			if (!strcmp(d->name, "smtp_password") && *v)
				snprintf(val, sizeof val, "****");
			else if (at && colon && colon < at)
				snprintf(val, sizeof val, "%.*s:****%s", (int)(colon - v), v, at);
			else
				snprintf(val, sizeof val, "%s", v);
			break;
		}
		case SET_INT: snprintf(val, sizeof val, "%d", *(const int *)field); break;
		case SET_SECS: snprintf(val, sizeof val, "%ds", *(const int *)field); break;
		case SET_SIZE: snprintf(val, sizeof val, "%ld", *(const long *)field); break;
		case SET_LEVEL: {
			static const char *lv[] = {"error", "warn", "info", "debug"};
			snprintf(val, sizeof val, "%s", lv[*(const int *)field]);
			break;
		}
		}
		snprintf(line, sizeof line, "%-18s %-32s %-8s %s", d->name, val, srcs[cfg->source[i]], d->help);
		out(line, ctx);
	}
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < config_nsettings; i++)
		if (config_settings[i].type == SET_STR) {
			char **p = (char **)((char *)cfg + config_settings[i].offset);
			free(*p);
			*p = NULL;
		}
	free(cfg->file);
	cfg->file = NULL;
}

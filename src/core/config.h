/* config.h — the one table of settings and the frozen configuration.
 *
 * Each setting has a name, a type, a default and help text (config.c).
 * Values come from the defaults, then wenming.conf, then WENMING_* variables,
 * then --flags, each overriding the one before. Everything is validated
 * before the server starts; a bad value is an error with a clear message. */
#ifndef WM_CONFIG_H
#define WM_CONFIG_H

#include <stddef.h>

enum config_source { SRC_DEFAULT, SRC_FILE, SRC_ENV, SRC_FLAG };

#define CONFIG_MAX_SETTINGS 64

struct config {
	char *db;            /* sqlite:PATH or postgresql://... */
	char *listen;        /* host:port */
	int threads;
	int request_timeout; /* seconds */
	int keepalive_timeout;
	long max_body;       /* bytes */
	long max_part;
	long max_upload;     /* bytes, per attached file */
	int session_idle;     /* seconds */
	int session_lifetime; /* seconds */
	int log_level;
	char *access_log;     /* "-" stderr, "off", or a path */
	char *base_url;
	char *tls_cert, *tls_key;
	int db_pool;
	int hash_concurrency;
	int escalate_after; /* working days past a case's deadline before it is escalated */
	long cache_size;      /* bytes for cached lists and counts; 0: off */
	char *password_file;
	char *timezone;
	char *trusted_proxies; /* comma-separated addresses whose X-Forwarded-For is believed */
	char *smtp_url;        /* smtp://host:port or smtps://...; "": no e-mail */
	char *smtp_from, *smtp_user, *smtp_password;
	/* where each value came from, by setting index (config.c checks at
	 * compile time that every setting has a slot) */
	enum config_source source[CONFIG_MAX_SETTINGS];
	char *file; /* the config file read, or NULL */
};

struct setting_def {
	const char *name;
	enum { SET_STR, SET_INT, SET_SECS, SET_SIZE, SET_LEVEL } type;
	size_t offset;
	const char *dflt;
	long min, max;
	const char *help;
};

extern const struct setting_def config_settings[];
extern const size_t config_nsettings;

/* Fills cfg from defaults, the config file (explicit path, or ./wenming.conf
 * when it exists), the environment, then flags found in argv. Recognised
 * flags are removed from argv/argc; "--config FILE" selects the file. On
 * error writes a one-line message into err and returns -1. Strings in cfg
 * are heap-allocated and live for the program. */
int config_load(struct config *cfg, int *argc, char **argv, char *err, size_t errlen);
/* Sets one setting from text; returns -1 with a message on a bad value. */
int config_set(struct config *cfg, const char *name, const char *value, enum config_source src, char *err,
	       size_t errlen);
/* Writes "name value (source)" lines for `wenming config`. */
void config_print(const struct config *cfg, void (*out)(const char *line, void *ctx), void *ctx);
void config_free(struct config *cfg);

#endif

/* i18n.h — the message catalog (zh-Hant default, zh-Hans, en) and
 * language-aware formatting of dates and numbers.
 *
 * Messages are declared once per key with all three languages side by side
 * (MSG(key, zh-Hant, zh-Hans, en)), so a key cannot exist in one language
 * and not another, and an unknown key is a compile error. The platform's
 * messages are in i18n/NAME.def, each module's in src/MODULE/messages.def;
 * the build lists them all in catalog.h (CMakeLists.txt). Terms follow
 * ../shared/GLOSSARY.md. Why not gettext: see docs/DECISIONS.md.
 *
 * The catalog sits in core, below http and web, so that both use it and
 * neither includes the other for it. */
#ifndef WM_I18N_H
#define WM_I18N_H

#include <stddef.h>
#include <stdint.h>

enum lang { LANG_HANT, LANG_HANS, LANG_EN, LANG__COUNT };

enum msg_id {
	M_NONE,
#define MSG(key, hant, hans, en) M_##key,
#include "catalog.h"
#undef MSG
	M__COUNT
};

/* The text of a message in a language (static). M_NONE gives "". */
const char *msg(enum lang l, enum msg_id id);
/* The key name of a message ("login_title"), static. */
const char *msg_key(enum msg_id id);
/* The message with this key name, or M_NONE. */
enum msg_id msg_find(const char *key);

/* "zh-Hant", "zh-Hans", "en" (static). */
const char *lang_code(enum lang l);
/* Parses a language tag (zh-Hant, zh-TW, zh-HK, zh-Hans, zh-CN, zh, en-US,
 * ...); -1 when it is none of ours. */
int lang_parse(const char *tag);
/* The best of our languages for an Accept-Language header; LANG_HANT when
 * nothing matches. */
enum lang lang_from_accept(const char *header);

/* Formats a Unix time in the server's time zone: 2026年11月29日 / 2026-11-29
 * style per language; with_time adds hours and minutes. Returns out. */
char *fmt_time(enum lang l, int64_t t, int with_time, char *out, size_t len);
/* 1234567 → "1,234,567". Returns out. */
char *fmt_int(enum lang l, int64_t v, char *out, size_t len);

#endif

/* embed.h — files compiled into the binary (assets/, each module's
 * migrations/ and the working-day calendar src/core/cn-workdays.tsv). The
 * table is generated at build time (cmake/embed.cmake) and uses .incbin, so
 * a large file costs nothing to compile. Data is static and NUL-terminated. */
#ifndef WM_EMBED_H
#define WM_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *name; /* path relative to the repository, e.g. "assets/app.css" */
	const unsigned char *data;
	size_t len;
};

extern const struct embed_file embed_files[];
extern const size_t embed_count;

/* The file with this exact name, or NULL. */
const struct embed_file *embed_find(const char *name);

#endif

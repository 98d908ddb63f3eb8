/* demo.c — the learning module's part of `wenming demo` (filled below). */
#include "../db/db.h"
#include "../module.h"
#include "learning.h"

int learning_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	(void)db, (void)o, (void)err, (void)errlen;
	return 0;
}

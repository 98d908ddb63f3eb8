/* fuzz_json.c — JSON request bodies as router.c reads them: json_loadb with
 * JSON_REJECT_DUPLICATES, then json_dumps.
 * Properties: no memory error; what loads dumps to valid UTF-8 that loads
 * again to an equal value; and every string in it, written by our own
 * buf_json_str, holds no '<' and reads back (through jansson) unchanged. */
#include "fuzz.h"

#include <jansson.h>

#include "core/buf.h"

static void check_strings(json_t *j, int depth)
{
	if (depth > 64)
		return;
	if (json_is_string(j)) {
		const char *s = json_string_value(j);
		struct buf b;
		buf_init(&b, NULL);
		buf_json_str(&b, s);
		CHECK(!strchr(b.p, '<'));
		json_error_t e;
		json_t *back = json_loadb(b.p, b.len, JSON_DECODE_ANY, &e);
		CHECK(back && json_is_string(back));
		CHECK(strcmp(json_string_value(back), s) == 0);
		json_decref(back);
		buf_free(&b);
	} else if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) check_strings(v, depth + 1);
	} else if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v)
		{
			json_t *ks = json_string(k);
			check_strings(ks, depth + 1);
			json_decref(ks);
			check_strings(v, depth + 1);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return 0;
	char *out = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	CHECK(out != NULL);
	CHECK(utf8_valid(out, strlen(out)));
	json_t *again = json_loads(out, JSON_REJECT_DUPLICATES, &e);
	CHECK(again != NULL);
	CHECK(json_equal(j, again));
	check_strings(j, 0);
	json_decref(again);
	free(out);
	json_decref(j);
	return 0;
}

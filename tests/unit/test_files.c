/* test_files.c — attached files: the type is what the content is (libmagic
 * and the office containers), never the name or the client's type; the
 * size limit; the stored name; thumbnails; the ids of an F_FILES field.
 * The images are made here with libgd, the PDF and the office documents
 * written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/arena.h"
#include "http/http.h"
#include "records/files.h"

static struct arena A;

static int setup(void **state)
{
	arena_init(&A);
	return 0;
}

static int teardown(void **state)
{
	arena_free(&A);
	return 0;
}

/* A w×h picture, a red square on white, as PNG or JPEG (arena). */
static const void *image(int png, int w, int h, size_t *n)
{
	gdImagePtr im = gdImageCreateTrueColor(w, h);
	gdImageFilledRectangle(im, 0, 0, w - 1, h - 1, gdTrueColor(255, 255, 255));
	gdImageFilledRectangle(im, w / 4, h / 4, w / 2, h / 2, gdTrueColor(200, 0, 0));
	int size = 0;
	void *p = png ? gdImagePngPtr(im, &size) : gdImageJpegPtr(im, &size, 80);
	gdImageDestroy(im);
	void *copy = arena_alloc(&A, (size_t)size);
	memcpy(copy, p, (size_t)size);
	gdFree(p);
	*n = (size_t)size;
	return copy;
}

static const char PDF[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
			  "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
			  "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
			  "xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
			  "0000000101 00000 n \ntrailer<</Size 4/Root 1 0 "
			  "R>>\nstartxref\n165\n%%EOF\n";

static const char HTML[] = "<!DOCTYPE "
			   "html>\n<html><head><title>x</title></head><body><script>alert(1)</script>"
			   "</body></html>\n";

/* A zip of the given entries (name, text, ..., NULL), in the arena. */
static const void *zip_of(size_t *n, ...)
{
	char path[] = "/tmp/wenming-test-files-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int err;
	zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	va_list ap;
	va_start(ap, n);
	for (const char *name; (name = va_arg(ap, const char *));) {
		const char *text = va_arg(ap, const char *);
		zip_source_t *s = zip_source_buffer(z, text, strlen(text), 0);
		assert_true(zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	va_end(ap);
	assert_int_equal(zip_close(z), 0);
	FILE *f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	rewind(f);
	char *data = arena_alloc(&A, (size_t)len);
	assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	close(fd);
	unlink(path);
	*n = (size_t)len;
	return data;
}

static struct kv part(const char *filename, const char *ctype, const void *data, size_t n)
{
	return (struct kv){.name = "documents", .value = data, .len = n, .filename = filename, .content_type = ctype};
}

static void real_images_and_pdfs_are_accepted_by_content(void **state)
{
	size_t n;
	const void *png = image(1, 40, 30, &n);
	struct file_kind k;
	enum msg_id why;
	struct kv p = part("photo.png", "image/png", png, n);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 0);
	assert_string_equal(k.mime, "image/png");
	assert_string_equal(k.name, "photo.png");
	assert_true(k.is_image);

	const void *jpg = image(0, 40, 30, &n);
	p = part("IMG_0001.JPEG", "image/jpeg", jpg, n);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 0);
	assert_string_equal(k.mime, "image/jpeg");
	assert_string_equal(k.name, "IMG_0001.JPEG"); /* one of the type's own extensions stays */

	p = part("scan.pdf", "application/pdf", PDF, sizeof PDF - 1);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 0);
	assert_string_equal(k.mime, "application/pdf");
	assert_false(k.is_image);
}

static void content_wins_over_the_name_and_the_clients_type(void **state)
{
	size_t n;
	const void *jpg = image(0, 20, 20, &n);
	struct file_kind k;
	enum msg_id why;
	/* a JPEG sent as a PNG named .png: a JPEG named .jpg */
	struct kv p = part("scan.png", "image/png", jpg, n);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 0);
	assert_string_equal(k.mime, "image/jpeg");
	assert_string_equal(k.name, "scan.jpg");
	/* no extension, or one that is not ours: the type's is added */
	p = part("report", "application/octet-stream", PDF, sizeof PDF - 1);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 0);
	assert_string_equal(k.name, "report.pdf");
	p = part("minutes.2026.final", NULL, PDF, sizeof PDF - 1);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 0);
	assert_string_equal(k.name, "minutes.2026.final.pdf");
}

static void html_disguised_as_an_image_is_refused(void **state)
{
	struct file_kind k;
	enum msg_id why;
	struct kv p = part("photo.jpg", "image/jpeg", HTML, sizeof HTML - 1);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 415);
	assert_int_equal(why, M_files_bad_type);
	/* nor an SVG (scripts), a shell script, plain text or a bare zip */
	static const char svg[] = "<svg "
				  "xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
	p = part("logo.png", "image/png", svg, sizeof svg - 1);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 415);
	static const char sh[] = "#!/bin/sh\nrm -rf /\n";
	p = part("a.pdf", "application/pdf", sh, sizeof sh - 1);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 415);
	size_t n;
	const void *z = zip_of(&n, "readme.txt", "hello", NULL);
	p = part("x.docx", NULL, z, n);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 415);
}

static void oversize_and_empty_files_are_refused(void **state)
{
	size_t n;
	const void *png = image(1, 200, 200, &n);
	struct file_kind k;
	enum msg_id why;
	struct kv p = part("big.png", "image/png", png, n);
	assert_int_equal(files_check(&A, &p, (long)n - 1, &k, &why), 413);
	assert_int_equal(why, M_files_too_large);
	assert_int_equal(files_check(&A, &p, (long)n, &k, &why), 0); /* the limit itself is allowed */
	p = part("empty.pdf", "application/pdf", "", 0);
	assert_int_equal(files_check(&A, &p, 1 << 20, &k, &why), 400);
	assert_int_equal(why, M_files_empty);
}

static void office_documents_are_recognized_inside_their_containers(void **state)
{
	size_t n;
	const char *ext;
	const void *docx = zip_of(&n, "[Content_Types].xml", "<Types/>", "_rels/.rels", "<Relationships/>",
				  "word/document.xml", "<w:document/>", NULL);
	assert_string_equal(files_sniff(docx, n, "anything.bin", &ext),
			    "application/"
			    "vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_string_equal(ext, "docx");
	const void *xlsx = zip_of(&n, "[Content_Types].xml", "<Types/>", "xl/workbook.xml", "<workbook/>", NULL);
	assert_string_equal(files_sniff(xlsx, n, NULL, &ext),
			    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	/* macros: not allowed */
	const void *docm = zip_of(&n, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w:document/>",
				  "word/vbaProject.bin", "x", NULL);
	assert_null(files_sniff(docm, n, "a.docx", &ext));
	const void *odt =
	    zip_of(&n, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<x/>", NULL);
	assert_string_equal(files_sniff(odt, n, "a.odt", &ext), "application/vnd.oasis.opendocument.text");
	assert_string_equal(ext, "odt");
}

static void names_are_cleaned(void **state)
{
	assert_string_equal(files_clean_name(&A, "C:\\Users\\me\\照片 1.jpg", "jpg"), "照片 1.jpg");
	assert_string_equal(files_clean_name(&A, "../../etc/passwd", "pdf"), "passwd.pdf");
	assert_string_equal(files_clean_name(&A, ".hidden.png", "png"), "hidden.png");
	assert_string_equal(files_clean_name(&A, "a\"b<c>\r\n.pdf", "pdf"), "abc.pdf");
	assert_string_equal(files_clean_name(&A, "", "png"), "file.png");
	assert_string_equal(files_clean_name(&A, NULL, "pdf"), "file.pdf");
	/* long names are cut on a character boundary */
	char longname[400] = "";
	for (int i = 0; i < 60; i++)
		strcat(longname, "文");
	const char *c = files_clean_name(&A, longname, "pdf");
	assert_true(strlen(c) <= 120 + 4);
	assert_string_equal(c + strlen(c) - 4, ".pdf");
	assert_int_equal((strlen(c) - 4) % 3, 0);
}

static void thumbnails_are_small_and_re_encoded(void **state)
{
	size_t n, tn = 0;
	const void *png = image(1, 1000, 500, &n);
	const unsigned char *t = files_thumbnail(&A, png, n, "image/png", &tn);
	assert_non_null(t);
	gdImagePtr im = gdImageCreateFromPngPtr((int)tn, (void *)t);
	assert_non_null(im);
	assert_int_equal(gdImageSX(im), FILES_THUMB_MAX);
	assert_int_equal(gdImageSY(im), FILES_THUMB_MAX / 2);
	gdImageDestroy(im);

	const void *jpg = image(0, 300, 900, &n);
	const unsigned char *tj = files_thumbnail(&A, jpg, n, "image/jpeg", &tn);
	assert_non_null(tj);
	assert_int_equal(tj[0], 0xFF);
	assert_int_equal(tj[1], 0xD8);
	im = gdImageCreateFromJpegPtr((int)tn, (void *)tj);
	assert_int_equal(gdImageSY(im), FILES_THUMB_MAX);
	assert_int_equal(gdImageSX(im), 106);
	gdImageDestroy(im);
	/* a JPEG with an EXIF block (GPS would be in it) loses it */
	size_t m;
	const unsigned char *plain = image(0, 50, 50, &m);
	static const unsigned char app1[] = {0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0,
					     0,    'M',  'M',  0,    42,  0,   0,   0,   8};
	unsigned char *exif = arena_alloc(&A, m + sizeof app1);
	memcpy(exif, plain, 2);
	memcpy(exif + 2, app1, sizeof app1);
	memcpy(exif + 2 + sizeof app1, plain + 2, m - 2);
	const unsigned char *te = files_thumbnail(&A, exif, m + sizeof app1, "image/jpeg", &tn);
	assert_non_null(te);
	assert_null(memmem(te, tn, "Exif", 4));
	/* not an image libgd reads: none */
	assert_null(files_thumbnail(&A, PDF, sizeof PDF - 1, "application/pdf", &tn));
	assert_null(files_thumbnail(&A, HTML, sizeof HTML - 1, "image/png", &tn));
}

static void field_ids_parse_and_refuse_garbage(void **state)
{
	int64_t ids[FILES_MAX_PER_FIELD];
	assert_int_equal(files_ids_parse("12,15", ids, FILES_MAX_PER_FIELD), 2);
	assert_int_equal(ids[0], 12);
	assert_int_equal(ids[1], 15);
	assert_int_equal(files_ids_parse(" 3 ,4;5  6", ids, FILES_MAX_PER_FIELD), 4);
	assert_int_equal(files_ids_parse("7,7", ids, FILES_MAX_PER_FIELD), 1);
	assert_int_equal(files_ids_parse("", ids, FILES_MAX_PER_FIELD), 0);
	assert_int_equal(files_ids_parse(NULL, ids, FILES_MAX_PER_FIELD), 0);
	assert_int_equal(files_ids_parse("12a", ids, FILES_MAX_PER_FIELD), -1);
	assert_int_equal(files_ids_parse("0", ids, FILES_MAX_PER_FIELD), -1);
	assert_int_equal(files_ids_parse("-3", ids, FILES_MAX_PER_FIELD), -1);
	assert_int_equal(files_ids_parse("1,2,3", ids, 2), -1);
	assert_int_equal(files_ids_parse("1234567890123456789", ids, 2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(real_images_and_pdfs_are_accepted_by_content, setup, teardown),
	    cmocka_unit_test_setup_teardown(content_wins_over_the_name_and_the_clients_type, setup, teardown),
	    cmocka_unit_test_setup_teardown(html_disguised_as_an_image_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(oversize_and_empty_files_are_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(office_documents_are_recognized_inside_their_containers, setup, teardown),
	    cmocka_unit_test_setup_teardown(names_are_cleaned, setup, teardown),
	    cmocka_unit_test_setup_teardown(thumbnails_are_small_and_re_encoded, setup, teardown),
	    cmocka_unit_test_setup_teardown(field_ids_parse_and_refuse_garbage, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The audit MAC's key file and the MAC of a row (server/src/platform/audit/audit_mac.c):
 * what a key file must be, that errors name the variable and never the
 * secret, and that writer and verifier agree on the text they MAC.
 */
#include <check.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/audit/audit_mac.h"
#include "test/support/check_main.h"

static char dir[64];

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	snprintf(dir, sizeof(dir), "/tmp/erp-audit-key.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char path[128];
	const char *const names[] = { "key", "short", "long", "shared", "other" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Writes length bytes of fill (cycling through text) to dir/name with mode; returns the path. */
static const char *key_file(const char *name, const char *text, size_t length, mode_t mode)
{
	static char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	for (size_t i = 0; i < length; i++)
		ck_assert_int_eq(write(fd, &text[i % strlen(text)], 1), 1);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static void assert_refused(const char *path, const char *needle)
{
	struct audit_key key;
	char err[512] = "";

	ck_assert_int_eq(audit_key_load(path, &key, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "ERP_AUDIT_KEY_FILE") != NULL, "%s", err);
	ck_assert_msg(strstr(err, needle) != NULL, "\"%s\" not in: %s", needle, err);
	ck_assert_msg(strstr(err, "SECRET") == NULL, "the key's bytes leaked: %s", err);
}

START_TEST(a_missing_or_unfit_key_file_is_refused_by_name)
{
	char path[128];

	assert_refused("", "is not set");
	assert_refused(NULL, "is not set");
	snprintf(path, sizeof(path), "%s/absent", dir);
	assert_refused(path, "cannot be read");
	assert_refused(dir, "not a regular file");
	assert_refused(key_file("short", "SECRET", AUDIT_KEY_FILE_MIN_BYTES - 1, 0600), "too few");
	assert_refused(key_file("long", "SECRET", AUDIT_KEY_FILE_MAX_BYTES + 1, 0600), "too many");
	assert_refused(key_file("shared", "SECRET", 32, 0640), "group or others (mode 640)");
	assert_refused(key_file("shared", "SECRET", 32, 0604), "chmod 600");
	assert_refused(key_file("shared", "SECRET", 32, 0620), "group or others");
}
END_TEST

START_TEST(a_fit_key_file_gives_a_key_derived_from_all_its_bytes)
{
	static const char tag[] = "erp-audit-key-v1";
	struct audit_key key, again, other;
	uint8_t expected[AUDIT_MAC_KEY_BYTES], material[64 + sizeof(tag)];
	char err[512] = "";

	ck_assert_msg(audit_key_load(key_file("key", "0123456789abcdef", 64, 0600), &key, err,
				     sizeof(err)) == 0,
		      "%s", err);
	memcpy(material, tag, sizeof(tag) - 1);
	for (int i = 0; i < 64; i++)
		material[sizeof(tag) - 1 + i] = (uint8_t)"0123456789abcdef"[i % 16];
	crypto_generichash(expected, sizeof(expected), material, sizeof(tag) - 1 + 64, NULL, 0);
	ck_assert_mem_eq(key.bytes, expected, sizeof(expected));

	ck_assert_int_eq(audit_key_load(key_file("key", "0123456789abcdef", 64, 0400), &again, err,
					sizeof(err)), 0);
	ck_assert_mem_eq(key.bytes, again.bytes, sizeof(key.bytes));
	ck_assert_int_eq(audit_key_load(key_file("other", "0123456789abcdeF", 64, 0600), &other, err,
					sizeof(err)), 0);
	ck_assert_mem_ne(key.bytes, other.bytes, sizeof(key.bytes));
	ck_assert_int_eq(audit_key_load(key_file("long", "x", AUDIT_KEY_FILE_MAX_BYTES, 0600), &other,
					err, sizeof(err)), 0);
	audit_key_wipe(&key);
	ck_assert_mem_eq(key.bytes, (uint8_t[AUDIT_MAC_KEY_BYTES]){ 0 }, sizeof(key.bytes));
}
END_TEST

START_TEST(the_row_mac_covers_the_fields_in_the_documented_order)
{
	struct audit_key key = { { 7 } };
	struct audit_event_text row = {
		.id = "0190f5b2-7a3c-7def-8123-456789abcdef", .actor_id = NULL,
		.action = "iam.user.created", .company_id = NULL, .entity = "user",
		.entity_id = "42", .request_id = "0190f5b2-7a3c-7def-8123-000000000001",
		.changes = "{}", .reason = NULL,
	};
	const struct audit_chain_field fields[AUDIT_EVENT_FIELD_COUNT] = {
		audit_chain_text(row.id), audit_chain_text(NULL), audit_chain_text(row.action),
		audit_chain_text(NULL), audit_chain_text(row.entity), audit_chain_text(row.entity_id),
		audit_chain_text(row.request_id), audit_chain_text(row.changes), audit_chain_text(NULL),
	};
	uint8_t mac[AUDIT_MAC_BYTES], expected[AUDIT_MAC_BYTES], forged[AUDIT_MAC_BYTES];

	audit_event_mac(&key, &row, mac);
	audit_chain_mac(key.bytes, fields, AUDIT_EVENT_FIELD_COUNT, expected);
	ck_assert_mem_eq(mac, expected, sizeof(mac));
	row.actor_id = "0190f5b2-7a3c-7def-8123-0000000000aa";
	audit_event_mac(&key, &row, forged);
	ck_assert_mem_ne(mac, forged, sizeof(mac));
}
END_TEST

/* What the verifier reads back (jsonb::text: spaces, its own key order) canonicalises to what was written. */
START_TEST(changes_written_and_read_back_have_one_canonical_text)
{
	json_t *written = json_pack("{s:{s:s, s:s}, s:{s:i, s:n}, s:{s:b, s:s}}", "name", "old", "a",
				    "new", "b\xc3\xa9\n", "version", "old", 1, "new", "active",
				    "old", 1, "new", "\"q\"");
	const char *read_back = "{\"name\": {\"new\": \"b\xc3\xa9\\n\", \"old\": \"a\"}, \"active\": "
				"{\"new\": \"\\\"q\\\"\", \"old\": true}, \"version\": {\"new\": null, "
				"\"old\": 1}}";
	json_t *parsed = json_loads(read_back, 0, NULL);
	char *from_writer = audit_changes_canonical(written);
	char *from_verifier = audit_changes_canonical(parsed);

	ck_assert_ptr_nonnull(parsed);
	ck_assert_str_eq(from_writer, from_verifier);
	ck_assert_str_eq(from_writer, "{\"active\":{\"new\":\"\\\"q\\\"\",\"old\":true},"
				      "\"name\":{\"new\":\"b\xc3\xa9\\n\",\"old\":\"a\"},"
				      "\"version\":{\"new\":null,\"old\":1}}");
	free(from_writer);
	free(from_verifier);
	json_decref(written);
	json_decref(parsed);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/audit_mac");
	TCase *tc = tcase_create("audit_mac");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_missing_or_unfit_key_file_is_refused_by_name);
	tcase_add_test(tc, a_fit_key_file_gives_a_key_derived_from_all_its_bytes);
	tcase_add_test(tc, the_row_mac_covers_the_fields_in_the_documented_order);
	tcase_add_test(tc, changes_written_and_read_back_have_one_canonical_text);
	suite_add_tcase(suite, tc);
	return suite;
}

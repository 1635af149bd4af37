#include "platform/audit/audit_mac.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/json.h"

#define KEY_VARIABLE "ERP_AUDIT_KEY_FILE"

/* Domain separation: the file's bytes become a key for this MAC and nothing else. */
static const char key_tag[] = "erp-audit-key-v1";

/* Reads at most size bytes of fd into buffer; the count read, or -1. */
static ssize_t read_up_to(int fd, uint8_t *buffer, size_t size)
{
	size_t length = 0;

	while (length < size) {
		ssize_t got = read(fd, buffer + length, size - length);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		length += (size_t)got;
	}
	return (ssize_t)length;
}

int audit_key_load(const char *path, struct audit_key *key, char *err, size_t err_size)
{
	/* One byte more than allowed, to tell "too long" from "exactly the maximum". */
	uint8_t material[AUDIT_KEY_FILE_MAX_BYTES + 1];
	crypto_generichash_state state;
	struct stat st;
	ssize_t length = -1;
	int fd = -1, rc = -1;

	if (!path || !*path) {
		snprintf(err, err_size,
			 KEY_VARIABLE " is not set: name a file of %d or more random bytes that only "
				      "the server's user can read (for example: umask 077; head -c 32 "
				      "/dev/urandom > audit-key)",
			 AUDIT_KEY_FILE_MIN_BYTES);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, err_size, KEY_VARIABLE "=\"%.200s\" cannot be read: %s", path,
			 strerror(errno));
		goto out;
	}
	/* The descriptor, not the name: what is checked is what is read. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, err_size, KEY_VARIABLE "=\"%.200s\" is not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, err_size,
			 KEY_VARIABLE "=\"%.200s\" may be accessed by group or others (mode %03o): "
				      "chmod 600 it",
			 path, (unsigned)(st.st_mode & 0777));
		goto out;
	}
	length = read_up_to(fd, material, sizeof(material));
	if (length < 0) {
		snprintf(err, err_size, KEY_VARIABLE "=\"%.200s\" cannot be read: %s", path,
			 strerror(errno));
		goto out;
	}
	if (length < AUDIT_KEY_FILE_MIN_BYTES || length > AUDIT_KEY_FILE_MAX_BYTES) {
		snprintf(err, err_size,
			 KEY_VARIABLE "=\"%.200s\" holds %s bytes: the key must be %d to %d bytes",
			 path, length > AUDIT_KEY_FILE_MAX_BYTES ? "too many" : "too few",
			 AUDIT_KEY_FILE_MIN_BYTES, AUDIT_KEY_FILE_MAX_BYTES);
		goto out;
	}
	crypto_generichash_init(&state, NULL, 0, sizeof(key->bytes));
	crypto_generichash_update(&state, (const uint8_t *)key_tag, sizeof(key_tag) - 1);
	crypto_generichash_update(&state, material, (size_t)length);
	crypto_generichash_final(&state, key->bytes, sizeof(key->bytes));
	rc = 0;
out:
	sodium_memzero(material, sizeof(material));
	sodium_memzero(&state, sizeof(state));
	if (fd >= 0)
		close(fd);
	return rc;
}

void audit_key_wipe(struct audit_key *key)
{
	sodium_memzero(key->bytes, sizeof(key->bytes));
}

void audit_event_mac(const struct audit_key *key, const struct audit_event_text *row,
		     uint8_t mac[AUDIT_MAC_BYTES])
{
	struct audit_chain_field fields[AUDIT_EVENT_FIELD_COUNT];

	fields[AUDIT_EVENT_ID] = audit_chain_text(row->id);
	fields[AUDIT_EVENT_ACTOR_ID] = audit_chain_text(row->actor_id);
	fields[AUDIT_EVENT_ACTION] = audit_chain_text(row->action);
	fields[AUDIT_EVENT_COMPANY_ID] = audit_chain_text(row->company_id);
	fields[AUDIT_EVENT_ENTITY] = audit_chain_text(row->entity);
	fields[AUDIT_EVENT_ENTITY_ID] = audit_chain_text(row->entity_id);
	fields[AUDIT_EVENT_REQUEST_ID] = audit_chain_text(row->request_id);
	fields[AUDIT_EVENT_CHANGES] = audit_chain_text(row->changes);
	fields[AUDIT_EVENT_REASON] = audit_chain_text(row->reason);
	audit_chain_mac(key->bytes, fields, AUDIT_EVENT_FIELD_COUNT, mac);
}

char *audit_changes_canonical(const json_t *changes)
{
	return erp_json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS);
}

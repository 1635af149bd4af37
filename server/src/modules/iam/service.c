/* IAM rules that need no database: passwords, tokens, normalisation. */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "platform/ops/log.h"
#include "shared-kernel/errors.h"

/* Interactive limits are the floor (ISSUE: "at least libsodium's interactive limits"). */
#define IAM_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define IAM_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

/* Every computation runs under a slot of hash_limit.c; a caller without one is a bug. */
static bool slot_held(const char *what)
{
	if (iam_hash_limit_held())
		return true;
	log_error("iam.hash_without_slot", "BUG: %s without a password-hashing slot", what);
	return false;
}

int iam_password_hash(const char *password, char *out)
{
	if (!slot_held("password hash"))
		return ERP_ERR_INTERNAL;
	if (crypto_pwhash_str(out, password, strlen(password), IAM_OPSLIMIT, IAM_MEMLIMIT) != 0)
		return ERP_ERR_NO_MEMORY; /* argon2id could not get its memory */
	return ERP_OK;
}

bool iam_password_verify(const char *hash, const char *password, bool *needs_rehash)
{
	if (!slot_held("password verification") ||
	    crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return false;
	*needs_rehash = crypto_pwhash_str_needs_rehash(hash, IAM_OPSLIMIT, IAM_MEMLIMIT) != 0;
	return true;
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	if (crypto_pwhash_str(dummy_hash, "not a password of anyone", 24, IAM_OPSLIMIT,
			      IAM_MEMLIMIT) != 0)
		dummy_hash[0] = '\0';
}

void iam_password_verify_dummy(const char *password)
{
	/* Made once: verifying against it costs what a real verification costs. */
	pthread_once(&dummy_once, make_dummy_hash);
	if (slot_held("dummy verification") && dummy_hash[0] &&
	    crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
		return; /* cannot match: the dummy's password is not a valid login */
}

static void hash_hex(const unsigned char *token, char hash_hex[65])
{
	unsigned char digest[32];

	crypto_generichash(digest, sizeof(digest), token, IAM_TOKEN_BYTES, NULL, 0);
	sodium_bin2hex(hash_hex, 65, digest, sizeof(digest));
}

void iam_token_new(char token[64], char hash_hex_out[65])
{
	unsigned char raw[IAM_TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	hash_hex(raw, hash_hex_out);
	sodium_memzero(raw, sizeof(raw));
}

#define TOKEN_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

int iam_token_hash(const char *token, char hash_hex_out[65])
{
	unsigned char raw[IAM_TOKEN_BYTES];
	size_t length = 0;
	const char *end = NULL;

	/* libsodium 1.0.18 reads bytes from 0x80 up as '_': refuse them before it sees them. */
	if (strlen(token) != 43 || strspn(token, TOKEN_ALPHABET) != 43 ||
	    sodium_base642bin(raw, sizeof(raw), token, 43, NULL, &length, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    length != IAM_TOKEN_BYTES || *end != '\0')
		return -1;
	hash_hex(raw, hash_hex_out);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

void iam_lowercase(char *text)
{
	for (; *text; text++)
		if (*text >= 'A' && *text <= 'Z')
			*text = (char)(*text - 'A' + 'a');
}

/* Role names: ^[a-z][a-z0-9_-]{0,63}$ (the roles table checks the same). */
bool iam_is_role_name(const char *name)
{
	size_t length = strlen(name);

	if (length < 1 || length > 64 || !(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	for (size_t i = 1; i < length; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_' || name[i] == '-'))
			return false;
	return true;
}

/* Company codes: ^[A-Z0-9][A-Z0-9_-]{0,19}$ (the companies table checks the same). */
bool iam_is_company_code(const char *code)
{
	size_t length = strlen(code);

	if (length < 1 || length > 20)
		return false;
	for (size_t i = 0; i < length; i++)
		if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9') ||
		      (i > 0 && (code[i] == '_' || code[i] == '-'))))
			return false;
	return true;
}

#ifndef ERP_PLATFORM_STATIC_FILES_H
#define ERP_PLATFORM_STATIC_FILES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A folder of static files read into memory once, at start: what is served
 * is exactly what was there then, and a request can name only a file of the
 * table, never a path of the disk (no "..", no symbolic link, no hidden
 * file is ever loaded), so no request can reach outside the folder.
 */

struct static_file {
	const char *name;         /* relative path with '/' separators: "assets/app.1a2b3c4d.js" */
	const char *content_type; /* from the extension */
	const char *body;
	size_t length;
	char etag[20];            /* "\"" 16 hex digits "\"": a hash of the bytes */
	bool immutable;           /* the name carries a content hash: cache it for good */
};

struct static_files;

/* Limits of what a folder may hold (anything beyond them refuses the whole folder). */
enum {
	STATIC_FILES_MAX_COUNT = 512,
	STATIC_FILES_MAX_DEPTH = 3,
	STATIC_FILES_MAX_FILE_BYTES = 4 << 20,
	STATIC_FILES_MAX_TOTAL_BYTES = 32 << 20,
	STATIC_FILES_MAX_NAME = 200,
};

/*
 * Reads every regular file under dir (names of letters, digits, '.', '-'
 * and '_', none starting with '.'; other entries are skipped). Returns the
 * table (free with static_files_free()), or NULL with a sentence in err: the
 * folder cannot be read, or a limit above is passed.
 */
struct static_files *static_files_load(const char *dir, char *err, size_t err_size);

/* The file called name ("index.html", "assets/x.js"), or NULL. */
const struct static_file *static_files_find(const struct static_files *files, const char *name);

/* How many files the table holds. */
size_t static_files_count(const struct static_files *files);

/* The Content-Type of a file name by its extension (application/octet-stream if unknown). */
const char *static_files_content_type(const char *name);

/*
 * Whether a file name carries a content hash: a part of at least 8
 * lower-case hexadecimal digits between two dots ("app.1a2b3c4d.js").
 */
bool static_files_name_is_hashed(const char *name);

void static_files_free(struct static_files *files);

#endif

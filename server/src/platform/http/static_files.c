#include "platform/http/static_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"

struct static_files {
	struct static_file *files; /* sorted by name, for bsearch */
	size_t count;
	size_t total_bytes;
};

static const struct {
	const char *extension;
	const char *content_type;
} content_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
};

const char *static_files_content_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(content_types) / sizeof(content_types[0]); i++)
		if (strcmp(dot, content_types[i].extension) == 0)
			return content_types[i].content_type;
	return "application/octet-stream";
}

bool static_files_name_is_hashed(const char *name)
{
	const char *base = strrchr(name, '/');

	for (const char *p = strchr(base ? base : name, '.'); p; p = strchr(p + 1, '.')) {
		size_t digits = strspn(p + 1, "0123456789abcdef");

		if (digits >= 8 && p[1 + digits] == '.')
			return true;
	}
	return false;
}

/* Entry names we load: plain characters, never ".", "..", nor a hidden file. */
static bool entry_name_ok(const char *name)
{
	size_t length = strlen(name);

	return length > 0 && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
		       length;
}

/* FNV-1a: an ETag only needs to change when the bytes do. */
static void etag_of(const char *body, size_t length, char out[20])
{
	uint64_t hash = 14695981039346656037u;

	for (size_t i = 0; i < length; i++)
		hash = (hash ^ (unsigned char)body[i]) * 1099511628211u;
	snprintf(out, 20, "\"%016" PRIx64 "\"", hash);
}

static int read_whole(int fd, size_t length, char **out)
{
	char *body = erp_malloc(length ? length : 1);
	size_t done = 0;

	if (!body)
		return -1;
	while (done < length) {
		ssize_t n = read(fd, body + done, length - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			erp_free(body);
			return -1;
		}
		done += (size_t)n;
	}
	*out = body;
	return 0;
}

static int add_file(struct static_files *table, int dir_fd, const char *entry, const char *name,
		    const struct stat *st, char *err, size_t err_size)
{
	struct static_file *file;
	char *body = NULL;
	int fd;

	if (table->count == STATIC_FILES_MAX_COUNT || st->st_size > STATIC_FILES_MAX_FILE_BYTES ||
	    table->total_bytes + (size_t)st->st_size > STATIC_FILES_MAX_TOTAL_BYTES) {
		snprintf(err, err_size, "too many or too large files (at %s)", name);
		return -1;
	}
	fd = openat(dir_fd, entry, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || read_whole(fd, (size_t)st->st_size, &body)) {
		snprintf(err, err_size, "cannot read %s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	file = &table->files[table->count++];
	file->name = erp_xstrdup(name);
	file->content_type = static_files_content_type(name);
	file->body = body;
	file->length = (size_t)st->st_size;
	file->immutable = static_files_name_is_hashed(name);
	etag_of(body, file->length, file->etag);
	table->total_bytes += file->length;
	return 0;
}

static int load_folder(struct static_files *table, int dir_fd, const char *prefix, int depth,
		       char *err, size_t err_size)
{
	DIR *dir = fdopendir(dir_fd);
	struct dirent *entry;
	int rc = 0;

	if (!dir) {
		close(dir_fd);
		snprintf(err, err_size, "cannot list %s: %s", *prefix ? prefix : ".", strerror(errno));
		return -1;
	}
	while (rc == 0 && (entry = readdir(dir))) {
		char name[STATIC_FILES_MAX_NAME + 2];
		struct stat st;
		int length;

		if (!entry_name_ok(entry->d_name) ||
		    fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		length = snprintf(name, sizeof(name), "%s%s", prefix, entry->d_name);
		if (length < 0 || (size_t)length > STATIC_FILES_MAX_NAME)
			continue;
		if (S_ISREG(st.st_mode)) {
			rc = add_file(table, dirfd(dir), entry->d_name, name, &st, err, err_size);
		} else if (S_ISDIR(st.st_mode) && depth < STATIC_FILES_MAX_DEPTH) {
			int sub = openat(dirfd(dir), entry->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0)
				continue;
			name[length] = '/';
			name[length + 1] = '\0';
			rc = load_folder(table, sub, name, depth + 1, err, err_size);
		}
	}
	closedir(dir);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct static_file *)a)->name, ((const struct static_file *)b)->name);
}

struct static_files *static_files_load(const char *dir, char *err, size_t err_size)
{
	struct static_files *table = erp_xcalloc(1, sizeof(*table));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	table->files = erp_xcalloc(STATIC_FILES_MAX_COUNT, sizeof(*table->files));
	if (fd < 0) {
		snprintf(err, err_size, "cannot open %s: %s", dir, strerror(errno));
		static_files_free(table);
		return NULL;
	}
	if (load_folder(table, fd, "", 1, err, err_size)) {
		static_files_free(table);
		return NULL;
	}
	qsort(table->files, table->count, sizeof(*table->files), by_name);
	return table;
}

const struct static_file *static_files_find(const struct static_files *files, const char *name)
{
	struct static_file key = { .name = name };

	if (!files)
		return NULL;
	return bsearch(&key, files->files, files->count, sizeof(key), by_name);
}

size_t static_files_count(const struct static_files *files)
{
	return files ? files->count : 0;
}

void static_files_free(struct static_files *files)
{
	if (!files)
		return;
	for (size_t i = 0; i < files->count; i++) {
		erp_free((char *)files->files[i].name);
		erp_free((char *)files->files[i].body);
	}
	erp_free(files->files);
	erp_free(files);
}

/* CSV answers (RFC 4180): records into a buffer, and exports streamed from the database. */
#include "platform/http/csv.h"

#include <microhttpd.h>
#include <stdatomic.h>
#include <string.h>

#include "common/alloc.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/http/problem.h"
#include "platform/http/server.h"
#include "shared-kernel/errors.h"

static int reserve(struct csv_buffer *buf, size_t more)
{
	size_t capacity = buf->capacity ? buf->capacity : 256;
	char *grown;

	if (buf->length + more <= buf->capacity)
		return 0;
	while (capacity < buf->length + more)
		capacity *= 2;
	grown = erp_realloc(buf->data, capacity);
	if (!grown)
		return -1;
	buf->data = grown;
	buf->capacity = capacity;
	return 0;
}

int csv_field(struct csv_buffer *buf, const char *value, bool first)
{
	size_t length = value ? strlen(value) : 0, quotes = 0;
	bool quoted = false;
	char *out;

	for (size_t i = 0; i < length; i++) {
		if (value[i] == '"')
			quotes++;
		if (value[i] == '"' || value[i] == ',' || value[i] == '\r' || value[i] == '\n')
			quoted = true;
	}
	if (reserve(buf, length + quotes + 3))
		return -1;
	out = buf->data + buf->length;
	if (!first)
		*out++ = ',';
	if (quoted)
		*out++ = '"';
	for (size_t i = 0; i < length; i++) {
		if (value[i] == '"')
			*out++ = '"';
		*out++ = value[i];
	}
	if (quoted)
		*out++ = '"';
	buf->length = (size_t)(out - buf->data);
	return 0;
}

int csv_end_record(struct csv_buffer *buf)
{
	if (reserve(buf, 2))
		return -1;
	buf->data[buf->length++] = '\r';
	buf->data[buf->length++] = '\n';
	return 0;
}

int csv_record(struct csv_buffer *buf, const char *const *fields, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (csv_field(buf, fields[i], i == 0))
			return -1;
	return csv_end_record(buf);
}

void csv_release(struct csv_buffer *buf)
{
	erp_free(buf->data);
	*buf = (struct csv_buffer){ 0 };
}

bool csv_wanted(const struct erp_request *req)
{
	const char *accept = http_header(req, "Accept");

	return accept && strstr(accept, "text/csv") != NULL;
}

static char *copy(const char *text)
{
	size_t length = strlen(text) + 1;
	char *out = erp_malloc(length);

	if (out)
		memcpy(out, text, length);
	return out;
}

/* --- streamed exports ----------------------------------------------------------------------- */

static atomic_int streams_running;

/* One export: its connection, the columns it sends, what is built and not yet sent. */
struct csv_stream {
	struct db_conn *db;
	int *column_index;       /* PQfnumber of each column, from the first row */
	const char **columns;    /* copies of the names */
	size_t count;
	struct csv_buffer pending;
	size_t sent;             /* of pending */
	bool done;
};

static void stream_release(void *cls)
{
	struct csv_stream *s = cls;

	db_close(s->db);
	csv_release(&s->pending);
	for (size_t i = 0; i < s->count; i++)
		erp_free((void *)s->columns[i]);
	erp_free(s->columns);
	erp_free(s->column_index);
	erp_free(s);
	atomic_fetch_sub(&streams_running, 1);
}

/* Appends one row; 0, or -1 when memory runs out. */
static int append_row(struct csv_stream *s, PGresult *row)
{
	for (size_t i = 0; i < s->count; i++) {
		if (s->column_index[i] == -2)
			s->column_index[i] = PQfnumber(row, s->columns[i]);
		if (csv_field(&s->pending,
			      s->column_index[i] < 0 || PQgetisnull(row, 0, s->column_index[i])
				      ? NULL : PQgetvalue(row, 0, s->column_index[i]),
			      i == 0))
			return -1;
	}
	return csv_end_record(&s->pending);
}

/* MHD asks for up to max bytes: rows are read from the database until they fill it. */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct csv_stream *s = cls;
	size_t n;

	(void)pos;
	/* What was sent is dropped before more is read: the buffer stays about max plus one row. */
	if (s->sent) {
		memmove(s->pending.data, s->pending.data + s->sent, s->pending.length - s->sent);
		s->pending.length -= s->sent;
		s->sent = 0;
	}
	while (!s->done && s->pending.length - s->sent < max) {
		PGresult *row;
		int rc = db_stream_next(s->db, &row);

		if (rc < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (rc == 0) {
			s->done = true;
			break;
		}
		rc = append_row(s, row);
		PQclear(row);
		if (rc)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	n = s->pending.length - s->sent;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n > max)
		n = max;
	memcpy(out, s->pending.data + s->sent, n);
	s->sent += n;
	return (ssize_t)n;
}

int csv_respond_stream(struct erp_request *req, const char *const *names,
		       const char *const *columns, size_t count, const struct db_statement *statement,
		       int param_count, const char *const *params)
{
	struct db_options options = { .connect_timeout_s = req->server->config->db_connect_timeout_s,
				      .application_name = "erp-server export" };
	struct csv_stream *s;
	struct http_body_stream *body;
	int rc;

	if (atomic_fetch_add(&streams_running, 1) >= CSV_STREAMS_MAX) {
		atomic_fetch_sub(&streams_running, 1);
		return http_respond_problem(req, &PROBLEM_UNAVAILABLE,
					    "too many exports are running; try again in a moment");
	}
	s = erp_calloc(1, sizeof(*s));
	body = arena_calloc(req->arena, 1, sizeof(*body));
	if (!s || !body) {
		erp_free(s);
		atomic_fetch_sub(&streams_running, 1);
		return ERP_ERR_NO_MEMORY;
	}
	s->count = count;
	s->columns = erp_calloc(count + 1, sizeof(*s->columns));
	s->column_index = erp_calloc(count + 1, sizeof(*s->column_index));
	s->db = db_open(req->server->config->database_url, &options);
	rc = s->columns && s->column_index && s->db ? ERP_OK : ERP_ERR_NO_MEMORY;
	for (size_t i = 0; !rc && i < count; i++) {
		s->column_index[i] = -2; /* looked up in the first row */
		s->columns[i] = copy(columns[i]);
		if (!s->columns[i])
			rc = ERP_ERR_NO_MEMORY;
	}
	if (!rc && csv_record(&s->pending, names, count))
		rc = ERP_ERR_NO_MEMORY;
	if (!rc)
		rc = db_stream_begin(s->db, statement, param_count, params);
	if (rc) {
		stream_release(s);
		return rc == ERP_ERR_NO_MEMORY ? rc : ERP_ERR_UNAVAILABLE;
	}
	body->read = stream_read;
	body->release = stream_release;
	body->state = s;
	req->body_stream = body;
	return http_respond_bytes(req, 200, "text/csv; charset=utf-8", "", 0);
}

#ifndef ERP_PLATFORM_HTTP_CSV_H
#define ERP_PLATFORM_HTTP_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct erp_request;
struct db_statement;

/*
 * CSV as RFC 4180 writes it: fields separated by commas, records ended by
 * CRLF, a field quoted (its quotes doubled) when it holds a comma, a quote,
 * CR or LF. A growable buffer of records (heap memory, csv_release() it).
 */
struct csv_buffer {
	char *data;
	size_t length;
	size_t capacity;
};

/*
 * Appends one field (NULL: an empty field), preceded by a comma unless it
 * starts the record. 0, or -1 when memory runs out (the buffer unchanged).
 */
int csv_field(struct csv_buffer *buf, const char *value, bool first);

/* Ends the record (CRLF). 0 or -1. */
int csv_end_record(struct csv_buffer *buf);

/* A whole record: count fields and its CRLF. 0 or -1. */
int csv_record(struct csv_buffer *buf, const char *const *fields, size_t count);

void csv_release(struct csv_buffer *buf);

/* Whether the request's Accept names text/csv (the answer is then CSV instead of JSON). */
bool csv_wanted(const struct erp_request *req);

/*
 * Answers 200 text/csv whose rows are statement's (params as db_query()),
 * streamed: a header row of names, then, for each row read, the columns
 * called columns[0..count-1] in that order, fetched one row at a time on a
 * connection of the export's own and sent as the client takes them, so
 * memory does not grow with the rows. A statement that fails to start is
 * answered as its failure; at most CSV_STREAMS_MAX exports run at once
 * (503 beyond). A failure half-way ends the answer without its final chunk,
 * so a client cannot mistake a cut export for a whole one. Returns like a
 * handler.
 */
int csv_respond_stream(struct erp_request *req, const char *const *names,
		       const char *const *columns, size_t count, const struct db_statement *statement,
		       int param_count, const char *const *params);

enum { CSV_STREAMS_MAX = 4 };

#endif

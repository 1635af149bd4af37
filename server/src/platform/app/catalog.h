#ifndef ERP_PLATFORM_CATALOG_H
#define ERP_PLATFORM_CATALOG_H

#include <stddef.h>
#include <stdio.h>

#include "platform/http/route.h"

struct db_conn;

/*
 * The permission catalog lives in code (each module's descriptor) and is the
 * only source of permission names. `erp-server migrate` copies it, with the
 * segregation-of-duties pairs, into the tables permissions and sod_rules, so
 * admin scripts can read them without linking module code; `serve` is not
 * ready while the copy differs from the code. The platform's own permissions
 * (platform/ops/ops.h) are always part of it, before the modules given.
 */

/*
 * Checks the catalog in code: names well formed and unique, every route's
 * permission declared by some module, every SoD pair naming declared
 * permissions. 0, or -1 with a sentence in err.
 */
int catalog_check_code(const struct erp_module *const *modules, size_t count, char *err,
		       size_t err_size);

/*
 * Writes the catalog into the database in one transaction: inserts new
 * permissions, updates descriptions, deletes permissions no module declares
 * any more (their role grants go with them), and replaces the SoD pairs.
 * Prints one line per change to report (may be NULL). Returns the number of
 * changes, or -1 with a sentence in err.
 */
int catalog_sync(struct db_conn *conn, const struct erp_module *const *modules, size_t count,
		 FILE *report, char *err, size_t err_size);

/* The catalog rendered once, as the JSON documents the database statements take. */
struct catalog_snapshot {
	char *permissions;
	char *sod_rules;
};

/* 0, or ERP_ERR_NO_MEMORY. Release with catalog_snapshot_release(). */
int catalog_snapshot_make(const struct erp_module *const *modules, size_t count,
			  struct catalog_snapshot *snapshot);
void catalog_snapshot_release(struct catalog_snapshot *snapshot);

/*
 * 0 when the database copy equals the snapshot of the code, 1 with a reason
 * when it differs, or a negative ERP_ERR_* code when the database cannot be asked.
 */
int catalog_check_current(struct db_conn *conn, const struct catalog_snapshot *snapshot,
			  char *reason, size_t reason_size);

#endif

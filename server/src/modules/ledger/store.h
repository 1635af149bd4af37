#ifndef ERP_MODULES_LEDGER_STORE_H
#define ERP_MODULES_LEDGER_STORE_H

/*
 * Every SQL statement of the ledger (module-internal; internal.h includes
 * it). The statements live in store_<resource>.c, nowhere else: the use
 * cases run them with db_query() or in a batch (platform/db/db.h) and read
 * their rows by column name (db_value()), or take the JSON PostgreSQL
 * renders with named fields (resource_query_json(), PAGING_SQL lists
 * through paging_respond_list()). Amounts are rendered by erp_minor_text()
 * with the account's currency exponent, so the text is exact. $n are the
 * parameters, in the order the comments give.
 */
#include "platform/db/db.h"

/* --- store_accounts.c: the chart of accounts ------------------------------------------ */

extern const struct db_statement ledger_sql_accounts_list;
extern const struct db_statement ledger_sql_account_get;
extern const struct db_statement ledger_sql_account_lock;
extern const struct db_statement ledger_sql_account_has_lines;
extern const struct db_statement ledger_sql_account_parent;
extern const struct db_statement ledger_sql_account_parent_cycle;
extern const struct db_statement ledger_sql_account_insert;
extern const struct db_statement ledger_sql_account_update;
extern const struct db_statement ledger_sql_accounts_resolve;
extern const struct db_statement ledger_sql_account_balance;

/* --- store_entries.c: journal entries and their lines ---------------------------------- */

extern const struct db_statement ledger_sql_entries_list;
extern const struct db_statement ledger_sql_entries_list_by_account;
extern const struct db_statement ledger_sql_entries_export;
extern const struct db_statement ledger_sql_entry_get;
extern const struct db_statement ledger_sql_entry_lock;
extern const struct db_statement ledger_sql_entry_insert;
extern const struct db_statement ledger_sql_entry_update_header;
extern const struct db_statement ledger_sql_entry_lines_delete;
extern const struct db_statement ledger_sql_entry_lines_insert;
extern const struct db_statement ledger_sql_entry_delete;
extern const struct db_statement ledger_sql_entry_insert_reversal;
extern const struct db_statement ledger_sql_entry_chain_authored_by;
extern const struct db_statement ledger_sql_entry_take_over;

/* --- store_posting.c: a draft entering the books ---------------------------------------- */

extern const struct db_statement ledger_sql_post_lock_entry;
extern const struct db_statement ledger_sql_post_share_period;
extern const struct db_statement ledger_sql_post_share_year;
extern const struct db_statement ledger_sql_post_share_company;
extern const struct db_statement ledger_sql_post_share_accounts;
extern const struct db_statement ledger_sql_post_next_number;
extern const struct db_statement ledger_sql_post_next_closing_number;
extern const struct db_statement ledger_sql_post_stamp_lines;
extern const struct db_statement ledger_sql_post_mark;

/* --- store_chain.c: the hash chain of posted entries and its verification ------------------- */

extern const struct db_statement ledger_sql_seal_companies;
extern const struct db_statement ledger_sql_seal_async;
extern const struct db_statement ledger_sql_seal;
extern const struct db_statement ledger_sql_chain_companies;
extern const struct db_statement ledger_sql_chain_walk;
extern const struct db_statement ledger_sql_chain_unsealed;
extern const struct db_statement ledger_sql_numbering_gaps;
extern const struct db_statement ledger_sql_integrity_record;
extern const struct db_statement ledger_sql_integrity_report;

/* --- store_periods.c: fiscal years and periods ------------------------------------------ */

extern const struct db_statement ledger_sql_periods_list;
extern const struct db_statement ledger_sql_periods_lock_company;
extern const struct db_statement ledger_sql_periods_overlapping;
extern const struct db_statement ledger_sql_periods_insert_year;
extern const struct db_statement ledger_sql_periods_year;
extern const struct db_statement ledger_sql_period_lock;
extern const struct db_statement ledger_sql_period_lock_facts;
extern const struct db_statement ledger_sql_period_close;
extern const struct db_statement ledger_sql_period_reopen;
extern const struct db_statement ledger_sql_period_request_lock;
extern const struct db_statement ledger_sql_period_confirm_lock;
extern const struct db_statement ledger_sql_period_cancel_lock;
extern const struct db_statement ledger_sql_period_year_status;

/* --- store_years.c: closing and reopening a fiscal year --------------------------------- */

extern const struct db_statement ledger_sql_year_get;
extern const struct db_statement ledger_sql_year_lock_periods;
extern const struct db_statement ledger_sql_year_lock;
extern const struct db_statement ledger_sql_year_share_next;
extern const struct db_statement ledger_sql_year_balances;
extern const struct db_statement ledger_sql_year_retained_earnings;
extern const struct db_statement ledger_sql_year_requester_active;
extern const struct db_statement ledger_sql_year_request_close;
extern const struct db_statement ledger_sql_year_cancel_close;
extern const struct db_statement ledger_sql_year_confirm_close;
extern const struct db_statement ledger_sql_year_reopen;

/* --- store_reports.c: the trial balance and an account's ledger -------------------------- */

extern const struct db_statement ledger_sql_trial_balance;
extern const struct db_statement ledger_sql_report_account;
extern const struct db_statement ledger_sql_account_ledger;
extern const struct db_statement ledger_sql_account_ledger_export;
extern const struct db_statement ledger_sql_statement_accounts;
extern const struct db_statement ledger_sql_statement_results;

/* --- store_verify.c: the books recomputed (verify-ledger) --------------------------------- */

extern const struct db_statement ledger_sql_verify_balances;

/* --- store_settings.c: the company's ledger settings ------------------------------------- */

extern const struct db_statement ledger_sql_settings_get;
extern const struct db_statement ledger_sql_settings_ensure;
extern const struct db_statement ledger_sql_settings_lock;
extern const struct db_statement ledger_sql_settings_request;
extern const struct db_statement ledger_sql_settings_confirm;
extern const struct db_statement ledger_sql_settings_cancel;
extern const struct db_statement ledger_sql_settings_retained_account;
extern const struct db_statement ledger_sql_settings_set_retained;

#endif

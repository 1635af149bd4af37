#ifndef ERP_MODULES_SALES_STORE_H
#define ERP_MODULES_SALES_STORE_H

/*
 * Every SQL statement of sales (module-internal; internal.h includes it).
 * The statements live in store_<resource>.c, nowhere else: the use cases
 * run them with db_query() or a batch and read rows by column name
 * (db_value()), or take the JSON PostgreSQL renders with named fields
 * (column j); lists are PAGING_SQL statements for paging_respond_list().
 * They name only sales' tables (sales_*, in its schema) and what other
 * owners export: the ledger's views ledger_account_directory and
 * ledger_period_directory. $n are the parameters, in the order the
 * comments give.
 */
#include "platform/db/db.h"

/* --- store_tax_codes.c: tax codes, and the ledger's accounts ------------------------------- */

extern const struct db_statement sales_sql_account;
extern const struct db_statement sales_sql_tax_codes_list;
extern const struct db_statement sales_sql_tax_code_get;
extern const struct db_statement sales_sql_tax_code_lock;
extern const struct db_statement sales_sql_tax_code_insert;
extern const struct db_statement sales_sql_tax_code_update;

/* --- store_invoices.c: drafts, and what their rules look up ---------------------------------- */

extern const struct db_statement sales_sql_invoices_list;
extern const struct db_statement sales_sql_invoice_get;
extern const struct db_statement sales_sql_invoice_lock;
extern const struct db_statement sales_sql_accounts_named;
extern const struct db_statement sales_sql_tax_codes_named;
extern const struct db_statement sales_sql_invoice_insert;
extern const struct db_statement sales_sql_invoice_update;
extern const struct db_statement sales_sql_invoice_lines_clear;
extern const struct db_statement sales_sql_invoice_taxes_clear;
extern const struct db_statement sales_sql_invoice_lines_insert;
extern const struct db_statement sales_sql_invoice_taxes_insert;
extern const struct db_statement sales_sql_invoice_delete;

/* --- store_posting.c: a posting's locks, facts and marks --------------------------------------- */

extern const struct db_statement sales_sql_post_lock_invoice;
extern const struct db_statement sales_sql_post_lock_customer;
extern const struct db_statement sales_sql_post_open_balance;
extern const struct db_statement sales_sql_post_fiscal_year;
extern const struct db_statement sales_sql_post_next_number;
extern const struct db_statement sales_sql_post_revenue;
extern const struct db_statement sales_sql_post_taxes;
extern const struct db_statement sales_sql_post_mark;
extern const struct db_statement sales_sql_post_open_item;

/* --- store_payments.c: payments, allocations, the customer's lock, numbering ------------------ */

extern const struct db_statement sales_sql_customer_lock;
extern const struct db_statement sales_sql_customer_lock_of_payment;
extern const struct db_statement sales_sql_next_number;
extern const struct db_statement sales_sql_payment_insert;
extern const struct db_statement sales_sql_payment_open_item;
extern const struct db_statement sales_sql_payment_get;
extern const struct db_statement sales_sql_payments_list;
extern const struct db_statement sales_sql_payment_lock;
extern const struct db_statement sales_sql_open_invoices_oldest;
extern const struct db_statement sales_sql_invoice_items_named;
extern const struct db_statement sales_sql_allocations_insert;
extern const struct db_statement sales_sql_residuals_adjust;
extern const struct db_statement sales_sql_payment_touch;
extern const struct db_statement sales_sql_allocations_of_item;
extern const struct db_statement sales_sql_allocation_lock;
extern const struct db_statement sales_sql_allocations_undo;
extern const struct db_statement sales_sql_payment_mark_reversed;
extern const struct db_statement sales_sql_reversal_open_item;

/* --- store_credit_notes.c: credit notes, what an invoice has left to take back ------------------ */

extern const struct db_statement sales_sql_credit_invoice;
extern const struct db_statement sales_sql_credit_invoice_lines;
extern const struct db_statement sales_sql_credit_invoice_taxes;
extern const struct db_statement sales_sql_credit_note_insert;
extern const struct db_statement sales_sql_credit_note_lines_insert;
extern const struct db_statement sales_sql_credit_note_taxes_insert;
extern const struct db_statement sales_sql_credit_note_get;
extern const struct db_statement sales_sql_credit_notes_list;
extern const struct db_statement sales_sql_credit_note_lock;
extern const struct db_statement sales_sql_credit_note_delete;
extern const struct db_statement sales_sql_credit_post_lines;
extern const struct db_statement sales_sql_credit_post_taxes;
extern const struct db_statement sales_sql_invoice_item;
extern const struct db_statement sales_sql_credit_note_mark;
extern const struct db_statement sales_sql_credit_note_open_item;

/* --- store_reports.c: the receivables aging and a customer's statement ------------------------- */

extern const struct db_statement sales_sql_aging;
extern const struct db_statement sales_sql_statement;
extern const struct db_statement sales_sql_statement_opening;

#endif

-- pgbench: what POST /companies/BENCH/sales-invoices/{id}/post writes, in
-- SQL, as one transaction: the next draft of the queue (bench_post_queue,
-- each posted once) locked; the next INV number and the next journal-entry
-- number; the journal entry and its five lines (Dr the receivable the
-- total, Cr each revenue account its nets, Cr each tax code's output
-- account its tax, read from the invoice's lines and taxes), posted; the
-- invoice marked posted with its number; its open item; one audit event.
-- The numbers are taken as late as they can be (after the entry, its
-- lines and the audit event are written): their rows stay locked until commit.
-- pgbench sends each statement, BEGIN and END included, in its own round
-- trip. The server's own checks (credit limit, accounts, period) and its
-- answer are its cost on top of this.
BEGIN;
SELECT i.id AS invoice_id, i.total_minor AS total
  FROM bench_post_queue q JOIN sales_invoices i ON i.id = q.id
 WHERE q.n = (SELECT nextval('bench_post_queue_n')) FOR UPDATE OF i
\gset
WITH e AS (INSERT INTO ledger_entries (id, company_id, entry_date, memo, reference, source,
                                       author_id, fiscal_year, sequence)
           VALUES (gen_random_uuid(), :company_id, current_date, 'Sales invoice', 'INV',
                   'sales.invoice', :poster_id, NULL, NULL)
           RETURNING id, company_id),
     x AS (SELECT 0 AS rank, :receivable::uuid AS account_id, :total::bigint AS debit,
                  0::bigint AS credit, 'Customer' AS description
           UNION ALL
           SELECT min(l.line), l.revenue_account_id, 0, sum(l.net_minor), 'Revenue'
             FROM sales_invoice_lines l WHERE l.invoice_id = :invoice_id
            GROUP BY l.revenue_account_id
           UNION ALL
           SELECT 1000 + row_number() OVER (ORDER BY t.code), t.output_account_id, 0, s.tax_minor, 'Tax'
             FROM sales_invoice_taxes s JOIN sales_tax_codes t ON t.id = s.tax_code_id
            WHERE s.invoice_id = :invoice_id),
     l AS (INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor,
                                     credit_minor, description, posted_on, posting_no)
           SELECT e.id, row_number() OVER (ORDER BY x.rank), e.company_id, x.account_id, x.debit,
                  x.credit, x.description, current_date, nextval('ledger_posting_no')
             FROM e, x)
SELECT id AS entry_id FROM e
\gset
-- The server stores a 32-byte MAC with every audit event; any 32 bytes cost the same here.
INSERT INTO audit_events (id, actor_id, action, company_id, entity, entity_id, mac)
VALUES (gen_random_uuid(), :poster_id, 'sales.invoice.posted', :company_id, 'invoice',
        :invoice_id, sha256(gen_random_uuid()::text::bytea));
INSERT INTO sales_numbering (company_id, series, fiscal_year, last_number)
VALUES (:company_id, 'INV', extract(year FROM current_date)::int, 1)
ON CONFLICT (company_id, series, fiscal_year) DO UPDATE SET last_number = sales_numbering.last_number + 1
RETURNING last_number AS invoice_no
\gset
INSERT INTO ledger_numbering (company_id, fiscal_year, last_number)
VALUES (:company_id, extract(year FROM current_date)::int, 1)
ON CONFLICT (company_id, fiscal_year) DO UPDATE SET last_number = ledger_numbering.last_number + 1
RETURNING last_number AS entry_no
\gset
UPDATE ledger_entries SET status = 'posted', posted_by = :poster_id, posted_at = now(),
       fiscal_year = extract(year FROM current_date)::int, sequence = :entry_no,
       number = 'JE-' || extract(year FROM current_date)::int || '-' || lpad(:entry_no::text, 6, '0'),
       version = version + 1
 WHERE id = :entry_id;
UPDATE sales_invoices SET fiscal_year = extract(year FROM current_date)::int, sequence = :invoice_no,
       number = 'INV-' || extract(year FROM current_date)::int || '-' || lpad(:invoice_no::text, 6, '0'),
       posted_by = :poster_id, posted_at = now(), ledger_entry_id = :entry_id,
       version = version + 1, updated_at = now()
 WHERE id = :invoice_id AND posted_at IS NULL;
INSERT INTO sales_open_items (id, company_id, partner_id, document_type, document_id, number,
                              document_date, due_date, currency, exponent, amount_minor,
                              residual_minor, ledger_entry_id, receivable_account_id)
SELECT gen_random_uuid(), i.company_id, i.partner_id, 'invoice', i.id, i.number, i.invoice_date,
       i.due_date, i.currency, i.exponent, i.total_minor, i.total_minor, i.ledger_entry_id, :receivable
  FROM sales_invoices i WHERE i.id = :invoice_id;
END;

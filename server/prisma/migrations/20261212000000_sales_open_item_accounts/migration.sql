-- Each open item names the receivable account its document posted to, so the
-- sub-ledger reconciles to the ledger account by account (a customer whose
-- receivable account changes keeps its old items on the old account), and a
-- credit note credits the account its invoice debited, not the customer's
-- account of the day.
ALTER TABLE sales.sales_open_items ADD COLUMN receivable_account_id uuid;

-- Items posted before this migration. A payment and its reversal kept the
-- account on the payment. An invoice's entry has one debit line (the
-- receivable: revenue and tax are credits, and nets are never negative); a
-- credit note's has one credit line, the receivable. This one-time read of
-- the ledger's lines is the migration's, not the module's code.
UPDATE sales.sales_open_items o SET receivable_account_id = p.receivable_account_id
  FROM sales.sales_payments p
 WHERE o.document_type IN ('payment', 'payment_reversal') AND p.id = o.document_id;
UPDATE sales.sales_open_items o SET receivable_account_id = l.account_id
  FROM ledger.ledger_lines l
 WHERE o.document_type = 'invoice' AND l.entry_id = o.ledger_entry_id AND l.debit_minor > 0;
UPDATE sales.sales_open_items o SET receivable_account_id = l.account_id
  FROM ledger.ledger_lines l
 WHERE o.document_type = 'credit_note' AND l.entry_id = o.ledger_entry_id AND l.credit_minor > 0;
ALTER TABLE sales.sales_open_items ALTER COLUMN receivable_account_id SET NOT NULL;

-- The account is part of the posted fact: only the residual moves.
CREATE OR REPLACE FUNCTION sales_reject_open_item_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'open items are never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.company_id, NEW.partner_id, NEW.document_type, NEW.document_id, NEW.number,
        NEW.document_date, NEW.due_date, NEW.currency, NEW.exponent, NEW.amount_minor,
        NEW.ledger_entry_id, NEW.created_at, NEW.receivable_account_id)
       IS DISTINCT FROM
       (OLD.id, OLD.company_id, OLD.partner_id, OLD.document_type, OLD.document_id, OLD.number,
        OLD.document_date, OLD.due_date, OLD.currency, OLD.exponent, OLD.amount_minor,
        OLD.ledger_entry_id, OLD.created_at, OLD.receivable_account_id) THEN
        RAISE EXCEPTION 'only an open item''s residual changes' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

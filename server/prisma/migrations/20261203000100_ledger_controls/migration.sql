-- Controls that one person cannot defeat, the ledger's part
-- (server/src/modules/ledger, docs/controls.md "Four-eyes and periods"):
-- what the database itself refuses, whatever the code asks.

-- A company's currency is the currency its books are kept in: once the
-- company has a posted journal entry it cannot change. The trigger sits on
-- IAM's companies table because the rule is the ledger's; postings take a
-- share lock on their company's row (posting.c), so a currency change
-- either lands before the first posting or sees it and is refused. The
-- SQLSTATE restrict_violation (23001) is what the company update answers
-- 409 for (modules/iam/http_companies.c).
CREATE FUNCTION ledger_company_currency_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_entries WHERE company_id = OLD.id AND status = 'posted') THEN
        RAISE EXCEPTION 'company % has posted journal entries: its currency % is fixed',
            OLD.code, OLD.currency
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_company_currency_fixed BEFORE UPDATE OF currency ON companies
    FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency)
    EXECUTE FUNCTION ledger_company_currency_fixed();

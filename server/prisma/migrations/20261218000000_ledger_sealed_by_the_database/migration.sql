-- The seal written by the database alone (docs/controls/ledger.md, "Who
-- writes the seal"). Until now the sealer's statements, run as erp_app,
-- wrote each seal's place and hash, the heads and the balances, and the
-- database checked only their shape: the application's login could seal a
-- waiting entry at a place of its choosing (the company's sealing then
-- stopped there), move nothing but still write the balances, or post and
-- seal a draft in one update. Now one function seals: ledger_seal(), with
-- the owner's rights, computes each hash from the stored rows
-- (ledger_chain_hash_form(), the same bytes as chain_form.c, which
-- verify-ledger recomputes independently), links the entries after the
-- head in the order they took their posting numbers, adds their lines to
-- the balances and moves the head, in the caller's transaction. erp_app
-- may call it, and may no longer write the seal's columns, the heads or
-- the balances: whatever it calls, the chain stays whole and the balances
-- hold exactly the sealed lines.

-- Up to most of company's posted entries not sealed yet, sealed: how many,
-- 0 when none waits, NULL when another transaction holds the company's
-- head (a second sealer: the entries are its to link).
CREATE FUNCTION ledger.ledger_seal(company uuid, most integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ledger AS $$
DECLARE
    waiting uuid[];
    head ledger.ledger_chain_heads%ROWTYPE;
    next_entry uuid;
    place bigint;
    prev text;
    sealed uuid[] := ARRAY[]::uuid[];
BEGIN
    IF company IS NULL OR most IS NULL OR most < 1 THEN
        RAISE EXCEPTION 'ledger_seal(company, most): a company, and most at least 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    waiting := ledger.ledger_unsealed_entries(company);
    IF cardinality(waiting) = 0 THEN
        RETURN 0;
    END IF;
    INSERT INTO ledger.ledger_chain_heads (company_id)
    SELECT company WHERE NOT EXISTS (SELECT FROM ledger.ledger_chain_heads h WHERE h.company_id = company)
    ON CONFLICT (company_id) DO NOTHING;
    SELECT * INTO head FROM ledger.ledger_chain_heads h WHERE h.company_id = company
       FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;

    place := head.last_seq;
    prev := head.last_hash;
    -- Found by id (ledger_unsealed_entries() says why); read after the head
    -- was ours, so an entry another sealer linked meanwhile is left out.
    FOR next_entry IN
        SELECT e.id FROM ledger.ledger_entries e
         WHERE e.id = ANY (waiting) AND e.company_id = company AND e.status = 'posted'
           AND e.chain_seq IS NULL
         ORDER BY (SELECT min(l.posting_no) FROM ledger.ledger_lines l WHERE l.entry_id = e.id), e.id
         LIMIT most
    LOOP
        place := place + 1;
        UPDATE ledger.ledger_entries e
           SET chain_seq = place, prev_hash = prev,
               entry_hash = ledger.ledger_chain_hash_form(e.company_id, place, e.number,
                   e.entry_date, e.source, e.memo, e.reference, e.author_id, e.posted_by, e.id, prev)
         WHERE e.id = next_entry AND e.chain_seq IS NULL
        RETURNING e.entry_hash INTO prev;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'ledger_seal: entry % was sealed by someone else', next_entry
                USING ERRCODE = 'serialization_failure';
        END IF;
        sealed := sealed || next_entry;
    END LOOP;
    IF cardinality(sealed) = 0 THEN
        RETURN 0;
    END IF;

    -- Their lines added to their accounts' balances of the day and of the
    -- month, rows taken in one order.
    INSERT INTO ledger.ledger_account_balances AS b
           (company_id, span, starts_on, account_id, debit_minor, credit_minor)
    SELECT l.company_id, s.span,
           CASE s.span WHEN 'day' THEN l.posted_on ELSE date_trunc('month', l.posted_on)::date END,
           l.account_id, sum(l.debit_minor), sum(l.credit_minor)
      FROM ledger.ledger_lines l CROSS JOIN (VALUES ('day'), ('month')) s (span)
     WHERE l.entry_id = ANY (sealed)
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (company_id, span, starts_on, account_id) DO UPDATE
       SET debit_minor = b.debit_minor + excluded.debit_minor,
           credit_minor = b.credit_minor + excluded.credit_minor;

    UPDATE ledger.ledger_chain_heads h
       SET last_seq = place, last_hash = prev, last_entry_id = sealed[cardinality(sealed)],
           updated_at = now()
     WHERE h.company_id = company;
    RETURN cardinality(sealed);
END;
$$;
REVOKE ALL ON FUNCTION ledger.ledger_seal(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.ledger_seal(uuid, integer) TO erp_app;

-- What only the seal writes. erp_app keeps reading all of it; it writes an
-- entry's draft columns when it creates one, and the columns a draft's
-- edit, take-over and posting change (store_entries.c, store_posting.c). A
-- later migration that adds a column the server writes grants it here too.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ledger.ledger_chain_heads FROM erp_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ledger.ledger_account_balances FROM erp_app;
REVOKE INSERT, UPDATE ON ledger.ledger_entries FROM erp_app;
GRANT INSERT (id, company_id, entry_date, memo, reference, source, author_id, reverses_id)
    ON ledger.ledger_entries TO erp_app;
GRANT UPDATE (entry_date, memo, reference, author_id, status, fiscal_year, sequence, number,
              posted_by, posted_at, posted_into_closed_period, version, updated_at)
    ON ledger.ledger_entries TO erp_app;

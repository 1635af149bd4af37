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

-- The canonical form of 20261214000000_ledger_chain but for its last field,
-- the hash before (prev_hash, at the end): what ledger_seal() computes for a
-- whole batch in one statement, then chains in a loop, the hash of each
-- entry being ledger_chain_hash(body, prev). ledger_chain_hash_form() is
-- restated on it, so the form has one definition in SQL; the C one
-- (chain_form.c) is the verifier's, and the tests compare the two.
CREATE FUNCTION ledger.ledger_chain_body(p_company uuid, p_seq bigint, p_number text,
        p_date date, p_source text, p_memo text, p_reference text, p_author uuid, p_poster uuid,
        p_entry uuid) RETURNS bytea
LANGUAGE sql STABLE AS $$
    SELECT convert_to('erp-ledger-chain-v1', 'UTF8')
        || int4send((11 + 6 * l.n)::integer)
        || ledger.ledger_chain_field(p_company::text)
        || ledger.ledger_chain_field(p_seq::text)
        || ledger.ledger_chain_field(p_number)
        || ledger.ledger_chain_field(to_char(p_date, 'YYYY-MM-DD'))
        || ledger.ledger_chain_field(p_source)
        || ledger.ledger_chain_field(p_memo)
        || ledger.ledger_chain_field(p_reference)
        || ledger.ledger_chain_field(p_author::text)
        || ledger.ledger_chain_field(p_poster::text)
        || ledger.ledger_chain_field(l.n::text)
        || coalesce(l.form, '\x'::bytea)
      FROM (SELECT count(*) AS n, string_agg(
                   ledger.ledger_chain_field(x.line_no::text)
                   || ledger.ledger_chain_field(a.code)
                   || ledger.ledger_chain_field(a.currency::text)
                   || ledger.ledger_chain_field(x.debit_minor::text)
                   || ledger.ledger_chain_field(x.credit_minor::text)
                   || ledger.ledger_chain_field(x.description), '\x'::bytea ORDER BY x.line_no) AS form
              FROM ledger.ledger_lines x JOIN ledger.ledger_accounts a ON a.id = x.account_id
             WHERE x.entry_id = p_entry) l
$$;

-- The hash of a body after the hash prev before it (NULL: the first): the
-- step ledger_seal() chains, and ledger_chain_hash_form() restated on it.
CREATE FUNCTION ledger.ledger_chain_hash(body bytea, prev text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(body || ledger.ledger_chain_field(prev)), 'hex')
$$;

CREATE OR REPLACE FUNCTION ledger.ledger_chain_hash_form(p_company uuid, p_seq bigint, p_number text,
        p_date date, p_source text, p_memo text, p_reference text, p_author uuid, p_poster uuid,
        p_entry uuid, p_prev text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT ledger.ledger_chain_hash(ledger.ledger_chain_body(p_company, p_seq, p_number, p_date,
               p_source, p_memo, p_reference, p_author, p_poster, p_entry), p_prev)
$$;

-- Up to most of company's posted entries not sealed yet, sealed: how many,
-- 0 when none waits, NULL when another transaction holds the company's
-- head (a second sealer: the entries are its to link). One statement reads
-- the batch with the bodies of its hashes, in the order the entries took
-- their posting numbers (a plan made once, where a statement per entry
-- made the database plan the form again for each: about twice as slow); the loop
-- chains the hashes; one statement writes the seals. pg_temp named last:
-- else a caller's temporary view or function would be found first by an
-- unqualified name in a trigger that runs inside (ledger_entries_four_eyes()
-- names ledger_settings), with the owner's rights.
CREATE FUNCTION ledger.ledger_seal(company uuid, most integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ledger, pg_temp AS $$
DECLARE
    waiting uuid[];
    head ledger.ledger_chain_heads%ROWTYPE;
    ids uuid[];
    bodies bytea[];
    prevs text[];
    hashes text[];
    prev text;
    linked integer;
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

    -- The entries waiting when the call began, found by id
    -- (ledger_unsealed_entries() says why), read again now that the head is
    -- ours: one another sealer linked meanwhile is left out, and one that
    -- committed meanwhile waits for the next call.
    SELECT array_agg(n.id ORDER BY n.place),
           array_agg(ledger.ledger_chain_body(company, n.place, n.number, n.entry_date, n.source,
                         n.memo, n.reference, n.author_id, n.posted_by, n.id) ORDER BY n.place)
      INTO ids, bodies
      FROM (SELECT e.id, e.number, e.entry_date, e.source, e.memo, e.reference, e.author_id,
                   e.posted_by,
                   head.last_seq + row_number() OVER (ORDER BY k.first_no, e.id) AS place
              FROM ledger.ledger_entries e
              CROSS JOIN LATERAL (SELECT min(l.posting_no) AS first_no FROM ledger.ledger_lines l
                                   WHERE l.entry_id = e.id) k
             WHERE e.id = ANY (waiting) AND e.company_id = company AND e.status = 'posted'
               AND e.chain_seq IS NULL
             ORDER BY k.first_no, e.id LIMIT most) n;
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    prev := head.last_hash;
    prevs := array_fill(NULL::text, ARRAY[cardinality(ids)]);
    hashes := prevs;
    FOR i IN 1 .. cardinality(ids) LOOP
        prevs[i] := prev;
        prev := ledger.ledger_chain_hash(bodies[i], prev);
        hashes[i] := prev;
    END LOOP;

    UPDATE ledger.ledger_entries e
       SET chain_seq = head.last_seq + u.ord, prev_hash = u.prev, entry_hash = u.hash
      FROM unnest(ids, prevs, hashes) WITH ORDINALITY AS u (id, prev, hash, ord)
     WHERE e.id = u.id AND e.chain_seq IS NULL;
    GET DIAGNOSTICS linked = ROW_COUNT;
    IF linked <> cardinality(ids) THEN
        RAISE EXCEPTION 'ledger_seal: % of % entries were sealed by someone else',
            cardinality(ids) - linked, cardinality(ids) USING ERRCODE = 'serialization_failure';
    END IF;

    INSERT INTO ledger.ledger_account_balances AS b
           (company_id, span, starts_on, account_id, debit_minor, credit_minor)
    SELECT l.company_id, s.span,
           CASE s.span WHEN 'day' THEN l.posted_on ELSE date_trunc('month', l.posted_on)::date END,
           l.account_id, sum(l.debit_minor), sum(l.credit_minor)
      FROM ledger.ledger_lines l CROSS JOIN (VALUES ('day'), ('month')) s (span)
     WHERE l.entry_id = ANY (ids)
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (company_id, span, starts_on, account_id) DO UPDATE
       SET debit_minor = b.debit_minor + excluded.debit_minor,
           credit_minor = b.credit_minor + excluded.credit_minor;

    UPDATE ledger.ledger_chain_heads h
       SET last_seq = head.last_seq + cardinality(ids), last_hash = prev,
           last_entry_id = ids[cardinality(ids)], updated_at = now()
     WHERE h.company_id = company;
    RETURN cardinality(ids);
END;
$$;
REVOKE ALL ON FUNCTION ledger.ledger_seal(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.ledger_seal(uuid, integer) TO erp_app;

-- What only the seal writes. erp_app keeps reading all of it; it writes an
-- entry's draft columns when it creates one, and the columns a draft's
-- edit, take-over and posting change (store_entries.c, store_posting.c). A
-- later migration that adds a column the server writes must grant it too.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ledger.ledger_chain_heads FROM erp_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ledger.ledger_account_balances FROM erp_app;
REVOKE INSERT, UPDATE ON ledger.ledger_entries FROM erp_app;
GRANT INSERT (id, company_id, entry_date, memo, reference, source, author_id, reverses_id)
    ON ledger.ledger_entries TO erp_app;
GRANT UPDATE (entry_date, memo, reference, author_id, status, fiscal_year, sequence, number,
              posted_by, posted_at, posted_into_closed_period, version, updated_at)
    ON ledger.ledger_entries TO erp_app;

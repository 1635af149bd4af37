-- The ledger benchmark's data, on top of bench-seed's company BENCH and user
-- bench@example.com: 200 accounts, this year's fiscal periods, a role
-- holding ledger.account.read and ledger.journal.create in BENCH, and a
-- second user who posts.
INSERT INTO ledger_accounts (id, company_id, code, name, type, currency, exponent)
SELECT gen_random_uuid(), c.id, (1000 + n * 10)::text, 'Account ' || n,
       (ARRAY['asset', 'liability', 'equity', 'revenue', 'expense'])[1 + n % 5], 'EUR', 2
FROM companies c, generate_series(0, 199) n WHERE c.code = 'BENCH';

INSERT INTO ledger_periods (id, company_id, fiscal_year, number, starts_on, ends_on)
SELECT gen_random_uuid(), c.id, extract(year FROM now())::int, m,
       make_date(extract(year FROM now())::int, m, 1),
       (make_date(extract(year FROM now())::int, m, 1) + interval '1 month - 1 day')::date
FROM companies c, generate_series(1, 12) m WHERE c.code = 'BENCH';

INSERT INTO roles (id, name) VALUES (gen_random_uuid(), 'bench-ledger');
INSERT INTO role_permissions SELECT id, p FROM roles,
    unnest(ARRAY['ledger.account.read', 'ledger.journal.create']) p WHERE name = 'bench-ledger';
INSERT INTO role_assignments (id, user_id, role_id, company_id)
SELECT gen_random_uuid(), u.id, r.id, c.id FROM users u, roles r, companies c
WHERE u.email = 'bench@example.com' AND r.name = 'bench-ledger' AND c.code = 'BENCH';
-- A second user, who posts what bench@example.com writes (four-eyes: nobody posts their own
-- draft), with the same password: the bench logs in as both.
INSERT INTO users (id, email, display_name, password_hash)
SELECT gen_random_uuid(), 'poster@example.com', 'Bench poster', password_hash
FROM users WHERE email = 'bench@example.com';
INSERT INTO roles (id, name) VALUES (gen_random_uuid(), 'bench-poster');
INSERT INTO role_permissions SELECT id, p FROM roles,
    unnest(ARRAY['ledger.journal.post', 'ledger.journal.read']) p WHERE name = 'bench-poster';
INSERT INTO role_assignments (id, user_id, role_id, company_id)
SELECT gen_random_uuid(), u.id, r.id, c.id FROM users u, roles r, companies c
WHERE u.email = 'poster@example.com' AND r.name = 'bench-poster' AND c.code = 'BENCH';
UPDATE authz_version SET version = version + 1;

-- A database in service has statistics. Without them the planner's choices
-- change when autovacuum first analyzes these tables, in the middle of a run.
ANALYZE;

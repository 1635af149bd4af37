-- pgbench: what GET /companies/BENCH/accounts?limit=50 asks of the database.
-- The session, the permission check and the company's scope come from the
-- server's cache (proved current by a barrier query on its listening
-- connection, which many requests share), so only the page remains.
SELECT coalesce(json_agg(p.j ORDER BY p.n) FILTER (WHERE p.n < 51), '[]'),
       max(p.k1) FILTER (WHERE p.n = 50), max(p.k2) FILTER (WHERE p.n = 50), count(*)
  FROM (SELECT r.j, r.k1, r.k2, row_number() OVER () AS n FROM (
    SELECT json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'type', a.type,
           'currency', a.currency,
           'parent', CASE WHEN a.parent_id IS NOT NULL THEN
             (SELECT p.code FROM ledger_accounts p WHERE p.id = a.parent_id) END,
           'active', a.active, 'version', a.version,
           'created_at', a.created_at, 'updated_at', a.updated_at) AS j,
           a.code AS k1, a.id::text AS k2
      FROM ledger_accounts a
     WHERE a.company_id = :company_id
     ORDER BY a.code LIMIT 51) r) p;

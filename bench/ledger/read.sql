-- pgbench: what GET /companies/BENCH/accounts?limit=50 does in SQL: the
-- token lookup, a permission check, and the page of accounts as JSON.
SELECT s.user_id, (SELECT version FROM authz_version), s.last_seen_at < now() - interval '60 seconds'
  FROM sessions s JOIN users u ON u.id = s.user_id
 WHERE s.token_hash = decode(:token_hash, 'hex') AND s.revoked_at IS NULL AND u.active
   AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => 1800);
SELECT 1 FROM role_assignments ra JOIN role_permissions rp ON rp.role_id = ra.role_id
  JOIN companies c ON c.id = ra.company_id
 WHERE ra.user_id = :user_id AND c.code = 'BENCH' AND rp.permission = 'ledger.account.read';
SELECT coalesce(json_agg(j ORDER BY code), '[]') FROM (
  SELECT json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'type', a.type,
         'currency', a.currency,
         'parent', (SELECT p.code FROM ledger_accounts p WHERE p.id = a.parent_id),
         'active', a.active, 'version', a.version,
         'created_at', a.created_at, 'updated_at', a.updated_at) AS j, a.code
    FROM ledger_accounts a
   WHERE a.company_id = (SELECT id FROM companies WHERE code = 'BENCH')
   ORDER BY a.code LIMIT 51) page;

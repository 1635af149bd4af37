-- The scale-out cluster's data (tools/cluster), on top of bench-seed and
-- bench/ledger/seed.sql: bench@example.com also reads the ledger's reports,
-- and admin@example.com (the same password) administers users globally, for
-- the tests of deactivation across replicas; three spare users to be
-- deactivated or have their password changed.
INSERT INTO role_permissions SELECT id, 'ledger.report.read' FROM roles WHERE name = 'bench-ledger';

INSERT INTO users (id, email, display_name, password_hash)
SELECT gen_random_uuid(), e, 'Cluster ' || e, password_hash
FROM users, unnest(ARRAY['admin@example.com', 'spare1@example.com', 'spare2@example.com',
                         'spare3@example.com']) e
WHERE email = 'bench@example.com';
INSERT INTO roles (id, name) VALUES (gen_random_uuid(), 'cluster-admin');
INSERT INTO role_permissions SELECT id, p FROM roles,
    unnest(ARRAY['iam.user.read', 'iam.user.manage']) p WHERE name = 'cluster-admin';
INSERT INTO role_assignments (id, user_id, role_id, company_id)
SELECT gen_random_uuid(), u.id, r.id, NULL FROM users u, roles r
WHERE u.email = 'admin@example.com' AND r.name = 'cluster-admin';
UPDATE authz_version SET version = version + 1;
ANALYZE;

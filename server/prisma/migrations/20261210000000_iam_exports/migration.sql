-- What IAM exports for other modules (docs/architecture.md, "Tables have
-- owners"): a module reads another owner's data through that owner's public
-- header, or through the views and functions the owner exports, never its
-- tables. The ledger needs two things of IAM's inside statements of its own,
-- where a call through modules/iam/iam.h cannot reach.

-- Whether a user is active, and nothing else of the user: the ledger refuses
-- to post a deactivated author's draft, and lets someone active take it over
-- or a controller discard it. A view: the ledger joins it in the statement
-- that locks the entry, and reads it as of that statement.
CREATE VIEW iam.user_states AS
    SELECT id, active FROM iam.users;
-- Read only: the default privileges of the schema would let erp_app write
-- through this simple view.
REVOKE ALL ON iam.user_states FROM erp_app;
GRANT SELECT ON iam.user_states TO erp_app;

-- A company's row share-locked until the caller's transaction ends; true
-- when the company exists. A posting takes it, so that a change of the
-- company (FOR UPDATE: its currency, which the ledger's trigger refuses once
-- the books have a posted entry) either commits before the posting locks it
-- and is seen, or waits until the posting has committed and then sees it.
-- A function rather than a view: a row lock through a view needs UPDATE on
-- the view, which would make it writable, and the function keeps what the
-- lock means (FOR SHARE, not FOR KEY SHARE, which a currency change would
-- not wait for) IAM's to say. It runs with the caller's rights, which hold
-- UPDATE on iam.companies already (row locks need it).
CREATE FUNCTION iam_company_share_lock(p_company uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM iam.companies WHERE id = p_company FOR SHARE;
    RETURN FOUND;
END;
$$;
REVOKE ALL ON FUNCTION iam_company_share_lock(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION iam_company_share_lock(uuid) TO erp_app;

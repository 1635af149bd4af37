/*
 * The hash chain of posted entries, end to end against the real
 * erp-server-test binary: every posting (manual, reversal, a module's
 * through ledger.h) is sealed after it commits into the next place in its
 * company's chain (sealer.c), links to the hash before it, and its hash is
 * the canonical form's
 * (modules/ledger/chain_form.h) — the server's C computation and the
 * migration's SQL one (ledger_chain_hash_of()) agree on every entry; each
 * company has its own chain and head.
 *
 * Company CH1 and CH2 hold the chains.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver, approver2;

static void books(const char *code)
{
	test_ledger_company(&L, code, "EUR");
	test_ledger_grant(&L, keeper.id, "ch-keeper", code, NULL);
	test_ledger_grant(&L, clerk.id, "ch-clerk", code, NULL);
	test_ledger_grant(&L, approver.id, "ch-approver", code, NULL);
	test_ledger_grant(&L, approver2.id, "ch-approver", code, NULL);
	test_ledger_account(&L, keeper.token, code, "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, code, "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, code, 2026);
}

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_chain", NULL);
	test_ledger_role(&L, "ch-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\",\"ledger.report.read\"]");
	test_ledger_role(&L, "ch-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "ch-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "keeper@chain.test", &keeper);
	test_ledger_user(&L, "clerk@chain.test", &clerk);
	test_ledger_user(&L, "approver@chain.test", &approver);
	test_ledger_user(&L, "approver2@chain.test", &approver2);
	books("CH1");
	books("CH2");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* Posts a draft of amount on date in company; writes its id. */
static void posted(const char *company, const char *date, const char *amount, char id[40])
{
	test_ledger_draft(&L, clerk.token, company, date, "1000", "4000", amount, "Chained", id);
	test_ledger_post(&L, approver.token, company, id, NULL);
}

/* Asserts company's chain: places 1..count, each linked to the one before, each hash as SQL computes it. */
static void assert_chain(const char *company, long long count)
{
	const char *of = test_ledger_path("(SELECT id FROM companies WHERE code = '%s')", company);

	test_ledger_wait_sealed(&L);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE company_id = %s"
					       " AND status = 'posted'", of), count);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(DISTINCT chain_seq) FROM ledger_entries"
					       " WHERE company_id = %s AND chain_seq BETWEEN 1 AND %lld",
					       of, count), count);
	/* Each links to the hash of the one before it; the first to none. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e"
					       " LEFT JOIN ledger_entries b ON b.company_id = e.company_id"
					       "  AND b.chain_seq = e.chain_seq - 1"
					       " WHERE e.company_id = %s AND e.status = 'posted'"
					       "  AND e.prev_hash IS NOT DISTINCT FROM b.entry_hash", of), count);
	/* The server's hash (C, libsodium) is the migration's (SQL) on every entry. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e"
					       " WHERE e.company_id = %s AND e.status = 'posted'"
					       "  AND e.entry_hash = ledger_chain_hash_of(e.id)", of), count);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_chain_heads h"
					       " JOIN ledger_entries e ON e.id = h.last_entry_id"
					       " WHERE h.company_id = %s AND h.last_seq = %lld"
					       "  AND e.chain_seq = %lld AND h.last_hash = e.entry_hash",
					       of, count, count), 1);
}

START_TEST(every_posting_takes_the_next_place_in_its_company_chain)
{
	struct test_response r;
	char a[40], b[40], c[40], other[40];

	posted("CH1", "2026-01-05", "10.00", a);
	posted("CH1", "2026-01-06", "20.00", b);
	posted("CH2", "2026-01-06", "30.00", other);
	/* Descriptions, references and a reversal are chained like the rest. */
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "POST", "/api/v1/companies/CH1/journal-entries",
					  NULL, "{\"date\":\"2026-02-01\",\"memo\":\"With text\","
					  "\"reference\":\"R-1\",\"lines\":[{\"account\":\"1000\",\"debit\":\"1.50\","
					  "\"description\":\"Caf\\u00e9\"},{\"account\":\"4000\",\"credit\":\"1.50\"}]}",
					  &r), 201);
	snprintf(c, sizeof(c), "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	test_ledger_post(&L, approver.token, "CH1", c, NULL);
	ck_assert_int_eq(test_ledger_call(&L, approver2.token, "POST",
					  test_ledger_path("/api/v1/companies/CH1/journal-entries/%s/reverse", a),
					  "If-Match: \"2\"", NULL, NULL), 201);
	assert_chain("CH1", 4);
	assert_chain("CH2", 1);
	/* The first entry has no predecessor; the order is the posting order. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT chain_seq FROM ledger_entries WHERE id = '%s'"
					       " AND prev_hash IS NULL", a), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT chain_seq FROM ledger_entries WHERE id = '%s'", c),
			 3);
	/* Drafts are in no chain. */
	test_ledger_draft(&L, clerk.token, "CH1", "2026-02-02", "1000", "4000", "1.00", "Draft", a);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE id = '%s'"
					       " AND chain_seq IS NULL AND entry_hash IS NULL", a), 1);
}
END_TEST

/*
 * The database keeps the chain's shape whoever writes: a head never goes
 * back, nor forward to anything but a sealed entry; a posted entry takes
 * its seal once, with nothing else changed.
 */
START_TEST(the_database_refuses_a_head_moved_or_a_seal_written_but_by_the_rules)
{
	const char *ch2 = "(SELECT id FROM companies WHERE code = 'CH2')";
	char id[40], waiting[40];
	PGconn *head;

	posted("CH2", "2026-03-01", "5.00", id);
	test_ledger_wait_sealed(&L);
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path("UPDATE ledger_chain_heads"
		" SET last_seq = last_seq - 1 WHERE company_id = %s", ch2)), 0);
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path("UPDATE ledger_chain_heads"
		" SET last_seq = last_seq + 1 WHERE company_id = %s", ch2)), 0);
	ck_assert_int_ne(test_db_exec(L.db_url, "DELETE FROM ledger_chain_heads"), 0);
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path("UPDATE ledger_entries"
		" SET entry_hash = repeat('0', 64) WHERE id = '%s'", id)), 0);

	/* While the company's head is held, its postings commit and wait for their seal. */
	head = test_ledger_begin(&L);
	test_ledger_sql_ok(head, test_ledger_path("SELECT 1 FROM ledger_chain_heads WHERE company_id = %s"
						  " FOR UPDATE", ch2));
	posted("CH2", "2026-03-02", "7.00", waiting);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE id = '%s'"
					       " AND status = 'posted' AND chain_seq IS NULL", waiting), 1);
	/* A seal that changes anything else is refused; so is a seal of a draft. */
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path("UPDATE ledger_entries"
		" SET chain_seq = 99, prev_hash = repeat('1', 64), entry_hash = repeat('2', 64),"
		" memo = 'Changed as it is sealed' WHERE id = '%s'", waiting)), 0);
	test_ledger_draft(&L, clerk.token, "CH2", "2026-03-03", "1000", "4000", "1.00", "Draft", id);
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path("UPDATE ledger_entries"
		" SET chain_seq = 99, prev_hash = repeat('1', 64), entry_hash = repeat('2', 64)"
		" WHERE id = '%s'", id)), 0);
	test_ledger_end(head, "ROLLBACK");
	assert_chain("CH2", 3);
}
END_TEST

/*
 * Two servers on one database, each with its sealer, and postings to one
 * company through both at once, by two approvers: one chain, every entry
 * in it once, each linked to the one before; the second server's last
 * look as it stops leaves nothing unsealed.
 */
START_TEST(two_servers_posting_at_once_seal_one_chain)
{
	enum { POSTINGS = 16 };
	const char *of = "(SELECT id FROM companies WHERE code = 'CH1')";
	struct test_ledger other = L;
	struct test_ledger_pending posts[POSTINGS];
	long long before = test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
						 " WHERE company_id = %s AND status = 'posted'", of);

	ck_assert_int_eq(test_server_start(&other.server, "bin/erp-server-test", L.db_url, NULL), 0);
	memset(posts, 0, sizeof(posts));
	for (int i = 0; i < POSTINGS; i++) {
		char id[40];

		test_ledger_draft(&L, clerk.token, "CH1", "2026-04-01", "1000", "4000",
				  test_ledger_path("%d.00", i + 1), "Two servers", id);
		test_ledger_pending_path(&posts[i], "/api/v1/companies/CH1/journal-entries/%s/post", id);
		posts[i].token = i % 2 ? approver.token : approver2.token;
		posts[i].extra_header = "If-Match: \"1\"";
	}
	for (int i = 0; i < POSTINGS; i++)
		test_ledger_pending_start(i % 2 ? &L : &other, &posts[i]);
	for (int i = 0; i < POSTINGS; i++) {
		test_ledger_pending_join(&posts[i]);
		ck_assert_msg(posts[i].status == 200, "%ld %s", posts[i].status, posts[i].answer);
	}
	ck_assert_int_eq(test_server_stop(&other.server), 0);
	assert_chain("CH1", before + POSTINGS);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/chain");
	TCase *tc = tcase_create("chain");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_posting_takes_the_next_place_in_its_company_chain);
	tcase_add_test(tc, the_database_refuses_a_head_moved_or_a_seal_written_but_by_the_rules);
	tcase_add_test(tc, two_servers_posting_at_once_seal_one_chain);
	suite_add_tcase(s, tc);
	return s;
}

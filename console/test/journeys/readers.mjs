// The pages that only read pass the same checks: an auditor's audit trail
// (filtered), users and roles; a controller's fiscal periods; an account's ledger.
import { USERS } from '../support/seed.mjs';
import { checkPage, go, logIn, newPage, screenshot } from '../support/browser.mjs';
import { eventually, expectText } from '../support/expect.mjs';

export async function readingPagesPassTheChecks({ browser, baseUrl, password, problems, screenshots }) {
	const { context, page } = await newPage(browser, baseUrl, problems);
	await logIn(page, USERS.auditor, password(USERS.auditor));
	await go(page, '#/admin/audit');
	await expectText(page.locator('tbody'), /\w/, 'the audit trail has events');
	await screenshot(page, screenshots, 'audit');
	// Paging follows the API's cursor, and comes back.
	const first = await page.locator('tbody tr').first().innerText();
	await page.getByRole('button', { name: 'Next page' }).click();
	await expectText(page.locator('.pager'), /Page 2/, 'the second page');
	await eventually(() => page.locator('tbody tr').first().innerText(), (row) => row !== first, 'the second page shows other events');
	await page.getByRole('button', { name: 'Previous page' }).click();
	await eventually(() => page.locator('tbody tr').first().innerText(), (row) => row === first, 'back on the first page');
	await checkPage(page, problems, 'audit trail');
	await page.getByLabel('Company').last().fill('DEMO');
	await page.getByRole('button', { name: 'Filter' }).click();
	await eventually(() => page.locator('tbody tr td:nth-child(4)').allInnerTexts(),
		(companies) => companies.length > 0 && companies.every((c) => c === 'DEMO'), 'the audit trail filtered by company');

	await go(page, '#/c/DEMO/periods');
	await expectText(page.locator('tbody'), /open/, 'the fiscal periods');
	await checkPage(page, problems, 'fiscal periods');
	await go(page, '#/c/DEMO/accounts/1200');
	await expectText(page.locator('tbody'), /JE-/, 'the bank account\'s ledger');
	await screenshot(page, screenshots, 'account-ledger');
	await checkPage(page, problems, 'account ledger');
	await go(page, '#/c/DEMO/entries');
	await page.getByLabel('Status').selectOption('posted');
	await page.getByRole('button', { name: 'Filter' }).click();
	await eventually(() => page.locator('tbody tr td:nth-child(4)').allInnerTexts(),
		(statuses) => statuses.length > 0 && statuses.every((s) => s === 'posted'), 'the entries filtered by status');
	await context.close();
}

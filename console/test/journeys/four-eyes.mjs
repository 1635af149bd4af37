// A bookkeeper logs in (after a wrong password, shown as the API words it),
// creates an account and a balanced draft entry; they cannot post it and
// the button says why. An approver, in a second browser context, posts it;
// the trial balance, the profit and loss and the balance sheet (which
// balances) show the amount.
import { readFile } from 'node:fs/promises';
import { USERS } from '../support/seed.mjs';
import { checkPage, go, logIn, newPage, screenshot } from '../support/browser.mjs';
import { expect, expectText } from '../support/expect.mjs';

// The text of the file "Download CSV" saves.
async function downloadedText(page) {
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
	return readFile(await download.path(), 'utf8');
}

export async function bookkeeperWritesAndApproverPosts({ browser, baseUrl, password, problems, screenshots }) {
	const { context, page } = await newPage(browser, baseUrl, problems);
	await page.goto('/console/');
	await page.getByLabel('Email').fill(USERS.bookkeeper);
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Log in' }).click();
	await expectText(page.getByRole('alert'), /./, 'a wrong password is refused with the API\'s words');
	await screenshot(page, screenshots, 'login');
	await checkPage(page, problems, 'login');
	await logIn(page, USERS.bookkeeper, password(USERS.bookkeeper));

	// The menu holds only what an accountant may use.
	const menu = await page.getByRole('navigation', { name: 'Main menu' }).innerText();
	expect(menu.includes('Journal entries') && menu.includes('Chart of accounts'), `bookkeeper's menu: ${menu}`);
	expect(!menu.includes('Users') && !menu.includes('Customer payments'), `bookkeeper's menu shows what they may not use: ${menu}`);

	await go(page, '#/c/DEMO/accounts');
	await page.getByLabel('Code').fill('5310');
	await page.getByLabel('Name').fill('Printer paper');
	await page.getByLabel('Type').selectOption('expense');
	await page.getByLabel('Parent').selectOption('5000');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expectText(page.locator('.tree'), /5310/, 'the new account in the tree');
	await screenshot(page, screenshots, 'accounts');
	await checkPage(page, problems, 'accounts');

	// Next year's periods, ready for when it comes.
	await go(page, '#/c/DEMO/periods');
	await page.getByRole('button', { name: 'Create fiscal year' }).click();
	await expectText(page.locator('tbody'), new RegExp(String(new Date().getUTCFullYear() + 1)), 'next fiscal year\'s periods');
	await checkPage(page, problems, 'fiscal periods (bookkeeper)');

	await go(page, '#/c/DEMO/entries/new');
	await page.getByLabel('Memo').fill('Printer paper for the office');
	await page.getByLabel('Account, line 1').fill('5310');
	await page.getByLabel('Debit, line 1').fill('120.50');
	await page.getByLabel('Account, line 2').fill('1200');
	await page.getByLabel('Credit, line 2').fill('100');
	await expectText(page.locator('tfoot tr'), /difference 20\.50/, 'live totals show the difference');
	await page.getByLabel('Credit, line 2').fill('120.50');
	await expectText(page.locator('tfoot tr'), /balanced/, 'live totals balance');
	await screenshot(page, screenshots, 'entry-editor');
	await checkPage(page, problems, 'entry editor');
	await page.getByRole('button', { name: 'Save draft' }).click();
	await page.getByRole('heading', { name: 'Draft entry' }).waitFor();
	const entryHash = await page.evaluate(() => location.hash);

	const post = page.getByRole('button', { name: 'Post', exact: true });
	expect(await post.isDisabled(), 'the author\'s Post button is disabled');
	await expectText(page.locator('#post-refusal'), /You wrote this entry/, 'the Post button says why');
	await checkPage(page, problems, 'draft entry (author)');
	await screenshot(page, screenshots, 'entry-author-cannot-post');

	// The approver, in a browser context of their own.
	const second = await newPage(browser, baseUrl, problems);
	await logIn(second.page, USERS.approver, password(USERS.approver));
	await go(second.page, entryHash);
	const approverPost = second.page.getByRole('button', { name: 'Post', exact: true });
	expect(!(await approverPost.isDisabled()), 'the approver may post');
	await approverPost.click();
	await second.page.getByRole('heading', { name: /^Entry JE-/ }).waitFor();
	await checkPage(second.page, problems, 'posted entry');

	await go(second.page, '#/c/DEMO/trial-balance');
	await expectText(second.page.locator('tr[data-account="5310"]'), /120\.50/, 'the trial balance shows the posted amount');
	const bank = (await second.page.locator('tr[data-account="1200"] td').last().innerText()).trim();
	await screenshot(second.page, screenshots, 'trial-balance');
	await checkPage(second.page, problems, 'trial balance');

	// The financial statements show the posting: the expense under its parent;
	// the bank account as on the trial balance, the year's result as on the
	// profit and loss (from January 1), and a balance sheet that balances.
	await go(second.page, '#/c/DEMO/profit-and-loss');
	await expectText(second.page.locator('tr[data-account="5310"]'), /120\.50/, 'the profit and loss shows the posted expense');
	await expectText(second.page.locator('tr[data-subtotal="5000"]'), /Total 5000/, 'the parent account closes with its subtotal');
	await second.page.getByLabel('Compare with').selectOption('previous-year');
	await expectText(second.page.locator('thead tr'), new RegExp(`${new Date().getUTCFullYear() - 1}-01-01`), 'the comparison column for the previous year');
	const result = (await second.page.locator('tr[data-result] td').first().innerText()).trim();
	const pnlCsv = await downloadedText(second.page);
	expect(/5310/.test(pnlCsv) && /120\.50/.test(pnlCsv), `the profit and loss CSV has the posted expense: ${pnlCsv.slice(0, 300)}`);
	await screenshot(second.page, screenshots, 'profit-and-loss');
	await checkPage(second.page, problems, 'profit and loss');

	await go(second.page, '#/c/DEMO/balance-sheet');
	await expectText(second.page.locator('tr[data-account="1200"] td').last(), new RegExp(`^${bank.replace('.', '\\.')}$`), 'the balance sheet shows the bank account as the trial balance does');
	await expectText(second.page.locator('tr[data-year-result] td').first(), new RegExp(`^${result.replace('.', '\\.')}$`), 'the current year\'s result in equity is the profit and loss\'s result');
	await expectText(second.page.locator('.verdict'), /^Balanced/, 'the balance sheet balances');
	await second.page.getByLabel('Compare with').selectOption('previous-period');
	await expectText(second.page.locator('thead tr'), /\d{4}-\d\d-\d\d.*\d{4}-\d\d-\d\d/s, 'the comparison column for the previous period');
	const sheetCsv = await downloadedText(second.page);
	expect(sheetCsv.includes('1200') && sheetCsv.includes(bank), `the balance sheet CSV has the bank account's ${bank}: ${sheetCsv.slice(0, 300)}`);
	await screenshot(second.page, screenshots, 'balance-sheet');
	await checkPage(second.page, problems, 'balance sheet');

	await go(second.page, '#/c/DEMO/entries');
	await screenshot(second.page, screenshots, 'entries');
	await checkPage(second.page, problems, 'entry list');
	await context.close();
	await second.context.close();
}

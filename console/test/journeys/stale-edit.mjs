// Two windows edit the same draft: the second save is refused (If-Match),
// the console says someone changed it and offers the current version.
import { USERS } from '../support/seed.mjs';
import { checkPage, go, logIn, newPage, screenshot } from '../support/browser.mjs';
import { expect, expectText } from '../support/expect.mjs';

export async function staleEditIsCaught({ browser, baseUrl, password, problems, screenshots }) {
	const a = await newPage(browser, baseUrl, problems);
	const b = await newPage(browser, baseUrl, problems);
	await logIn(a.page, USERS.bookkeeper, password(USERS.bookkeeper));
	await logIn(b.page, USERS.bookkeeper, password(USERS.bookkeeper));

	await go(a.page, '#/c/DEMO/entries/new');
	await a.page.getByLabel('Memo').fill('Coffee beans');
	await a.page.getByLabel('Account, line 1').fill('5300');
	await a.page.getByLabel('Debit, line 1').fill('30');
	await a.page.getByLabel('Account, line 2').fill('1100');
	await a.page.getByLabel('Credit, line 2').fill('30');
	await a.page.getByRole('button', { name: 'Save draft' }).click();
	await a.page.getByRole('heading', { name: 'Draft entry' }).waitFor();
	const hash = await a.page.evaluate(() => location.hash);

	await go(b.page, hash);
	await b.page.getByLabel('Memo').fill('Coffee beans, two bags');
	await b.page.getByRole('button', { name: 'Save changes' }).click();
	await expectText(b.page.locator('p.muted'), /version 2/, 'the other window saved version 2');

	await a.page.getByLabel('Memo').fill('Coffee beans (fair trade)');
	await a.page.getByRole('button', { name: 'Save changes' }).click();
	await expectText(a.page.locator('.conflict'), /Someone changed this entry.*version 2.*by you, in another window or tab/s, 'the stale save is caught, and by whom');
	await screenshot(a.page, screenshots, 'stale-edit');
	await checkPage(a.page, problems, 'stale edit');
	await a.page.getByRole('button', { name: 'Reload the current version' }).click();
	await expectText(a.page.locator('p.muted'), /version 2/, 'reloaded to version 2');
	expect(await a.page.getByLabel('Memo').inputValue() === 'Coffee beans, two bags', 'the reload shows the other window\'s memo');
	await a.context.close();
	await b.context.close();
}

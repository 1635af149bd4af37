// A sales clerk writes an invoice (the server prices it), a sales manager
// posts it; partners and credit notes pages pass the same checks.
import { USERS } from '../support/seed.mjs';
import { checkPage, go, logIn, newPage, screenshot } from '../support/browser.mjs';
import { expectText } from '../support/expect.mjs';

export async function invoiceIsPricedByTheServerAndPosted({ browser, baseUrl, password, problems, screenshots }) {
	const clerk = await newPage(browser, baseUrl, problems);
	await logIn(clerk.page, USERS.sales, password(USERS.sales));
	await go(clerk.page, '#/c/DEMO/invoices/new');
	await clerk.page.getByLabel('Customer', { exact: true }).selectOption('ACME');
	await clerk.page.getByLabel('Description, line 1').fill('Consulting day');
	await clerk.page.getByLabel('Quantity, line 1').fill('2');
	await clerk.page.getByLabel('Unit price, line 1').fill('400.00');
	await clerk.page.getByLabel('Revenue account, line 1').fill('4200');
	await clerk.page.getByLabel('Tax code, line 1').fill('VAT19');
	await checkPage(clerk.page, problems, 'invoice editor');
	await clerk.page.getByRole('button', { name: 'Save draft' }).click();
	await expectText(clerk.page.locator('.invoice-total'), /952\.00/, 'the server\'s total (800 + 19% VAT)');
	await screenshot(clerk.page, screenshots, 'invoice');
	await checkPage(clerk.page, problems, 'draft invoice');
	const hash = await clerk.page.evaluate(() => location.hash);

	const manager = await newPage(browser, baseUrl, problems);
	await logIn(manager.page, USERS.manager, password(USERS.manager));
	await go(manager.page, hash);
	await manager.page.getByRole('button', { name: 'Post invoice' }).click();
	await manager.page.getByRole('heading', { name: /^Invoice / }).waitFor();
	await go(manager.page, '#/c/DEMO/partners');
	await expectText(manager.page.locator('tbody'), /ACME/, 'the partners');
	await checkPage(manager.page, problems, 'partners');
	await go(manager.page, '#/c/DEMO/invoices');
	await checkPage(manager.page, problems, 'invoices');

	await go(clerk.page, '#/c/DEMO/credit-notes');
	await checkPage(clerk.page, problems, 'credit notes');
	await clerk.context.close();
	await manager.context.close();
}

// A cashier double-clicks "Post payment": one payment is booked (the form's
// Idempotency-Key, and the button busy while the first click is in flight).
import { USERS, apiAs } from '../support/seed.mjs';
import { checkPage, go, logIn, newPage, screenshot } from '../support/browser.mjs';
import { expect, expectText } from '../support/expect.mjs';

export async function doubleClickedPaymentBooksOnce({ browser, baseUrl, password, problems, screenshots }) {
	const { context, page } = await newPage(browser, baseUrl, problems);
	await logIn(page, USERS.cashier, password(USERS.cashier));
	await go(page, '#/c/DEMO/payments/new');
	await page.getByLabel('Customer', { exact: true }).selectOption('ACME');
	await page.getByLabel('Amount').fill('100.00');
	await page.getByLabel('Bank account').fill('1200');
	await page.getByLabel('Allocate').selectOption('chosen');
	await page.getByLabel(/^Allocate to /).first().fill('100.00');
	await screenshot(page, screenshots, 'payment-form');
	await checkPage(page, problems, 'payment form');
	await page.getByRole('button', { name: 'Post payment' }).dblclick();
	await page.getByRole('heading', { name: /^Payment PAY-/ }).waitFor();
	await checkPage(page, problems, 'payment');

	const cashier = await apiAs(baseUrl, USERS.cashier, password(USERS.cashier));
	const payments = await cashier.call('GET', '/api/v1/companies/DEMO/customer-payments?limit=50');
	expect(payments.items.length === 1, `one payment booked, found ${payments.items.length}`);
	expect(payments.items[0].amount === '100.00', `its amount: ${payments.items[0].amount}`);

	await go(page, '#/c/DEMO/payments');
	await expectText(page.locator('tbody tr'), /PAY-/, 'the payment in the list');
	await checkPage(page, problems, 'payment list');
	for (const [hash, name] of [['#/c/DEMO/aging', 'aging'], ['#/c/DEMO/statement', 'statement']]) {
		await go(page, hash);
		if (name === 'statement') await page.getByLabel('Customer', { exact: true }).selectOption('ACME');
		await expectText(page.locator('table.report'), /ACME/, `the ${name} shows the customer`);
		await screenshot(page, screenshots, name);
		await checkPage(page, problems, name);
	}
	await context.close();
}

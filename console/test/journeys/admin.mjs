// An administrator creates a user, deactivates and reactivates them, sees
// roles, and is refused (in plain words) a grant that would break the
// segregation of duties.
import { USERS } from '../support/seed.mjs';
import { checkPage, go, logIn, newPage, screenshot } from '../support/browser.mjs';
import { expect, expectText } from '../support/expect.mjs';

export async function administratorManagesUsersAndRoles({ browser, baseUrl, password, problems, screenshots }) {
	const { context, page } = await newPage(browser, baseUrl, problems);
	await logIn(page, USERS.admin, password(USERS.admin));
	const menu = await page.getByRole('navigation', { name: 'Main menu' }).innerText();
	expect(menu.includes('Users') && menu.includes('Roles') && !menu.includes('Journal entries'), `administrator's menu: ${menu}`);

	await go(page, '#/admin/users');
	await page.getByLabel('Email', { exact: true }).last().fill('new.clerk@example.com');
	await page.getByLabel('Display name').fill('Nina Newclerk');
	await page.getByLabel(/First password/).fill('a-long-first-password-42');
	await page.getByRole('button', { name: 'Create user' }).click();
	await expectText(page.locator('tbody'), /new\.clerk@example\.com/, 'the new user in the list');
	await screenshot(page, screenshots, 'users');
	await checkPage(page, problems, 'users');

	await page.getByRole('link', { name: 'new.clerk@example.com' }).click();
	await page.getByRole('button', { name: 'Deactivate new.clerk@example.com' }).click();
	await expectText(page.locator('p.muted'), /deactivated/, 'deactivated');
	await page.getByRole('button', { name: 'Reactivate new.clerk@example.com' }).click();
	await expectText(page.locator('p.muted'), /active/, 'reactivated');
	await checkPage(page, problems, 'user');

	// The bookkeeper writes entries: the approver role would let them post their own.
	await go(page, '#/admin/users');
	await page.getByRole('link', { name: USERS.bookkeeper, exact: true }).click();
	await page.getByLabel('Role', { exact: true }).selectOption('approver');
	await page.getByLabel('Company').last().selectOption('DEMO');
	await page.getByRole('button', { name: 'Grant' }).click();
	await expectText(page.locator('.problem'), /Refused to keep duties apart/, 'the segregation-of-duties refusal in plain words');
	await screenshot(page, screenshots, 'sod-refusal');
	await checkPage(page, problems, 'grant refused');

	await go(page, '#/admin/roles');
	await expectText(page.locator('tbody'), /accountant/, 'the roles');
	await checkPage(page, problems, 'roles');
	await context.close();
}

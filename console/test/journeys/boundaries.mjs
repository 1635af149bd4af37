// What the console must not do: show another company's account to someone
// who holds no role there, keep working after the session has ended, or
// leave the session alive after logging out.
import { USERS, apiAs } from '../support/seed.mjs';
import { checkPage, go, logIn, newPage } from '../support/browser.mjs';
import { expect, expectText } from '../support/expect.mjs';

// The token the console received, read from the login answer on the wire.
function captureToken(page) {
	const seen = { token: null };
	page.on('response', async (r) => {
		if (r.url().endsWith('/api/v1/auth/login') && r.ok()) seen.token = (await r.json()).token;
	});
	return seen;
}

// Failed logins beyond the limit are throttled; the page says so as the API does.
export async function loginThrottlingIsShown({ browser, baseUrl, problems }) {
	const { context, page } = await newPage(browser, baseUrl, problems);
	await page.goto('/console/');
	let status = 0;
	page.on('response', (r) => { if (r.url().endsWith('/api/v1/auth/login')) status = r.status(); });
	for (let i = 0; i < 8 && status !== 429; i++) {
		await page.getByLabel('Email').fill('controller@example.com');
		await page.getByLabel('Password').fill(`wrong password ${i}`);
		await page.getByRole('button', { name: 'Log in' }).click();
		await page.getByRole('alert').waitFor();
		await page.waitForLoadState('networkidle');
	}
	expect(status === 429, `the API did not throttle: last status ${status}`);
	await expectText(page.getByRole('alert'), /too many|try again/i, 'the throttling shown as the API words it');
	await checkPage(page, problems, 'login throttled');
	await context.close();
}

export async function anotherCompanyIsNotReachable({ browser, baseUrl, password, problems }) {
	const { context, page } = await newPage(browser, baseUrl, problems);
	const seen = captureToken(page);
	await logIn(page, USERS.bookkeeper, password(USERS.bookkeeper));
	const switcher = await page.getByLabel('Company').innerText();
	expect(!switcher.includes('OTHER'), `the switcher lists only the caller's companies: ${switcher}`);
	const requests = [];
	page.on('request', (r) => { if (r.url().includes('/companies/OTHER')) requests.push(r.url()); });
	await go(page, '#/c/OTHER/accounts/1000');
	await expectText(page.getByRole('alert'), /no access to the company OTHER/, 'another company by URL');
	await checkPage(page, problems, 'no access');
	expect(requests.length === 0, `the console asked for OTHER's data: ${requests.join(', ')}`);
	// And the API itself refuses the same token.
	const r = await fetch(`${baseUrl}/api/v1/companies/OTHER/accounts/1000`, { headers: { Authorization: `Bearer ${seen.token}` } });
	expect(r.status === 403 || r.status === 404, `the API answered ${r.status} for OTHER's account`);
	// The account exists: its own bookkeeper reads it.
	const other = await apiAs(baseUrl, USERS.other, password(USERS.other));
	expect((await other.call('GET', '/api/v1/companies/OTHER/accounts/1000')).code === '1000', 'OTHER has the account');
	await context.close();
}

export async function sessionExpiryReturnsToLogin({ browser, baseUrl, password, problems, screenshots }) {
	const { context, page } = await newPage(browser, baseUrl, problems);
	const seen = captureToken(page);
	await logIn(page, USERS.bookkeeper, password(USERS.bookkeeper));
	await go(page, '#/c/DEMO/entries');
	// The session ends on the server (as when it expires or is ended elsewhere).
	const ended = await fetch(`${baseUrl}/api/v1/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${seen.token}` } });
	expect(ended.ok, `logout from outside: ${ended.status}`);
	await page.getByRole('link', { name: 'Chart of accounts' }).click();
	await expectText(page.getByRole('status'), /session has ended/, 'back to login, saying why');
	await page.getByRole('button', { name: 'Log in' }).waitFor();
	await checkPage(page, problems, 'login after expiry');
	await context.close();
}

export async function logoutEndsTheSession({ browser, baseUrl, password, problems }) {
	const { context, page } = await newPage(browser, baseUrl, problems);
	const seen = captureToken(page);
	await logIn(page, USERS.approver, password(USERS.approver));
	const cookies = await context.cookies();
	expect(cookies.length === 0, `the console set cookies: ${cookies.map((c) => c.name).join(', ')}`);
	const storage = await page.evaluate(() => localStorage.length + sessionStorage.length);
	expect(storage === 0, 'the console stored something in web storage');
	await page.getByRole('button', { name: 'Log out' }).click();
	await expectText(page.getByRole('status'), /logged out/, 'the login page after logout');
	const r = await fetch(`${baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${seen.token}` } });
	expect(r.status === 401, `the token still works after logout: ${r.status}`);
	await context.close();
}

// Chromium (Debian's, through playwright-core) and what every journey checks
// on every page: no Content-Security-Policy violation, no script error, no
// serious or critical axe-core violation, every control reachable by Tab.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const CHROMIUM = process.env.ERP_CHROMIUM || '/usr/bin/chromium';

export async function launch() {
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

// Records violations as the page reports them: the event, and the console line.
function watchCsp() {
	window.__cspViolations = [];
	document.addEventListener('securitypolicyviolation', (e) => {
		window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
	});
}

export class Problems {
	constructor() { this.list = []; }
	add(text) { this.list.push(text); }
}

export async function newPage(browser, baseUrl, problems) {
	const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 860 } });
	const page = await context.newPage();
	await page.addInitScript(watchCsp);
	// Injected by the debugging protocol before the page's own scripts: an inline
	// <script> (or eval) would rightly be refused by the console's policy.
	await page.addInitScript({ content: AXE_SOURCE });
	page.on('console', (m) => {
		if (/Content[- ]Security[- ]Policy/i.test(m.text())) problems.add(`CSP (console): ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.add(`script error: ${e.message}`));
	page.on('response', (r) => { if (r.status() >= 500) problems.add(`${r.status()} from ${r.url()}`); });
	return { context, page };
}

export async function logIn(page, email, password) {
	await page.goto('/console/');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.getByRole('button', { name: 'Log out' }).waitFor();
}

export async function go(page, hash) {
	await page.evaluate((h) => { location.hash = h; }, hash);
	await page.waitForLoadState('networkidle');
}

// axe-core on the page as it is; serious and critical violations fail.
export async function checkPage(page, problems, name) {
	await page.waitForLoadState('networkidle');
	const violations = await page.evaluate(async () => {
		const result = await window.axe.run(document, { resultTypes: ['violations'] });
		return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
	});
	for (const v of violations) problems.add(`axe on ${name}: ${v}`);
	const csp = await page.evaluate(() => window.__cspViolations || []);
	for (const v of csp) problems.add(`CSP on ${name}: ${v}`);
	await checkKeyboard(page, problems, name);
}

// Every enabled link, button and field of the page gets the focus by Tab alone.
async function checkKeyboard(page, problems, name) {
	const wanted = await page.evaluate(() => {
		const all = [...document.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled])')];
		all.forEach((el, i) => el.setAttribute('data-kb', String(i)));
		return all.length;
	});
	// Start from the page's first control, as a person's first Tab would.
	await page.evaluate(() => document.querySelector('[data-kb="0"]')?.focus());
	const seen = new Set(wanted ? ['0'] : []);
	for (let i = 0; i < 2 * wanted + 5 && seen.size < wanted; i++) {
		await page.keyboard.press('Tab');
		const id = await page.evaluate(() => document.activeElement?.getAttribute('data-kb'));
		if (id !== null && id !== undefined) seen.add(id);
	}
	if (seen.size < wanted) {
		const missed = await page.evaluate((got) => [...document.querySelectorAll('[data-kb]')]
			.filter((el) => !got.includes(el.getAttribute('data-kb'))).slice(0, 5).map((el) => el.outerHTML.slice(0, 80)), [...seen]);
		problems.add(`keyboard on ${name}: ${wanted - seen.size} of ${wanted} controls not reached by Tab, e.g. ${missed.join(' | ')}`);
	}
}

export async function screenshot(page, dir, name) {
	if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: false });
}

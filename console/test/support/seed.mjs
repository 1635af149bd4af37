// Who and what the journeys need, made the way an operator makes them: the
// admin scripts (the system roles, an administrator, the demo company and a
// second company, each user with their role), then order-to-cash data
// through the public API. Scripts run with a clean environment, as the C
// suites' script fixture runs them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const USERS = {
	admin: 'admin@example.com',
	bookkeeper: 'bookkeeper@example.com',
	approver: 'approver@example.com',
	sales: 'sales@example.com',
	manager: 'manager@example.com',
	cashier: 'cashier@example.com',
	other: 'other-bookkeeper@example.com',
	auditor: 'auditor@example.com',
};

function script(build, stack, name, args, extraEnv = {}) {
	execFileSync(join(build, `bin/erp-${name}`), [...args, '--executor', 'console tests'], {
		env: { PATH: process.env.PATH, ERP_DATABASE_URL: stack.databaseUrl, ...extraEnv },
		stdio: ['ignore', 'ignore', 'inherit'],
	});
}

export function seed(repo, build, stack) {
	const passwords = join(stack.work, 'passwords');
	mkdirSync(passwords, { mode: 0o700 });
	const demo = JSON.parse(readFileSync(join(repo, 'server/prisma/seed/demo-company.json'), 'utf8'));
	demo.users.push(
		{ email: USERS.sales, name: 'Sam Sales', role: 'sales-clerk' },
		{ email: USERS.manager, name: 'Mia Manager', role: 'sales-manager' },
		{ email: USERS.cashier, name: 'Cal Cashier', role: 'cashier' },
		{ email: USERS.auditor, name: 'Aud Auditor', role: 'auditor' },
	);
	const other = {
		company: { code: 'OTHER', name: 'Other Holding GmbH', currency: 'EUR' },
		users: [{ email: USERS.other, name: 'Otto Other', role: 'accountant' }],
		accounts: demo.accounts.slice(0, 5),
		entries: [],
	};
	writeFileSync(join(stack.work, 'demo.json'), JSON.stringify(demo));
	writeFileSync(join(stack.work, 'other.json'), JSON.stringify(other));
	script(build, stack, 'seed-roles', ['--env', 'test']);
	const adminPassword = 'console-tests-admin-password-1';
	script(build, stack, 'seed-admin', ['--env', 'test', '--email', USERS.admin, '--if-absent'], { ERP_SEED_ADMIN_PASSWORD: adminPassword });
	script(build, stack, 'seed-demo', ['--env', 'development', '--passwords', passwords, '--data', join(stack.work, 'demo.json')]);
	script(build, stack, 'seed-demo', ['--env', 'development', '--passwords', passwords, '--data', join(stack.work, 'other.json')]);
	// The audit trail is read across companies: the auditor's role, globally too.
	script(build, stack, 'grant-role', ['--env', 'development', '--email', USERS.auditor, '--role', 'auditor']);
	const password = (email) => (email === USERS.admin ? adminPassword : readFileSync(join(passwords, email), 'utf8').trim());
	return { password };
}

// A logged-in API client for setup and for checking what the browser did.
export async function apiAs(baseUrl, email, password) {
	const login = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
	if (!login.ok) throw new Error(`login ${email}: ${login.status} ${await login.text()}`);
	const { token } = await login.json();
	const call = async (method, path, body, headers = {}) => {
		const r = await fetch(`${baseUrl}${path}`, { method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers }, body: body ? JSON.stringify(body) : undefined });
		const data = (r.headers.get('Content-Type') || '').includes('json') ? await r.json() : await r.text();
		if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
		return data;
	};
	return { token, call };
}

// A customer with a posted invoice, for the payment and report journeys.
export async function seedReceivables(baseUrl, password) {
	const manager = await apiAs(baseUrl, USERS.manager, password(USERS.manager));
	const sales = await apiAs(baseUrl, USERS.sales, password(USERS.sales));
	const c = '/api/v1/companies/DEMO';
	await manager.call('POST', `${c}/tax-codes`, { code: 'VAT19', name: 'VAT 19%', rate: '19', output_account: '2200' });
	await manager.call('POST', `${c}/partners`, { code: 'ACME', name: 'Acme Retail', roles: ['customer'], receivable_account: '1300', payment_terms_days: 30 });
	const today = new Date().toISOString().slice(0, 10);
	const invoice = await sales.call('POST', `${c}/sales-invoices`, { partner: 'ACME', date: today,
		lines: [{ description: 'Widgets', quantity: '10', unit_price: '25.00', revenue_account: '4100', tax_code: 'VAT19' }] });
	const posted = await manager.call('POST', `${c}/sales-invoices/${invoice.id}/post`, {}, { 'If-Match': `"${invoice.version}"` });
	return { invoice: posted };
}

// The menu: each item names the permission it needs, in the company chosen
// or globally; the caller sees only those they hold (from /api/v1/me). The
// server checks again on every request: hiding is for clarity, not security.
import { holds, holdsGlobally } from './session.js';

export const MENU = [
	{ section: 'Ledger', label: 'Chart of accounts', page: 'accounts', permission: 'ledger.account.read' },
	{ section: 'Ledger', label: 'Journal entries', page: 'entries', permission: 'ledger.journal.read' },
	{ section: 'Ledger', label: 'Fiscal periods', page: 'periods', permission: 'ledger.period.read' },
	{ section: 'Ledger', label: 'Trial balance', page: 'trial-balance', permission: 'ledger.report.read' },
	{ section: 'Ledger', label: 'Profit and loss', page: 'profit-and-loss', permission: 'ledger.report.read' },
	{ section: 'Ledger', label: 'Balance sheet', page: 'balance-sheet', permission: 'ledger.report.read' },
	{ section: 'Order to cash', label: 'Partners', page: 'partners', permission: 'partners.partner.read' },
	{ section: 'Order to cash', label: 'Sales invoices', page: 'invoices', permission: 'sales.invoice.read' },
	{ section: 'Order to cash', label: 'Credit notes', page: 'credit-notes', permission: 'sales.invoice.read' },
	{ section: 'Order to cash', label: 'Customer payments', page: 'payments', permission: 'sales.payment.read' },
	{ section: 'Order to cash', label: 'Receivables aging', page: 'aging', permission: 'sales.report.read' },
	{ section: 'Order to cash', label: 'Customer statement', page: 'statement', permission: 'sales.report.read' },
	{ section: 'Administration', label: 'Users', page: 'users', permission: 'iam.user.read', global: true },
	{ section: 'Administration', label: 'Roles', page: 'roles', permission: 'iam.role.read', global: true },
	{ section: 'Administration', label: 'Audit trail', page: 'audit', permission: 'iam.audit.read', global: true },
];

export function menuFor(me, company) {
	return MENU.filter((item) => (item.global ? holdsGlobally(me, item.permission) : holds(me, company, item.permission)));
}

export const itemPath = (item, company) => (item.global ? `/admin/${item.page}` : `/c/${company}/${item.page}`);

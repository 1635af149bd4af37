// Which component draws which page of the menu (menu.js).
import { AccountsPage } from './accounts.js';
import { EntriesPage } from './entries.js';
import { PeriodsPage } from './periods.js';
import { TrialBalancePage } from './trial-balance.js';
import { PartnersPage } from './partners.js';
import { InvoicesPage } from './invoices.js';
import { CreditNotesPage } from './credit-notes.js';
import { PaymentsPage } from './payments.js';
import { AgingPage } from './aging.js';
import { StatementPage } from './statement.js';
import { UsersPage } from './users.js';
import { RolesPage } from './roles.js';
import { AuditPage } from './audit.js';

export const PAGES = {
	accounts: AccountsPage,
	entries: EntriesPage,
	periods: PeriodsPage,
	'trial-balance': TrialBalancePage,
	partners: PartnersPage,
	invoices: InvoicesPage,
	'credit-notes': CreditNotesPage,
	payments: PaymentsPage,
	aging: AgingPage,
	statement: StatementPage,
	users: UsersPage,
	roles: RolesPage,
	audit: AuditPage,
};

// The journeys, in the order they run (later ones may rely on earlier ones' data).
import { bookkeeperWritesAndApproverPosts } from './four-eyes.mjs';
import { staleEditIsCaught } from './stale-edit.mjs';
import { doubleClickedPaymentBooksOnce } from './payment.mjs';
import { anotherCompanyIsNotReachable, loginThrottlingIsShown, logoutEndsTheSession, sessionExpiryReturnsToLogin } from './boundaries.mjs';
import { administratorManagesUsersAndRoles } from './admin.mjs';
import { invoiceIsPricedByTheServerAndPosted } from './order-to-cash.mjs';
import { readingPagesPassTheChecks } from './readers.mjs';

export const JOURNEYS = {
	'a bookkeeper writes a draft, cannot post it; an approver posts it; the trial balance shows it': bookkeeperWritesAndApproverPosts,
	'a stale edit is caught and the current version offered': staleEditIsCaught,
	'a double-clicked "Post payment" books once': doubleClickedPaymentBooksOnce,
	'an account of another company is not reachable by URL': anotherCompanyIsNotReachable,
	'session expiry returns to login': sessionExpiryReturnsToLogin,
	'login throttling is shown as the API words it': loginThrottlingIsShown,
	'logout ends the session on the server; no cookie, no storage': logoutEndsTheSession,
	'an administrator manages users; a segregation-of-duties refusal is said plainly': administratorManagesUsersAndRoles,
	'a sales invoice is priced by the server and posted': invoiceIsPricedByTheServerAndPosted,
	'the audit trail, fiscal periods, an account ledger and the entry filters': readingPagesPassTheChecks,
};

// Grants waiting for a second administrator: approve or reject.
import { html } from '../html.js';
import { api } from '../api.js';
import { holdsGlobally } from '../session.js';
import { ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { useSubmit } from '../ui/use-submit.js';
import { dayOf } from '../ui/dates.js';

export function GrantRequests({ me }) {
	const list = usePagedList('/api/v1/role-grant-requests', { status: 'pending' });
	const decide = useSubmit(async ([request, decision]) => {
		await api('POST', `/api/v1/role-grant-requests/${request.id}/${decision}`);
		list.reload();
	});
	const manage = holdsGlobally(me, 'iam.assignment.manage');
	return html`<section class="card"><h2>Grants waiting for approval</h2>
		<${ProblemBanner} error=${decide.error || list.error} />
		<table><thead><tr><th>User</th><th>Role</th><th>Company</th><th>Reason</th><th>Asked</th><th><span class="visually-hidden">Decision</span></th></tr></thead>
		<tbody>${list.items.filter((r) => r.status === 'pending').map((r) => html`<tr><td>${r.user}</td><td>${r.role}</td><td>${r.company || 'global'}</td>
			<td>${r.reason || ''}</td><td>${dayOf(r.requested_at)}</td>
			<td>${manage ? html`<button type="button" onClick=${() => decide.submit([r, 'approve'])}>Approve</button>
				<button type="button" onClick=${() => decide.submit([r, 'reject'])}>Reject</button>` : ''}</td></tr>`)}</tbody></table>
		${list.pager}</section>`;
}

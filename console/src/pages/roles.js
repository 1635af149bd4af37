// Roles and the permissions each grants.
import { html } from '../html.js';
import { ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';

export function RolesPage() {
	const list = usePagedList('/api/v1/roles', {}, 50);
	return html`<h1>Roles</h1>
		<${ProblemBanner} error=${list.error} />
		<table><thead><tr><th>Role</th><th>Description</th><th>Permissions</th></tr></thead>
		<tbody>${list.items.map((r) => html`<tr><td>${r.name}${r.system ? html` <span class="muted">(system)</span>` : ''}</td><td>${r.description}</td>
			<td><ul class="plain">${r.permissions.map((p) => html`<li><code>${p}</code></li>`)}</ul></td></tr>`)}</tbody></table>
		${list.pager}`;
}

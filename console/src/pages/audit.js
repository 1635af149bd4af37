// The audit trail, newest first, with its filters.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { when } from '../ui/dates.js';

const FILTERS = [['company', 'Company'], ['actor', 'Actor (user id)'], ['entity', 'Entity'], ['action', 'Action']];

export function AuditPage() {
	const empty = { company: '', actor: '', entity: '', action: '', from: '', to: '' };
	const [draft, setDraft] = useState(empty);
	const [filters, setFilters] = useState(empty);
	const list = usePagedList('/api/v1/audit-events', filters);
	const set = (name) => (e) => setDraft({ ...draft, [name]: e.target.value });
	return html`<h1>Audit trail</h1>
		<form class="filters" aria-label="Filter the audit trail" onSubmit=${(e) => { e.preventDefault(); setFilters(draft); }}>
			${FILTERS.map(([name, label]) => html`<label>${label} <input value=${draft[name]} onInput=${set(name)} size="12" /></label>`)}
			<label>From <input type="date" value=${draft.from} onChange=${set('from')} /></label>
			<label>To <input type="date" value=${draft.to} onChange=${set('to')} /></label>
			<button type="submit">Filter</button>
		</form>
		<${ProblemBanner} error=${list.error} />
		<table><thead><tr><th>When</th><th>Action</th><th>Entity</th><th>Company</th><th>Actor</th><th>Reason</th></tr></thead>
		<tbody>${list.items.map((e) => html`<tr><td>${when(e.occurred_at)}</td><td>${e.action}</td><td>${e.entity}${e.entity_id ? ` ${e.entity_id.slice(0, 8)}` : ''}</td>
			<td>${e.company || ''}</td><td>${e.actor_id ? e.actor_id.slice(0, 8) : 'system'}</td><td>${e.reason || ''}</td></tr>`)}</tbody></table>
		${list.pager}`;
}

// Journal entries: the list with its filters and cursor paging; "new" and
// an entry's id open the editor (entry.js).
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { companyPath } from '../api.js';
import { link } from '../router.js';
import { holds } from '../session.js';
import { ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { EntryPage } from './entry.js';

function Filters({ filters, onChange }) {
	const [draft, setDraft] = useState(filters);
	const set = (name) => (e) => setDraft({ ...draft, [name]: e.target.value });
	return html`<form class="filters" aria-label="Filter entries" onSubmit=${(e) => { e.preventDefault(); onChange(draft); }}>
		<label>Status <select value=${draft.status} onChange=${set('status')}>
			<option value="">any</option><option value="draft">draft</option><option value="posted">posted</option>
		</select></label>
		<label>From <input type="date" value=${draft.from} onChange=${set('from')} /></label>
		<label>To <input type="date" value=${draft.to} onChange=${set('to')} /></label>
		<label>Number <input value=${draft.number} onInput=${set('number')} size="14" /></label>
		<label>Account <input value=${draft.account} onInput=${set('account')} size="8" /></label>
		<button type="submit">Filter</button>
	</form>`;
}

// entries/new and entries/<id> open the editor.
export function EntriesPage({ me, company, rest }) {
	return rest[0] ? html`<${EntryPage} me=${me} company=${company} id=${rest[0]} />` : html`<${EntryList} me=${me} company=${company} />`;
}

function EntryList({ me, company }) {
	const [filters, setFilters] = useState({ status: '', from: '', to: '', number: '', account: '' });
	const list = usePagedList(companyPath(company, '/journal-entries'), filters);
	return html`<h1>Journal entries</h1>
		${holds(me, company, 'ledger.journal.create') ? html`<p><a class="button" href=${link(`/c/${company}/entries/new`)}>New entry</a></p>` : ''}
		<${Filters} filters=${filters} onChange=${setFilters} />
		<${ProblemBanner} error=${list.error} />
		<table><thead><tr><th>Date</th><th>Number</th><th>Memo</th><th>Status</th><th>Reference</th></tr></thead>
		<tbody>${list.items.map((e) => html`<tr>
			<td>${e.date}</td>
			<td><a href=${link(`/c/${company}/entries/${e.id}`)}>${e.number || 'draft'}</a></td>
			<td>${e.memo}</td><td>${e.status}</td><td>${e.reference || ''}</td>
		</tr>`)}</tbody></table>
		${list.items.length ? '' : html`<p class="muted">${list.loading ? 'Loading…' : 'No entries.'}</p>`}
		${list.pager}`;
}

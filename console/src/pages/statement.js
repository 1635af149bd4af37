// A customer's statement: opening balance, each document and allocation
// with the running balance, closing balance.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath, listAll } from '../api.js';
import { ProblemBanner } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';
import { CsvButton } from '../ui/csv.js';
import { today } from '../ui/dates.js';

export function StatementPage({ company }) {
	const partners = useLoad(() => listAll(companyPath(company, '/partners'), { role: 'customer' }), [company]);
	const [query, setQuery] = useState({ partner: '', from: '', to: today() });
	const report = useLoad(async () => (query.partner
		? (await api('GET', companyPath(company, `/partners/${encodeURIComponent(query.partner)}/statement`), { query: { from: query.from, to: query.to } })).data
		: null), [company, query.partner, query.from, query.to]);
	const set = (name) => (e) => setQuery({ ...query, [name]: e.target.value });
	const r = report.data;
	return html`<h1>Customer statement</h1>
		<form class="filters" aria-label="Statement" onSubmit=${(e) => e.preventDefault()}>
			<label for="statement-partner">Customer</label>
			<select id="statement-partner" value=${query.partner} onChange=${set('partner')}>
				<option value="">Choose…</option>
				${(partners.data || []).map((p) => html`<option value=${p.code}>${p.code} · ${p.name}</option>`)}
			</select>
			<label>From <input type="date" value=${query.from} onChange=${set('from')} /></label>
			<label>To <input type="date" value=${query.to} onChange=${set('to')} /></label>
			${r ? html`<${CsvButton} filename=${`statement-${company}-${r.partner}-${r.to}.csv`} header=${['date', 'kind', 'number', 'against', 'debit', 'credit', 'allocated', 'balance']}
				rows=${r.lines.map((l) => [l.date, l.kind, l.number, l.against, l.debit, l.credit, l.allocated, l.balance])} />` : ''}
		</form>
		<${ProblemBanner} error=${report.error} />
		${r ? html`<table class="report"><caption>${r.partner}, in ${r.currency}</caption>
			<thead><tr><th>Date</th><th>Document</th><th>Number</th><th>Against</th><th class="num">Debit</th><th class="num">Credit</th><th class="num">Allocated</th><th class="num">Balance</th></tr></thead>
			<tbody><tr><td colspan="7">Opening balance</td><td class="num">${r.opening_balance}</td></tr>
			${r.lines.map((l) => html`<tr><td>${l.date}</td><td>${l.kind.replace('_', ' ')}</td><td>${l.number}</td><td>${l.against || ''}</td>
				<td class="num">${l.debit || ''}</td><td class="num">${l.credit || ''}</td><td class="num">${l.allocated || ''}</td><td class="num">${l.balance}</td></tr>`)}</tbody>
			<tfoot><tr><th colspan="7">Closing balance</th><td class="num">${r.closing_balance}</td></tr></tfoot></table>` : ''}`;
}

// The receivables aging on a day: per customer, by days past due.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath } from '../api.js';
import { ProblemBanner } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';
import { CsvButton } from '../ui/csv.js';
import { today } from '../ui/dates.js';

const BUCKETS = [['current', 'Current'], ['days_1_30', '1–30'], ['days_31_60', '31–60'], ['days_61_90', '61–90'], ['over_90', 'Over 90'], ['total', 'Total']];

export function AgingPage({ company }) {
	const [asOf, setAsOf] = useState(today());
	const report = useLoad(async () => (await api('GET', companyPath(company, '/reports/receivables-aging'), { query: { as_of: asOf } })).data, [company, asOf]);
	const r = report.data;
	return html`<h1>Receivables aging</h1>
		<form class="filters" aria-label="Aging date" onSubmit=${(e) => e.preventDefault()}>
			<label>As of <input type="date" value=${asOf} onChange=${(e) => setAsOf(e.target.value)} /></label>
			${r ? html`<${CsvButton} filename=${`aging-${company}-${r.as_of}.csv`} header=${['customer', ...BUCKETS.map(([k]) => k)]}
				rows=${r.customers.map((c) => [c.partner, ...BUCKETS.map(([k]) => c[k])])} />` : ''}
		</form>
		<${ProblemBanner} error=${report.error} />
		${r ? html`<table class="report"><caption>In ${r.currency}, days past due</caption>
			<thead><tr><th>Customer</th>${BUCKETS.map(([, label]) => html`<th class="num">${label}</th>`)}</tr></thead>
			<tbody>${r.customers.map((c) => html`<tr><td>${c.partner}</td>${BUCKETS.map(([k]) => html`<td class="num">${c[k]}</td>`)}</tr>`)}</tbody>
			<tfoot><tr><th>Total</th>${BUCKETS.map(([k]) => html`<td class="num">${r.totals[k]}</td>`)}</tr></tfoot></table>` : ''}`;
}

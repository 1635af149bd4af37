// The profit and loss statement for a range of dates: revenue and expense by
// the account hierarchy, the result, an optional comparison column, a CSV.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath } from '../api.js';
import { ProblemBanner } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';
import { CsvButton } from '../ui/csv.js';
import { today } from '../ui/dates.js';
import { CompareSelect, SectionRows } from './statement-lines.js';

const LABELS = { revenue: 'revenue', expense: 'expense' };

export function ProfitAndLossPage({ company }) {
	const [range, setRange] = useState({ from: `${today().slice(0, 4)}-01-01`, to: today(), compare: '' });
	const report = useLoad(async () => (await api('GET', companyPath(company, '/reports/profit-and-loss'), { query: range })).data, [company, range]);
	const r = report.data;
	const compared = Boolean(r && r.compare);
	const set = (name) => (e) => setRange({ ...range, [name]: e.target.value });
	return html`<h1>Profit and loss</h1>
		<form class="filters" aria-label="Profit and loss dates" onSubmit=${(e) => e.preventDefault()}>
			<label>From <input type="date" value=${range.from} onChange=${set('from')} /></label>
			<label>To <input type="date" value=${range.to} onChange=${set('to')} /></label>
			<${CompareSelect} value=${range.compare} onChange=${(compare) => setRange({ ...range, compare })} />
			${r ? html`<${CsvButton} source=${{ path: companyPath(company, '/reports/profit-and-loss'), query: range }} filename=${`profit-and-loss-${company}-${r.from}-${r.to}.csv`} />` : ''}
		</form>
		<${ProblemBanner} error=${report.error} />
		${r ? html`<table class="report statement"><caption>${r.from} to ${r.to}, in ${r.currency}</caption>
			<thead><tr><th scope="col">Account</th><th scope="col" class="num">${r.from} – ${r.to}</th>
				${compared ? html`<th scope="col" class="num">${r.compare.from} – ${r.compare.to}</th>` : ''}</tr></thead>
			${r.sections.map((s) => html`<tbody><tr><th colspan=${compared ? 3 : 2} scope="rowgroup">${s.type === 'revenue' ? 'Revenue' : 'Expense'}</th></tr>
				<${SectionRows} company=${company} section=${s} label=${LABELS[s.type] || s.type} compared=${compared} /></tbody>`)}
			<tfoot><tr data-result><th scope="row">Result (revenue less expense)</th><td class="num">${r.result}</td>
				${compared ? html`<td class="num">${r.compare_result}</td>` : ''}</tr></tfoot></table>` : ''}`;
}

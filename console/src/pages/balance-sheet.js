// The balance sheet on a date: assets, liabilities and equity by the account
// hierarchy, the current year's result until the year is closed, whether it
// balances, an optional comparison column, a CSV.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath } from '../api.js';
import { toUnits } from '../money.js';
import { ProblemBanner } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';
import { CsvButton } from '../ui/csv.js';
import { today } from '../ui/dates.js';
import { CompareSelect, SectionRows } from './statement-lines.js';

const TITLES = { asset: 'Assets', liability: 'Liabilities', equity: 'Equity' };

function Line({ label, amount, compare, compared, ...rest }) {
	return html`<tr ...${rest}><th scope="row">${label}</th><td class="num">${amount}</td>${compared ? html`<td class="num">${compare}</td>` : ''}</tr>`;
}

export function BalanceSheetPage({ company }) {
	const [query, setQuery] = useState({ as_of: today(), compare: '' });
	const report = useLoad(async () => (await api('GET', companyPath(company, '/reports/balance-sheet'), { query })).data, [company, query]);
	const r = report.data;
	const compared = Boolean(r && r.compare);
	const span = compared ? 3 : 2;
	// Each section closes with its total: for the assets, total_assets.
	const section = (type) => r.sections.filter((s) => s.type === type).map((s) => html`<tbody>
		<tr><th colspan=${span} scope="rowgroup">${TITLES[s.type]}</th></tr>
		<${SectionRows} company=${company} section=${s} label=${s.type === 'liability' ? 'liabilities' : s.type === 'asset' ? 'assets' : s.type} compared=${compared} /></tbody>`);
	// Earlier years' results are shown only where there are some.
	const earlier = r && (toUnits(r.earlier_results.amount) || toUnits(r.earlier_results.compare_amount));
	const year = r && r.result_of_year;
	return html`<h1>Balance sheet</h1>
		<form class="filters" aria-label="Balance sheet date" onSubmit=${(e) => e.preventDefault()}>
			<label>As of <input type="date" value=${query.as_of} onChange=${(e) => setQuery({ ...query, as_of: e.target.value })} /></label>
			<${CompareSelect} value=${query.compare} onChange=${(compare) => setQuery({ ...query, compare })} />
			${r ? html`<${CsvButton} source=${{ path: companyPath(company, '/reports/balance-sheet'), query }} filename=${`balance-sheet-${company}-${r.as_of}.csv`} />` : ''}
		</form>
		<${ProblemBanner} error=${report.error} />
		${r ? html`<p class=${r.balanced ? 'verdict good' : 'verdict bad'} data-balanced=${String(r.balanced)}>${r.balanced
			? 'Balanced: the assets equal the liabilities and equity.'
			: 'NOT balanced: the assets differ from the liabilities and equity.'}</p>
		<table class="report statement"><caption>On ${r.as_of}, in ${r.currency}</caption>
			<thead><tr><th scope="col">Account</th><th scope="col" class="num">${r.as_of}</th>
				${compared ? html`<th scope="col" class="num">${r.compare.as_of}</th>` : ''}</tr></thead>
			${section('asset')}
			${section('liability')}
			${section('equity')}
			<tbody>
				<${Line} label=${`Result of the current year (since ${year.from})`} amount=${year.amount} compare=${year.compare_amount} compared=${compared} data-year-result="" />
				${earlier ? html`<${Line} label="Results of earlier years not closed" amount=${r.earlier_results.amount} compare=${r.earlier_results.compare_amount} compared=${compared} />` : ''}
				<${Line} class="total" label="Total liabilities and equity" amount=${r.total_liabilities_and_equity} compare=${r.compare_total_liabilities_and_equity} compared=${compared} data-total="liabilities-and-equity" />
			</tbody></table>` : ''}`;
}

// The trial balance on a date: per account, totals per currency, a CSV.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath } from '../api.js';
import { link } from '../router.js';
import { ProblemBanner } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';
import { CsvButton } from '../ui/csv.js';
import { today } from '../ui/dates.js';

export function TrialBalancePage({ company }) {
	const [asOf, setAsOf] = useState(today());
	const report = useLoad(async () => (await api('GET', companyPath(company, '/reports/trial-balance'), { query: { as_of: asOf } })).data, [company, asOf]);
	const r = report.data;
	return html`<h1>Trial balance</h1>
		<form class="filters" aria-label="Trial balance date" onSubmit=${(e) => e.preventDefault()}>
			<label>As of <input type="date" value=${asOf} onChange=${(e) => setAsOf(e.target.value)} /></label>
			${r ? html`<${CsvButton} source=${{ path: companyPath(company, '/reports/trial-balance'), query: { as_of: asOf } }} filename=${`trial-balance-${company}-${r.as_of}.csv`} />` : ''}
		</form>
		<${ProblemBanner} error=${report.error} />
		${r ? html`<table class="report"><thead><tr><th>Account</th><th>Name</th><th>Type</th><th>Currency</th><th class="num">Debit</th><th class="num">Credit</th><th class="num">Balance</th></tr></thead>
			<tbody>${r.accounts.map((a) => html`<tr data-account=${a.code}>
				<td><a href=${link(`/c/${company}/accounts/${a.code}`)}>${a.code}</a></td><td>${a.name}</td><td>${a.type}</td><td>${a.currency}</td>
				<td class="num">${a.debit}</td><td class="num">${a.credit}</td><td class="num">${a.balance}</td></tr>`)}</tbody>
			<tfoot>${r.totals.map((t) => html`<tr><th colspan="4">Total ${t.currency} ${t.balanced ? '(balanced)' : '(NOT balanced)'}</th>
				<td class="num">${t.debit}</td><td class="num">${t.credit}</td><td></td></tr>`)}</tfoot></table>` : ''}`;
}

// One account's posted lines with the running balance, paged, with a CSV.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath } from '../api.js';
import { link } from '../router.js';
import { ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { useLoad } from '../ui/use-load.js';
import { CsvButton } from '../ui/csv.js';

export function AccountLedger({ company, code }) {
	const account = useLoad(async () => (await api('GET', companyPath(company, `/accounts/${encodeURIComponent(code)}`))).data, [company, code]);
	const [range, setRange] = useState({ from: '', to: '' });
	const list = usePagedList(companyPath(company, `/accounts/${encodeURIComponent(code)}/ledger`), range);
	if (account.error) return html`<h1>Account ${code}</h1><${ProblemBanner} error=${account.error} />`;
	const a = account.data;
	return html`<h1>Account ${code}${a ? ` · ${a.name}` : ''}</h1>
		${a ? html`<p class="muted">${a.type} · ${a.currency} · ${a.active ? 'active' : 'inactive'}${a.parent ? ` · under ${a.parent}` : ''}</p>` : ''}
		<form class="filters" aria-label="Ledger dates" onSubmit=${(e) => e.preventDefault()}>
			<label>From <input type="date" value=${range.from} onChange=${(e) => setRange({ ...range, from: e.target.value })} /></label>
			<label>To <input type="date" value=${range.to} onChange=${(e) => setRange({ ...range, to: e.target.value })} /></label>
			<${CsvButton} source=${{ path: companyPath(company, `/accounts/${encodeURIComponent(code)}/ledger`), query: range }} filename=${`ledger-${company}-${code}.csv`} />
		</form>
		<${ProblemBanner} error=${list.error} />
		<table><thead><tr><th>Date</th><th>Entry</th><th>Memo</th><th class="num">Debit</th><th class="num">Credit</th><th class="num">Balance</th></tr></thead>
		<tbody>${list.items.map((l) => html`<tr>
			<td>${l.date}</td><td><a href=${link(`/c/${company}/entries/${l.entry_id}`)}>${l.number}</a></td><td>${l.memo}</td>
			<td class="num">${l.debit || ''}</td><td class="num">${l.credit || ''}</td><td class="num">${l.balance}</td>
		</tr>`)}</tbody></table>
		${list.pager}`;
}

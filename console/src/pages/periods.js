// Fiscal periods: a new fiscal year, close, reopen, and the two-person lock (ask, confirm).
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath } from '../api.js';
import { holds } from '../session.js';
import { Field } from '../ui/field.js';
import { ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { useSubmit } from '../ui/use-submit.js';

function NewFiscalYear({ company, onCreated }) {
	const [form, setForm] = useState({ fiscal_year: String(new Date().getUTCFullYear() + 1), first_month: '1' });
	const set = (name) => (value) => setForm({ ...form, [name]: value });
	const { submit, error, busy } = useSubmit(async () => {
		await api('POST', companyPath(company, '/fiscal-periods'), { body: { fiscal_year: Number(form.fiscal_year), first_month: Number(form.first_month) } });
		onCreated();
	});
	return html`<form class="card" onSubmit=${submit} aria-label="New fiscal year">
		<h2>New fiscal year (twelve monthly periods)</h2>
		<${ProblemBanner} error=${error} />
		<div class="row">
			<${Field} label="Fiscal year" type="number" pointer="/fiscal_year" problem=${error} value=${form.fiscal_year} onInput=${set('fiscal_year')} required />
			<${Field} label="First month (1-12)" type="number" pointer="/first_month" problem=${error} value=${form.first_month} onInput=${set('first_month')} />
		</div>
		<button type="submit" disabled=${busy}>Create fiscal year</button>
	</form>`;
}

function actionsFor(me, company, p) {
	const manage = holds(me, company, 'ledger.period.manage');
	const lock = holds(me, company, 'ledger.period.lock');
	const actions = [];
	if (p.status === 'open' && manage) actions.push(['Close', 'close']);
	if (p.status === 'closed' && lock) actions.push(['Reopen', 'reopen']);
	if (p.status === 'closed' && lock && !p.lock_requested_at) actions.push(['Ask to lock', 'lock']);
	if (p.status === 'closed' && lock && p.lock_requested_at) {
		if (p.lock_requested_by !== me.user.id) actions.push(['Confirm lock', 'lock/confirm']);
		actions.push(['Cancel lock request', 'lock/cancel']);
	}
	return actions;
}

export function PeriodsPage({ me, company }) {
	const list = usePagedList(companyPath(company, '/fiscal-periods'), {}, 24);
	const [error, setError] = useState(null);
	const act = async (period, path) => {
		try {
			await api('POST', companyPath(company, `/fiscal-periods/${period.id}/${path}`));
			setError(null);
			list.reload();
		} catch (err) {
			setError(err);
		}
	};
	return html`<h1>Fiscal periods</h1>
		<${ProblemBanner} error=${error || list.error} />
		<table><thead><tr><th>Period</th><th>From</th><th>To</th><th>Status</th><th>Actions</th></tr></thead>
		<tbody>${list.items.map((p) => html`<tr>
			<td>${p.name}</td><td>${p.starts_on}</td><td>${p.ends_on}</td>
			<td>${p.status}${p.lock_requested_at ? ' (lock asked)' : ''}</td>
			<td>${actionsFor(me, company, p).map(([label, path]) => html`<button type="button" onClick=${() => act(p, path)}>${label} ${p.name}</button> `)}</td>
		</tr>`)}</tbody></table>
		${list.pager}
		${holds(me, company, 'ledger.period.manage') ? html`<${NewFiscalYear} company=${company} onCreated=${list.reload} />` : ''}`;
}

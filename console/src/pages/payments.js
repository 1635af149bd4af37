// Customer payments: recorded and posted in one step ("Post payment"), with
// an Idempotency-Key made once per form, so a double click or a retry books
// one payment; allocated to the oldest invoices, to chosen ones, or later.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath, listAll } from '../api.js';
import { newIdempotencyKey } from '../ids.js';
import { link, navigate } from '../router.js';
import { holds } from '../session.js';
import { Field } from '../ui/field.js';
import { FieldError, ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { useLoad } from '../ui/use-load.js';
import { useSubmit } from '../ui/use-submit.js';
import { today } from '../ui/dates.js';

const OPEN = ['open', 'partially_paid', 'overdue'];

function NewPayment({ company }) {
	const partners = useLoad(() => listAll(companyPath(company, '/partners'), { role: 'customer' }), [company]);
	const [form, setForm] = useState({ partner: '', date: today(), amount: '', bank_account: '', reference: '', mode: 'auto', chosen: {} });
	const [key] = useState(newIdempotencyKey);
	const set = (name) => (value) => setForm({ ...form, [name]: value });
	const invoices = useLoad(async () => (form.partner
		? (await listAll(companyPath(company, '/sales-invoices'), { partner: form.partner })).filter((i) => OPEN.includes(i.status))
		: []), [company, form.partner]);
	const { submit, error, busy } = useSubmit(async () => {
		const body = { partner: form.partner, date: form.date, amount: form.amount, bank_account: form.bank_account };
		if (form.reference) body.reference = form.reference;
		if (form.mode === 'auto') body.allocations = 'auto';
		if (form.mode === 'chosen')
			body.allocations = Object.entries(form.chosen).filter(([, amount]) => amount).map(([invoice, amount]) => ({ invoice, amount }));
		const { data } = await api('POST', companyPath(company, '/customer-payments'), { body, idempotencyKey: key });
		navigate(`/c/${company}/payments/${data.id}`);
	});
	return html`<h1>New customer payment</h1>
		<form onSubmit=${submit} aria-label="Customer payment">
			<${ProblemBanner} error=${error} />
			<div class="row">
				<${Field} label="Customer" pointer="/partner" problem=${error} value=${form.partner} onInput=${set('partner')}
					options=${[{ value: '', label: 'Choose…' }, ...(partners.data || []).map((p) => ({ value: p.code, label: `${p.code} · ${p.name}` }))]} required />
				<${Field} label="Date" type="date" pointer="/date" problem=${error} value=${form.date} onInput=${set('date')} required />
				<${Field} label="Amount" pointer="/amount" problem=${error} value=${form.amount} onInput=${set('amount')} inputmode="decimal" required />
				<${Field} label="Bank account" pointer="/bank_account" problem=${error} value=${form.bank_account} onInput=${set('bank_account')} required />
				<${Field} label="Reference" pointer="/reference" problem=${error} value=${form.reference} onInput=${set('reference')} />
				<${Field} label="Allocate" pointer="/allocations" problem=${error} value=${form.mode} onInput=${set('mode')}
					options=${[{ value: 'auto', label: 'to the oldest open invoices' }, { value: 'chosen', label: 'to the invoices I choose' }, { value: 'none', label: 'later' }]} />
			</div>
			${form.mode === 'chosen' ? html`<table><caption>Open invoices of ${form.partner || 'the customer'}</caption>
				<thead><tr><th>Invoice</th><th>Due</th><th class="num">Still owed</th><th>Allocate</th></tr></thead>
				<tbody>${(invoices.data || []).map((inv, i) => html`<tr><td>${inv.number}</td><td>${inv.due_date}</td><td class="num">${inv.residual}</td>
					<td><input aria-label=${`Allocate to ${inv.number}`} inputmode="decimal" value=${form.chosen[inv.id] || ''}
						onInput=${(e) => set('chosen')({ ...form.chosen, [inv.id]: e.target.value })} />
						<${FieldError} problem=${error?.problem} pointer=${`/allocations/${i}/amount`} id=${`alloc-${i}-error`} /></td></tr>`)}</tbody></table>` : ''}
			<div class="actions"><button type="submit" class="primary" disabled=${busy}>Post payment</button></div>
		</form>`;
}

function Payment({ company, id }) {
	const payment = useLoad(async () => (await api('GET', companyPath(company, `/customer-payments/${encodeURIComponent(id)}`))).data, [company, id]);
	if (payment.error) return html`<h1>Payment</h1><${ProblemBanner} error=${payment.error} />`;
	const p = payment.data;
	if (!p) return html`<p class="muted">Loading…</p>`;
	return html`<h1>Payment ${p.number}</h1>
		<p class="muted">${p.status} · customer ${p.partner} · ${p.date} · ${p.amount} ${p.currency} into ${p.bank_account} · unallocated ${p.unallocated}</p>
		<table><caption>Allocations</caption><thead><tr><th>Invoice</th><th>Date</th><th class="num">Amount</th></tr></thead>
		<tbody>${p.allocations.map((a) => html`<tr><td>${a.invoice_number}</td><td>${a.date}</td><td class="num">${a.amount}</td></tr>`)}</tbody></table>
		<p><a href=${link(`/c/${company}/payments`)}>All payments</a></p>`;
}

export function PaymentsPage({ me, company, rest }) {
	if (rest[0] === 'new') return html`<${NewPayment} company=${company} />`;
	return rest[0] ? html`<${Payment} company=${company} id=${rest[0]} />` : html`<${PaymentList} me=${me} company=${company} />`;
}

function PaymentList({ me, company }) {
	const list = usePagedList(companyPath(company, '/customer-payments'), {});
	return html`<h1>Customer payments</h1>
		${holds(me, company, 'sales.payment.post') ? html`<p><a class="button" href=${link(`/c/${company}/payments/new`)}>New payment</a></p>` : ''}
		<${ProblemBanner} error=${list.error} />
		<table><thead><tr><th>Date</th><th>Number</th><th>Customer</th><th>Status</th><th class="num">Amount</th><th class="num">Unallocated</th></tr></thead>
		<tbody>${list.items.map((p) => html`<tr><td>${p.date}</td><td><a href=${link(`/c/${company}/payments/${p.id}`)}>${p.number}</a></td><td>${p.partner}</td>
			<td>${p.status}</td><td class="num">${p.amount}</td><td class="num">${p.unallocated}</td></tr>`)}</tbody></table>
		${list.pager}`;
}

// Sales invoices: the list, the draft editor (the server prices it: totals
// are shown as it computed them), and an invoice with its post button.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath, listAll, versionTag } from '../api.js';
import { newIdempotencyKey } from '../ids.js';
import { link, navigate } from '../router.js';
import { holds } from '../session.js';
import { Field } from '../ui/field.js';
import { FieldError, ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { useLoad } from '../ui/use-load.js';
import { useSubmit } from '../ui/use-submit.js';
import { today } from '../ui/dates.js';

const blankLine = () => ({ description: '', quantity: '1', unit_price: '', revenue_account: '', tax_code: '' });
const LINE_FIELDS = [['description', 'Description'], ['quantity', 'Quantity'], ['unit_price', 'Unit price'], ['revenue_account', 'Revenue account'], ['tax_code', 'Tax code']];

function InvoiceEditor({ company }) {
	const partners = useLoad(() => listAll(companyPath(company, '/partners'), { role: 'customer', active: true }), [company]);
	const [form, setForm] = useState({ partner: '', date: today(), reference: '', lines: [blankLine()] });
	const set = (name) => (value) => setForm({ ...form, [name]: value });
	const setLine = (i, name, value) => set('lines')(form.lines.map((l, j) => (j === i ? { ...l, [name]: value } : l)));
	const { submit, error, busy } = useSubmit(async () => {
		const body = { partner: form.partner, date: form.date, lines: form.lines };
		if (form.reference) body.reference = form.reference;
		const { data } = await api('POST', companyPath(company, '/sales-invoices'), { body });
		navigate(`/c/${company}/invoices/${data.id}`);
	});
	const customers = partners.data || [];
	return html`<h1>New sales invoice</h1>
		<form onSubmit=${submit} aria-label="Sales invoice">
			<${ProblemBanner} error=${error} />
			<div class="row">
				<${Field} label="Customer" pointer="/partner" problem=${error} value=${form.partner} onInput=${set('partner')}
					options=${[{ value: '', label: 'Choose…' }, ...customers.map((p) => ({ value: p.code, label: `${p.code} · ${p.name}` }))]} required />
				<${Field} label="Date" type="date" pointer="/date" problem=${error} value=${form.date} onInput=${set('date')} required />
				<${Field} label="Reference" pointer="/reference" problem=${error} value=${form.reference} onInput=${set('reference')} />
			</div>
			<table class="lines"><thead><tr>${LINE_FIELDS.map(([, label]) => html`<th>${label}</th>`)}</tr></thead>
			<tbody>${form.lines.map((line, i) => html`<tr>${LINE_FIELDS.map(([name, label]) => html`<td>
				<input aria-label=${`${label}, line ${i + 1}`} id=${`inv-${i}-${name}`} value=${line[name]} onInput=${(e) => setLine(i, name, e.target.value)} />
				<${FieldError} problem=${error?.problem} pointer=${`/lines/${i}/${name}`} id=${`inv-${i}-${name}-error`} />
			</td>`)}</tr>`)}</tbody></table>
			<button type="button" onClick=${() => set('lines')([...form.lines, blankLine()])}>Add line</button>
			<p class="muted">The server prices the invoice (net, tax, total); they show once it is saved.</p>
			<div class="actions"><button type="submit" class="primary" disabled=${busy}>Save draft</button></div>
		</form>`;
}

function Invoice({ me, company, id }) {
	const invoice = useLoad(async () => (await api('GET', companyPath(company, `/sales-invoices/${encodeURIComponent(id)}`))).data, [company, id]);
	const [key] = useState(newIdempotencyKey);
	const post = useSubmit(async () => {
		await api('POST', companyPath(company, `/sales-invoices/${id}/post`), { body: {}, ifMatch: versionTag(invoice.data.version), idempotencyKey: key });
		invoice.reload();
	});
	if (invoice.error) return html`<h1>Sales invoice</h1><${ProblemBanner} error=${invoice.error} />`;
	const inv = invoice.data;
	if (!inv) return html`<p class="muted">Loading…</p>`;
	const refusal = !holds(me, company, 'sales.invoice.post') ? 'Posting needs the permission sales.invoice.post, which you do not hold here.' : null;
	return html`<h1>${inv.number ? `Invoice ${inv.number}` : 'Draft invoice'}</h1>
		<p class="muted">${inv.status} · customer ${inv.partner} · ${inv.date} · due ${inv.due_date} · ${inv.currency}</p>
		<table class="lines"><thead><tr><th>Description</th><th class="num">Quantity</th><th class="num">Unit price</th><th>Tax</th><th class="num">Net</th></tr></thead>
		<tbody>${inv.lines.map((l) => html`<tr><td>${l.description}</td><td class="num">${l.quantity}</td><td class="num">${l.unit_price}</td><td>${l.tax_code} (${l.tax_rate})</td><td class="num">${l.net}</td></tr>`)}</tbody>
		<tfoot>
			<tr><th colspan="4">Net</th><td class="num">${inv.net_total}</td></tr>
			<tr><th colspan="4">Tax</th><td class="num">${inv.tax_total}</td></tr>
			<tr><th colspan="4">Total</th><td class="num invoice-total">${inv.total}</td></tr>
			${inv.residual !== null ? html`<tr><th colspan="4">Still owed</th><td class="num">${inv.residual}</td></tr>` : ''}
		</tfoot></table>
		${inv.status === 'draft' ? html`<div class="actions">
			<${ProblemBanner} error=${post.error} />
			<button type="button" class="primary" disabled=${post.busy || Boolean(refusal)} aria-describedby=${refusal ? 'post-refusal' : undefined} onClick=${post.submit}>Post invoice</button>
			${refusal ? html`<span id="post-refusal" class="reason">${refusal}</span>` : ''}
		</div>` : ''}
		<p><a href=${link(`/c/${company}/invoices`)}>All invoices</a></p>`;
}

export function InvoicesPage({ me, company, rest }) {
	if (rest[0] === 'new') return html`<${InvoiceEditor} company=${company} />`;
	return rest[0] ? html`<${Invoice} me=${me} company=${company} id=${rest[0]} />` : html`<${InvoiceList} me=${me} company=${company} />`;
}

function InvoiceList({ me, company }) {
	const [status, setStatus] = useState('');
	const list = usePagedList(companyPath(company, '/sales-invoices'), { status });
	return html`<h1>Sales invoices</h1>
		${holds(me, company, 'sales.invoice.create') ? html`<p><a class="button" href=${link(`/c/${company}/invoices/new`)}>New invoice</a></p>` : ''}
		<form class="filters" aria-label="Filter invoices" onSubmit=${(e) => e.preventDefault()}>
			<label>Status <select value=${status} onChange=${(e) => setStatus(e.target.value)}>
				${['', 'draft', 'open', 'partially_paid', 'paid', 'overdue', 'credited'].map((s) => html`<option value=${s}>${s || 'any'}</option>`)}
			</select></label>
		</form>
		<${ProblemBanner} error=${list.error} />
		<table><thead><tr><th>Date</th><th>Number</th><th>Customer</th><th>Status</th><th class="num">Total</th><th class="num">Still owed</th></tr></thead>
		<tbody>${list.items.map((i) => html`<tr><td>${i.date}</td><td><a href=${link(`/c/${company}/invoices/${i.id}`)}>${i.number || 'draft'}</a></td>
			<td>${i.partner}</td><td>${i.status}</td><td class="num">${i.total} ${i.currency}</td><td class="num">${i.residual ?? ''}</td></tr>`)}</tbody></table>
		${list.pager}`;
}

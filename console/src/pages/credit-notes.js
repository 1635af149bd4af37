// Credit notes: against a posted invoice (all of it), posted by someone
// other than their author.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath, listAll, versionTag } from '../api.js';
import { newIdempotencyKey } from '../ids.js';
import { holds } from '../session.js';
import { Field } from '../ui/field.js';
import { ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { useLoad } from '../ui/use-load.js';
import { useSubmit } from '../ui/use-submit.js';
import { today } from '../ui/dates.js';

function NewCreditNote({ company, onCreated }) {
	const invoices = useLoad(async () => (await listAll(companyPath(company, '/sales-invoices'))).filter((i) => i.number), [company]);
	const [form, setForm] = useState({ invoice: '', date: today(), reason: '' });
	const set = (name) => (value) => setForm({ ...form, [name]: value });
	const { submit, error, busy } = useSubmit(async () => {
		await api('POST', companyPath(company, '/credit-notes'), { body: form });
		setForm({ invoice: '', date: today(), reason: '' });
		onCreated();
	});
	return html`<form class="card" onSubmit=${submit} aria-label="New credit note">
		<h2>New credit note (the whole invoice)</h2>
		<${ProblemBanner} error=${error} />
		<div class="row">
			<${Field} label="Invoice" pointer="/invoice" problem=${error} value=${form.invoice} onInput=${set('invoice')}
				options=${[{ value: '', label: 'Choose…' }, ...(invoices.data || []).map((i) => ({ value: i.id, label: `${i.number} · ${i.partner} · ${i.total}` }))]} required />
			<${Field} label="Date" type="date" pointer="/date" problem=${error} value=${form.date} onInput=${set('date')} required />
			<${Field} label="Reason" pointer="/reason" problem=${error} value=${form.reason} onInput=${set('reason')} required />
		</div>
		<button type="submit" disabled=${busy}>Write draft credit note</button>
	</form>`;
}

function PostButton({ me, company, note, onPosted }) {
	const [key] = useState(newIdempotencyKey);
	const { submit, error, busy } = useSubmit(async () => {
		await api('POST', companyPath(company, `/credit-notes/${note.id}/post`), { body: {}, ifMatch: versionTag(note.version), idempotencyKey: key });
		onPosted();
	});
	const refusal = note.author_id === me.user.id ? 'You wrote it: someone else must post it (four-eyes).'
		: !holds(me, company, 'sales.credit-note.post') ? 'Needs sales.credit-note.post.' : null;
	return html`<${ProblemBanner} error=${error} />
		<button type="button" disabled=${busy || Boolean(refusal)} title=${refusal || ''} onClick=${submit}>Post</button>
		${refusal ? html` <span class="reason">${refusal}</span>` : ''}`;
}

export function CreditNotesPage({ me, company }) {
	const list = usePagedList(companyPath(company, '/credit-notes'), {});
	return html`<h1>Credit notes</h1>
		<${ProblemBanner} error=${list.error} />
		<table><thead><tr><th>Date</th><th>Number</th><th>Invoice</th><th>Customer</th><th>Status</th><th class="num">Total</th><th>Action</th></tr></thead>
		<tbody>${list.items.map((n) => html`<tr><td>${n.date}</td><td>${n.number || 'draft'}</td><td>${n.invoice_number}</td><td>${n.partner}</td>
			<td>${n.status}</td><td class="num">${n.total}</td>
			<td>${n.status === 'draft' ? html`<${PostButton} me=${me} company=${company} note=${n} onPosted=${list.reload} />` : ''}</td></tr>`)}</tbody></table>
		${list.pager}
		${holds(me, company, 'sales.credit-note.create') ? html`<${NewCreditNote} company=${company} onCreated=${list.reload} />` : ''}`;
}

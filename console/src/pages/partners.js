// Partners (customers and vendors): the list and a form to add one.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath } from '../api.js';
import { holds } from '../session.js';
import { Field } from '../ui/field.js';
import { ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { useSubmit } from '../ui/use-submit.js';

function NewPartner({ company, onCreated }) {
	const empty = { code: '', name: '', role: 'customer', receivable_account: '', payment_terms_days: '30', email: '' };
	const [form, setForm] = useState(empty);
	const set = (name) => (value) => setForm({ ...form, [name]: value });
	const { submit, error, busy } = useSubmit(async () => {
		const body = { code: form.code, name: form.name, roles: form.role === 'both' ? ['customer', 'vendor'] : [form.role],
			payment_terms_days: Number(form.payment_terms_days) };
		if (form.receivable_account) body.receivable_account = form.receivable_account;
		if (form.email) body.email = form.email;
		await api('POST', companyPath(company, '/partners'), { body });
		setForm(empty);
		onCreated();
	});
	return html`<form class="card" onSubmit=${submit} aria-label="New partner">
		<h2>New partner</h2>
		<${ProblemBanner} error=${error} />
		<div class="row">
			<${Field} label="Code" pointer="/code" problem=${error} value=${form.code} onInput=${set('code')} required />
			<${Field} label="Name" pointer="/name" problem=${error} value=${form.name} onInput=${set('name')} required />
			<${Field} label="Role" pointer="/roles" problem=${error} value=${form.role} onInput=${set('role')}
				options=${[{ value: 'customer', label: 'customer' }, { value: 'vendor', label: 'vendor' }, { value: 'both', label: 'customer and vendor' }]} />
			<${Field} label="Receivable account (blank: the default)" pointer="/receivable_account" problem=${error} value=${form.receivable_account} onInput=${set('receivable_account')} />
			<${Field} label="Payment terms (days)" type="number" pointer="/payment_terms_days" problem=${error} value=${form.payment_terms_days} onInput=${set('payment_terms_days')} />
			<${Field} label="Email" type="email" pointer="/email" problem=${error} value=${form.email} onInput=${set('email')} />
		</div>
		<button type="submit" disabled=${busy}>Create partner</button>
	</form>`;
}

export function PartnersPage({ me, company }) {
	const list = usePagedList(companyPath(company, '/partners'), {});
	return html`<h1>Partners</h1>
		<${ProblemBanner} error=${list.error} />
		<table><thead><tr><th>Code</th><th>Name</th><th>Roles</th><th>Currency</th><th>Receivable account</th><th>Terms</th><th>Active</th></tr></thead>
		<tbody>${list.items.map((p) => html`<tr><td>${p.code}</td><td>${p.name}</td><td>${p.roles.join(', ')}</td><td>${p.currency}</td>
			<td>${p.receivable_account || ''}</td><td>${p.payment_terms_days} days</td><td>${p.active ? 'yes' : 'no'}</td></tr>`)}</tbody></table>
		${list.pager}
		${holds(me, company, 'partners.partner.manage') ? html`<${NewPartner} company=${company} onCreated=${list.reload} />` : ''}`;
}

// The chart of accounts as a tree by parent, a form to add one, and each
// account's ledger (accounts/<code>).
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath, listAll } from '../api.js';
import { link } from '../router.js';
import { holds } from '../session.js';
import { Field } from '../ui/field.js';
import { ProblemBanner } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';
import { AccountLedger } from './account-ledger.js';

const TYPES = ['asset', 'liability', 'equity', 'revenue', 'expense'];

function Tree({ accounts, parent, company }) {
	const children = accounts.filter((a) => (a.parent || null) === parent);
	if (!children.length) return null;
	return html`<ul class=${parent ? 'tree' : 'tree root'}>${children.map((a) => html`<li>
		<a href=${link(`/c/${company}/accounts/${a.code}`)}>${a.code}</a> ${a.name}
		<span class="muted"> · ${a.type} · ${a.currency}${a.active ? '' : ' · inactive'}</span>
		<${Tree} accounts=${accounts} parent=${a.code} company=${company} />
	</li>`)}</ul>`;
}

function NewAccount({ company, accounts, onCreated }) {
	const empty = { code: '', name: '', type: 'asset', parent: '', currency: '' };
	const [form, setForm] = useState(empty);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const set = (name) => (value) => setForm({ ...form, [name]: value });
	const submit = async (e) => {
		e.preventDefault();
		setBusy(true);
		try {
			const body = { code: form.code, name: form.name, type: form.type, parent: form.parent || null };
			if (form.currency) body.currency = form.currency;
			await api('POST', companyPath(company, '/accounts'), { body });
			setForm(empty);
			setError(null);
			onCreated();
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};
	return html`<form class="card" onSubmit=${submit} aria-label="New account">
		<h2>New account</h2>
		<${ProblemBanner} error=${error} />
		<div class="row">
			<${Field} label="Code" pointer="/code" problem=${error} value=${form.code} onInput=${set('code')} required />
			<${Field} label="Name" pointer="/name" problem=${error} value=${form.name} onInput=${set('name')} required />
			<${Field} label="Type" pointer="/type" problem=${error} value=${form.type} onInput=${set('type')} options=${TYPES.map((t) => ({ value: t, label: t }))} />
			<${Field} label="Parent" pointer="/parent" problem=${error} value=${form.parent} onInput=${set('parent')}
				options=${[{ value: '', label: '(none)' }, ...accounts.map((a) => ({ value: a.code, label: `${a.code} ${a.name}` }))]} />
			<${Field} label="Currency (blank: the company's)" pointer="/currency" problem=${error} value=${form.currency} onInput=${set('currency')} maxlength="3" />
		</div>
		<button type="submit" disabled=${busy}>Create account</button>
	</form>`;
}

// accounts/<code> is that account's ledger.
export function AccountsPage({ me, company, rest }) {
	return rest[0] ? html`<${AccountLedger} company=${company} code=${rest[0]} />` : html`<${Chart} me=${me} company=${company} />`;
}

function Chart({ me, company }) {
	const { data: accounts, error, reload } = useLoad(() => listAll(companyPath(company, '/accounts')), [company]);
	return html`<h1>Chart of accounts</h1>
		<${ProblemBanner} error=${error} />
		${accounts ? html`<${Tree} accounts=${accounts} parent=${null} company=${company} />` : html`<p class="muted">Loading…</p>`}
		${accounts && holds(me, company, 'ledger.account.manage') ? html`<${NewAccount} company=${company} accounts=${accounts} onCreated=${reload} />` : ''}`;
}

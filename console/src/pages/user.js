// One user: deactivate or reactivate, their role assignments, and granting
// a role, where a segregation-of-duties refusal is said in plain words and,
// for those who hold iam.sod.override, can be overridden with a reason
// (a second administrator then decides).
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, listAll } from '../api.js';
import { holds, holdsGlobally } from '../session.js';
import { Field } from '../ui/field.js';
import { ProblemBanner } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';
import { useSubmit } from '../ui/use-submit.js';
import { dayOf } from '../ui/dates.js';

function SodRefusal({ error }) {
	if (!error || error.status !== 409 || !/segregation|conflict/i.test(error.problem.detail || '')) return html`<${ProblemBanner} error=${error} />`;
	return html`<div class="problem" role="alert">
		<strong>Refused to keep duties apart.</strong> With this role the same person could do two things that must be done by two different
		people (for example write an entry and also post it). The server says: ${error.problem.detail}
	</div>`;
}

function Grant({ me, user, onGranted }) {
	const roles = useLoad(() => listAll('/api/v1/roles'), []);
	const companies = useLoad(() => listAll('/api/v1/companies'), []);
	const [form, setForm] = useState({ role: '', company: '', override: false, reason: '' });
	const [pending, setPending] = useState(null);
	const set = (name) => (value) => setForm({ ...form, [name]: value });
	const { submit, error, busy } = useSubmit(async () => {
		const body = { role: form.role, company: form.company || null };
		if (form.override) Object.assign(body, { override: true, reason: form.reason });
		else if (form.reason) body.reason = form.reason;
		const { data, status } = await api('POST', `/api/v1/users/${user.id}/role-assignments`, { body });
		setPending(status === 202 ? data : null);
		onGranted();
	});
	const mayOverride = holds(me, form.company, 'iam.sod.override');
	return html`<form class="card" onSubmit=${submit} aria-label="Grant a role">
		<h2>Grant a role</h2>
		<${SodRefusal} error=${error} />
		${pending ? html`<p class="notice" role="status">Asked: a second administrator must approve this grant (request ${pending.id}, ${pending.status}).</p>` : ''}
		<div class="row">
			<${Field} label="Role" pointer="/role" problem=${error} value=${form.role} onInput=${set('role')}
				options=${[{ value: '', label: 'Choose…' }, ...(roles.data || []).map((r) => ({ value: r.name, label: r.name }))]} required />
			<${Field} label="Company" pointer="/company" problem=${error} value=${form.company} onInput=${set('company')}
				options=${[{ value: '', label: '(every company: global)' }, ...(companies.data || []).map((c) => ({ value: c.code, label: `${c.code} · ${c.name}` }))]} />
			${mayOverride ? html`<div class="field"><label><input type="checkbox" checked=${form.override} onChange=${(e) => set('override')(e.target.checked)} /> Override a segregation-of-duties conflict</label></div>` : ''}
			<${Field} label=${form.override ? 'Reason for the override (required)' : 'Reason'} pointer="/reason" problem=${error} value=${form.reason} onInput=${set('reason')} required=${form.override} />
		</div>
		<button type="submit" disabled=${busy}>Grant</button>
	</form>`;
}

export function UserPage({ me, id }) {
	const user = useLoad(async () => (await api('GET', `/api/v1/users/${encodeURIComponent(id)}`)).data, [id]);
	const assignments = useLoad(async () => (await api('GET', `/api/v1/users/${encodeURIComponent(id)}/role-assignments`)).data.items, [id]);
	const manage = holdsGlobally(me, 'iam.user.manage');
	const assign = holdsGlobally(me, 'iam.assignment.manage');
	const toggle = useSubmit(async () => {
		await api('POST', `/api/v1/users/${id}/${user.data.active ? 'deactivate' : 'reactivate'}`);
		user.reload();
	});
	const revoke = useSubmit(async (assignment) => {
		await api('DELETE', `/api/v1/users/${id}/role-assignments/${assignment}`);
		assignments.reload();
	});
	if (user.error) return html`<h1>User</h1><${ProblemBanner} error=${user.error} />`;
	const u = user.data;
	if (!u) return html`<p class="muted">Loading…</p>`;
	return html`<h1>${u.display_name}</h1>
		<p class="muted">${u.email} · ${u.active ? 'active' : 'deactivated'}${u.must_change_password ? ' · must change password' : ''}</p>
		<${ProblemBanner} error=${toggle.error || revoke.error} />
		${manage && u.id !== me.user.id ? html`<p><button type="button" disabled=${toggle.busy} onClick=${() => toggle.submit()}>${u.active ? 'Deactivate' : 'Reactivate'} ${u.email}</button></p>` : ''}
		<h2>Role assignments</h2>
		<table><thead><tr><th>Role</th><th>Company</th><th>Granted</th><th>Override</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
		<tbody>${(assignments.data || []).map((a) => html`<tr><td>${a.role}</td><td>${a.company || 'global'}</td><td>${dayOf(a.granted_at)}</td>
			<td>${a.sod_override ? `yes: ${a.reason}` : 'no'}</td>
			<td>${assign ? html`<button type="button" onClick=${() => revoke.submit(a.id)}>Revoke ${a.role}</button>` : ''}</td></tr>`)}</tbody></table>
		${assign && u.id !== me.user.id ? html`<${Grant} me=${me} user=${u} onGranted=${assignments.reload} />` : ''}`;
}

// Users: the list, a form to add one, and a user's page (user.js).
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api } from '../api.js';
import { link } from '../router.js';
import { holdsGlobally } from '../session.js';
import { Field } from '../ui/field.js';
import { ProblemBanner } from '../ui/problem.js';
import { usePagedList } from '../ui/pager.js';
import { useSubmit } from '../ui/use-submit.js';
import { dayOf } from '../ui/dates.js';
import { UserPage } from './user.js';
import { GrantRequests } from './grant-requests.js';

function NewUser({ onCreated }) {
	const empty = { email: '', display_name: '', password: '' };
	const [form, setForm] = useState(empty);
	const set = (name) => (value) => setForm({ ...form, [name]: value });
	const { submit, error, busy } = useSubmit(async () => {
		await api('POST', '/api/v1/users', { body: form });
		setForm(empty);
		onCreated();
	});
	return html`<form class="card" onSubmit=${submit} aria-label="New user">
		<h2>New user</h2>
		<${ProblemBanner} error=${error} />
		<div class="row">
			<${Field} label="Email" type="email" pointer="/email" problem=${error} value=${form.email} onInput=${set('email')} required />
			<${Field} label="Display name" pointer="/display_name" problem=${error} value=${form.display_name} onInput=${set('display_name')} required />
			<${Field} label="First password (they change it at first login)" type="password" pointer="/password" problem=${error} value=${form.password} onInput=${set('password')} autocomplete="new-password" required />
		</div>
		<button type="submit" disabled=${busy}>Create user</button>
	</form>`;
}

// users/<id> is that user's page.
export function UsersPage({ me, rest }) {
	return rest[0] ? html`<${UserPage} me=${me} id=${rest[0]} />` : html`<${UserList} me=${me} />`;
}

function UserList({ me }) {
	const [filter, setFilter] = useState({ email: '', active: '' });
	const list = usePagedList('/api/v1/users', filter);
	const manage = holdsGlobally(me, 'iam.user.manage');
	return html`<h1>Users</h1>
		<form class="filters" aria-label="Filter users" onSubmit=${(e) => e.preventDefault()}>
			<label>Email <input value=${filter.email} onChange=${(e) => setFilter({ ...filter, email: e.target.value })} /></label>
			<label>Active <select value=${filter.active} onChange=${(e) => setFilter({ ...filter, active: e.target.value })}>
				<option value="">any</option><option value="true">active</option><option value="false">deactivated</option>
			</select></label>
		</form>
		<${ProblemBanner} error=${list.error} />
		<table><thead><tr><th>Email</th><th>Name</th><th>Active</th><th>Created</th></tr></thead>
		<tbody>${list.items.map((u) => html`<tr><td><a href=${link(`/admin/users/${u.id}`)}>${u.email}</a></td><td>${u.display_name}</td>
			<td>${u.active ? 'yes' : 'no'}</td><td>${dayOf(u.created_at)}</td></tr>`)}</tbody></table>
		${list.pager}
		${manage ? html`<${NewUser} onCreated=${list.reload} />` : ''}
		${holdsGlobally(me, 'iam.assignment.read') ? html`<${GrantRequests} me=${me} />` : ''}`;
}

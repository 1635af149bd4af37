// Login: the API's answer shown as it words it (wrong password, throttled
// with its Retry-After, deactivated account).
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { logIn } from '../session.js';
import { ProblemBanner } from '../ui/problem.js';
import { Field } from '../ui/field.js';

export function LoginPage({ notice }) {
	const [email, setEmail] = useState('');
	const [password, setPassword] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);

	const submit = async (e) => {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			await logIn(email, password);
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};
	return html`<main id="main" class="login">
		<h1>Antigravity ERP</h1>
		${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
		<form onSubmit=${submit} aria-label="Log in">
			<${ProblemBanner} error=${error} />
			<${Field} label="Email" type="email" pointer="/email" problem=${error} value=${email} onInput=${setEmail} autocomplete="username" required />
			<${Field} label="Password" type="password" pointer="/password" problem=${error} value=${password} onInput=${setPassword} autocomplete="current-password" required />
			<button type="submit" disabled=${busy}>Log in</button>
		</form>
	</main>`;
}

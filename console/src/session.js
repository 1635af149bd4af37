// Who is logged in: the token (in memory only: never in a cookie nor in
// storage, so a reload or a closed tab ends the console's use of it), the
// caller's /api/v1/me (companies and permissions), and the sentence shown
// on the login page when a session ends on its own.
import { useEffect, useState } from '../vendor/hooks.js';
import { api, setToken, whenUnauthorized } from './api.js';

let state = { me: null, notice: null };
const listeners = new Set();

function update(next) {
	state = { ...state, ...next };
	for (const listener of listeners) listener(state);
}

export function useSession() {
	const [session, setSession] = useState(state);
	useEffect(() => {
		listeners.add(setSession);
		return () => listeners.delete(setSession);
	}, []);
	return session;
}

export async function logIn(email, password) {
	const { data } = await api('POST', '/api/v1/auth/login', { body: { email, password } });
	setToken(data.token);
	try {
		update({ me: (await api('GET', '/api/v1/me')).data, notice: null });
	} catch (error) {
		setToken(null);
		throw error;
	}
}

export async function refreshMe() {
	update({ me: (await api('GET', '/api/v1/me')).data });
}

function end(notice) {
	setToken(null);
	update({ me: null, notice });
}

// Logging out ends the session on the server, not only here.
export async function logOut() {
	try {
		await api('POST', '/api/v1/auth/logout');
	} finally {
		end('You have logged out.');
	}
}

whenUnauthorized(() => end('Your session has ended (it expired or was closed elsewhere). Please log in again.'));

// Whether the caller holds a permission globally (the administration's).
export function holdsGlobally(me, permission) {
	return Boolean(me && me.global_permissions.includes(permission));
}

// Whether the caller holds a permission in a company (or globally).
export function holds(me, company, permission) {
	if (!me) return false;
	if (holdsGlobally(me, permission)) return true;
	const scope = me.companies.find((c) => c.code === company);
	return Boolean(scope && scope.permissions.includes(permission));
}

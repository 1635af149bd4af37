// The one way the console talks to the server: the public REST API, with
// the session's bearer token (kept in memory only, see session.js), JSON in
// and out, and every refusal turned into an ApiError carrying the API's
// problem details (RFC 9457) as it worded them.

let token = null;
let onUnauthorized = () => {};

export function setToken(value) {
	token = value;
}

// Called when the server no longer accepts the token (expired, ended elsewhere).
export function whenUnauthorized(handler) {
	onUnauthorized = handler;
}

export class ApiError extends Error {
	constructor(status, problem, etag) {
		super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
		this.status = status;
		this.problem = problem && typeof problem === 'object' ? problem : { detail: String(problem || '') };
		this.etag = etag;
	}
}

function queryString(query) {
	const params = new URLSearchParams();
	for (const [name, value] of Object.entries(query || {}))
		if (value !== undefined && value !== null && value !== '') params.set(name, value);
	const text = params.toString();
	return text ? `?${text}` : '';
}

// api('GET', '/api/v1/me') -> { data, etag, status }; throws ApiError.
export async function api(method, path, { body, query, ifMatch, idempotencyKey } = {}) {
	const headers = { Accept: 'application/json, application/problem+json' };
	if (token) headers.Authorization = `Bearer ${token}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (ifMatch) headers['If-Match'] = ifMatch;
	if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
	let response;
	try {
		response = await fetch(path + queryString(query), {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'omit', // the token travels in a header, never in a cookie
			cache: 'no-store',
		});
	} catch {
		throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached. Nothing was changed by this attempt unless it says so after a retry; try again.' });
	}
	const type = response.headers.get('Content-Type') || '';
	const data = type.includes('json') ? await response.json().catch(() => null) : await response.text();
	const etag = response.headers.get('ETag');
	if (response.status === 401 && token) onUnauthorized(data);
	if (!response.ok) throw new ApiError(response.status, data, etag);
	return { data, etag, status: response.status };
}

// A report as the server writes it in CSV (Accept: text/csv): a Blob.
// Refusals, and an answer in another format, throw ApiError.
export async function fetchCsv(path, query) {
	const headers = { Accept: 'text/csv, application/problem+json' };
	if (token) headers.Authorization = `Bearer ${token}`;
	let response;
	try {
		response = await fetch(path + queryString(query), { headers, credentials: 'omit', cache: 'no-store' });
	} catch {
		throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached; try again.' });
	}
	const type = response.headers.get('Content-Type') || '';
	if (response.ok && type.startsWith('text/csv')) return response.blob();
	if (response.ok) throw new ApiError(response.status, { title: 'Not CSV', detail: 'The server answered this report in another format than CSV.' });
	const problem = type.includes('json') ? await response.json().catch(() => null) : await response.text();
	if (response.status === 401 && token) onUnauthorized(problem);
	throw new ApiError(response.status, problem);
}

export const companyPath = (company, rest) => `/api/v1/companies/${encodeURIComponent(company)}${rest}`;

// The ETag of a resource at a version, for If-Match when no ETag was read.
export const versionTag = (version) => `"${version}"`;

// Every item of a list, following its cursors (for short lists: accounts, roles).
export async function listAll(path, query = {}) {
	const items = [];
	let cursor;
	do {
		const { data } = await api('GET', path, { query: { ...query, limit: 200, cursor } });
		items.push(...data.items);
		cursor = data.next_cursor;
	} while (cursor && items.length < 5000);
	return items;
}

// One journal entry: the draft editor (live totals, save, If-Match on
// edit with the stale-edit conflict shown, delete), four-eyes posting, and
// the reversal of a posted entry.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api, companyPath, listAll, versionTag } from '../api.js';
import { newIdempotencyKey } from '../ids.js';
import { link, navigate } from '../router.js';
import { holds } from '../session.js';
import { Field } from '../ui/field.js';
import { ProblemBanner } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';
import { today, when } from '../ui/dates.js';
import { LinesEditor } from './entry-lines.js';

const blankLine = () => ({ account: '', description: '', debit: '', credit: '' });

function formOf(entry) {
	if (!entry) return { date: today(), memo: '', reference: '', lines: [blankLine(), blankLine()] };
	return {
		date: entry.date,
		memo: entry.memo,
		reference: entry.reference || '',
		lines: entry.lines.map((l) => ({ account: l.account, description: l.description || '', debit: l.debit || '', credit: l.credit || '' })),
	};
}

function bodyOf(form) {
	const body = { date: form.date, memo: form.memo, lines: form.lines.map((l) => {
		const line = { account: l.account.trim() };
		if (l.debit.trim()) line.debit = l.debit.trim();
		if (l.credit.trim()) line.credit = l.credit.trim();
		if (l.description.trim()) line.description = l.description.trim();
		return line;
	}) };
	if (form.reference.trim()) body.reference = form.reference.trim();
	return body;
}

// Why the caller may not post this draft, or null when they may.
function postRefusal(me, company, entry) {
	if (entry.author_id === me.user.id) return 'You wrote this entry: someone else must post it (four-eyes).';
	if (!holds(me, company, 'ledger.journal.post')) return 'Posting needs the permission ledger.journal.post, which you do not hold in this company.';
	return null;
}

// Who made the change that beat the caller's save: only a draft's author may
// change it (the server refuses anyone else), so a draft still the caller's
// was changed by the caller elsewhere; a posted one by a poster, who is never
// its author (four-eyes); a draft now someone else's was taken over.
function changedBy(me, current) {
	if (current.status === 'posted') return 'posted by another user';
	if (current.author_id === me.user.id) return 'by you, in another window or tab';
	return 'by another user, who took the draft over';
}

function StaleConflict({ me, current, onReload }) {
	return html`<div class="problem conflict" role="alert">
		<strong>Someone changed this entry after you opened it.</strong>
		${current ? html` It is now at version ${current.version}, changed ${when(current.updated_at)} ${changedBy(me, current)}${current.status === 'posted' ? `, as ${current.number}` : ''}.` : ''}
		Your changes were not saved.
		<div><button type="button" onClick=${onReload}>Reload the current version</button></div>
	</div>`;
}

function PostedActions({ me, company, entry, onDone }) {
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	if (entry.reversed_by) return html`<p>Reversed by <a href=${link(`/c/${company}/entries/${entry.reversed_by}`)}>its mirror entry</a>.</p>`;
	if (!holds(me, company, 'ledger.journal.post')) return null;
	const reverse = async () => {
		setBusy(true);
		try {
			const { data } = await api('POST', companyPath(company, `/journal-entries/${entry.id}/reverse`), { body: {}, ifMatch: versionTag(entry.version) });
			navigate(`/c/${company}/entries/${data.id}`);
		} catch (err) {
			setError(err);
			onDone();
		} finally {
			setBusy(false);
		}
	};
	return html`<div class="actions"><${ProblemBanner} error=${error} /><button type="button" disabled=${busy} onClick=${reverse}>Reverse</button></div>`;
}

function DraftActions({ me, company, entry, onDone }) {
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const refusal = postRefusal(me, company, entry);
	const act = async (method, path, after) => {
		setBusy(true);
		try {
			await api(method, companyPath(company, path), { body: method === 'POST' ? {} : undefined, ifMatch: versionTag(entry.version) });
			after();
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};
	return html`<div class="actions">
		<${ProblemBanner} error=${error} />
		<button type="button" class="primary" disabled=${busy || Boolean(refusal)} aria-describedby=${refusal ? 'post-refusal' : undefined}
			onClick=${() => act('POST', `/journal-entries/${entry.id}/post`, onDone)}>Post</button>
		${refusal ? html`<span id="post-refusal" class="reason">${refusal}</span>` : ''}
		${entry.author_id === me.user.id ? html`<button type="button" disabled=${busy}
			onClick=${() => act('DELETE', `/journal-entries/${entry.id}`, () => navigate(`/c/${company}/entries`))}>Delete draft</button>` : ''}
	</div>`;
}

function Editor({ me, company, entry, accounts, onSaved }) {
	const [form, setForm] = useState(formOf(entry));
	const [key] = useState(newIdempotencyKey);
	const [error, setError] = useState(null);
	const [stale, setStale] = useState(null);
	const [busy, setBusy] = useState(false);
	const currency = me.companies.find((c) => c.code === company)?.currency;
	const set = (name) => (value) => setForm({ ...form, [name]: value });
	const save = async (e) => {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			if (!entry) {
				const { data } = await api('POST', companyPath(company, '/journal-entries'), { body: bodyOf(form), idempotencyKey: key });
				navigate(`/c/${company}/entries/${data.id}`);
			} else {
				await api('PUT', companyPath(company, `/journal-entries/${entry.id}`), { body: bodyOf(form), ifMatch: versionTag(entry.version) });
				onSaved();
			}
		} catch (err) {
			if (err.status === 412) {
				const current = await api('GET', companyPath(company, `/journal-entries/${entry.id}`)).then((r) => r.data, () => null);
				setStale({ current });
			} else setError(err);
		} finally {
			setBusy(false);
		}
	};
	return html`<form onSubmit=${save} aria-label="Journal entry">
		${stale ? html`<${StaleConflict} me=${me} current=${stale.current} onReload=${onSaved} />` : ''}
		<${ProblemBanner} error=${error} />
		<div class="row">
			<${Field} label="Date" type="date" pointer="/date" problem=${error} value=${form.date} onInput=${set('date')} required />
			<${Field} label="Memo" pointer="/memo" problem=${error} value=${form.memo} onInput=${set('memo')} required />
			<${Field} label="Reference" pointer="/reference" problem=${error} value=${form.reference} onInput=${set('reference')} />
		</div>
		<${LinesEditor} lines=${form.lines} setLines=${set('lines')} accounts=${accounts} problem=${error} currency=${currency} />
		<div class="actions"><button type="submit" class="primary" disabled=${busy}>${entry ? 'Save changes' : 'Save draft'}</button></div>
	</form>`;
}

function ReadOnly({ entry }) {
	return html`<table class="lines"><thead><tr><th>Account</th><th>Description</th><th class="num">Debit</th><th class="num">Credit</th><th>Currency</th></tr></thead>
		<tbody>${entry.lines.map((l) => html`<tr><td>${l.account}</td><td>${l.description || ''}</td><td class="num">${l.debit || ''}</td><td class="num">${l.credit || ''}</td><td>${l.currency}</td></tr>`)}</tbody></table>`;
}

export function EntryPage({ me, company, id }) {
	const isNew = id === 'new';
	const accounts = useLoad(() => listAll(companyPath(company, '/accounts'), { active: true }), [company]);
	const entry = useLoad(async () => (isNew ? null : (await api('GET', companyPath(company, `/journal-entries/${encodeURIComponent(id)}`))).data), [company, id]);
	const [generation, setGeneration] = useState(0);
	const reload = () => { entry.reload(); setGeneration(generation + 1); };
	if (entry.error) return html`<h1>Journal entry</h1><${ProblemBanner} error=${entry.error} />`;
	if (entry.loading && !entry.data && !isNew) return html`<p class="muted">Loading…</p>`;
	const e = entry.data;
	const editable = isNew || (e.status === 'draft' && e.author_id === me.user.id && holds(me, company, 'ledger.journal.create'));
	return html`<h1>${isNew ? 'New journal entry' : e.number ? `Entry ${e.number}` : 'Draft entry'}</h1>
		${e ? html`<p class="muted">${e.status} · version ${e.version} · ${e.date} · ${e.memo}${e.reverses ? ' · a reversal' : ''}${e.posted_at ? ` · posted ${when(e.posted_at)}` : ''}</p>` : ''}
		${editable
			? html`<${Editor} key=${`${generation}-${e?.version}`} me=${me} company=${company} entry=${e} accounts=${accounts.data || []} onSaved=${reload} />`
			: html`<${ReadOnly} entry=${e} />`}
		${e && e.status === 'draft' ? html`<${DraftActions} me=${me} company=${company} entry=${e} onDone=${reload} />` : ''}
		${e && e.status === 'posted' ? html`<${PostedActions} me=${me} company=${company} entry=${e} onDone=${reload} />` : ''}
		<p><a href=${link(`/c/${company}/entries`)}>All entries</a></p>`;
}

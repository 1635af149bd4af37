// The lines of a draft entry and their live totals per currency (a line's
// currency is its account's): what is out of balance shows before saving.
import { html } from '../html.js';
import { fromUnits, sum } from '../money.js';
import { FieldError, fieldErrors } from '../ui/problem.js';

export function totalsByCurrency(lines, accounts, fallback) {
	const currencyOf = (code) => accounts.find((a) => a.code === code)?.currency || fallback;
	const groups = new Map();
	for (const line of lines) {
		const currency = currencyOf(line.account);
		if (!groups.has(currency)) groups.set(currency, []);
		groups.get(currency).push(line);
	}
	return [...groups].map(([currency, group]) => {
		const debit = sum(group.map((l) => l.debit));
		const credit = sum(group.map((l) => l.credit));
		return { currency, debit: fromUnits(debit), credit: fromUnits(credit), difference: fromUnits(debit - credit), balanced: debit === credit && debit > 0n };
	});
}

function Cell({ index, name, line, problem, onChange, label, ...rest }) {
	const pointer = `/lines/${index}/${name}`;
	const id = `line-${index}-${name}`;
	const invalid = fieldErrors(problem?.problem, pointer).length > 0;
	return html`<td>
		<input id=${id} aria-label=${`${label}, line ${index + 1}`} value=${line[name] || ''} aria-invalid=${invalid ? 'true' : undefined}
			aria-describedby=${invalid ? `${id}-error` : undefined} onInput=${(e) => onChange({ ...line, [name]: e.target.value })} ...${rest} />
		<${FieldError} problem=${problem?.problem} pointer=${pointer} id=${`${id}-error`} />
	</td>`;
}

export function LinesEditor({ lines, setLines, accounts, problem, currency }) {
	const change = (i) => (line) => setLines(lines.map((l, j) => (j === i ? line : l)));
	const totals = totalsByCurrency(lines, accounts, currency);
	return html`<table class="lines">
		<thead><tr><th>Account</th><th>Description</th><th class="num">Debit</th><th class="num">Credit</th><th><span class="visually-hidden">Remove</span></th></tr></thead>
		<tbody>${lines.map((line, i) => html`<tr>
			<${Cell} index=${i} name="account" label="Account" line=${line} problem=${problem} onChange=${change(i)} list="account-codes" size="8" />
			<${Cell} index=${i} name="description" label="Description" line=${line} problem=${problem} onChange=${change(i)} />
			<${Cell} index=${i} name="debit" label="Debit" line=${line} problem=${problem} onChange=${change(i)} inputmode="decimal" class="num" size="12" />
			<${Cell} index=${i} name="credit" label="Credit" line=${line} problem=${problem} onChange=${change(i)} inputmode="decimal" class="num" size="12" />
			<td><button type="button" aria-label=${`Remove line ${i + 1}`} disabled=${lines.length <= 2} onClick=${() => setLines(lines.filter((_, j) => j !== i))}>Remove</button></td>
		</tr>`)}</tbody>
		<tfoot>${totals.map((t) => html`<tr class=${t.balanced ? 'balanced' : 'unbalanced'} data-currency=${t.currency}>
			<th colspan="2">Total ${t.currency}${t.balanced ? ' (balanced)' : ` (difference ${t.difference})`}</th>
			<td class="num total-debit">${t.debit}</td><td class="num total-credit">${t.credit}</td><td></td>
		</tr>`)}</tfoot>
	</table>
	<datalist id="account-codes">${accounts.map((a) => html`<option value=${a.code}>${a.name}</option>`)}</datalist>
	<button type="button" onClick=${() => setLines([...lines, { account: '', description: '', debit: '', credit: '' }])}>Add line</button>`;
}

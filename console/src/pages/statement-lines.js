// The rows of a financial statement's section: the accounts depth first as
// the API sends them, each indented by its level, and after a parent's
// children a subtotal row (its own and its descendants' postings). With a
// comparison, a second amount column.
import { html } from '../html.js';
import { link } from '../router.js';

const indent = (level) => `indent-${Math.min(level, 6)}`;

// The rows in display order: { a, subtotal } (subtotal: the parent closing).
function statementRows(accounts) {
	const rows = [];
	const open = [];
	accounts.forEach((a, i) => {
		const next = accounts[i + 1];
		rows.push({ a, subtotal: false });
		if (next && next.level > a.level) open.push(a);
		while (open.length && (!next || next.level <= open[open.length - 1].level)) rows.push({ a: open.pop(), subtotal: true });
	});
	return rows;
}

export function SectionRows({ company, section, label, compared }) {
	return html`${statementRows(section.accounts).map(({ a, subtotal }) => subtotal
		? html`<tr class="subtotal" data-subtotal=${a.code}><td class=${indent(a.level)}>Total ${a.code} ${a.name}</td>
			<td class="num">${a.total}</td>${compared ? html`<td class="num">${a.compare_total}</td>` : ''}</tr>`
		: html`<tr data-account=${a.code}><td class=${indent(a.level)}><a href=${link(`/c/${company}/accounts/${a.code}`)}>${a.code}</a> ${a.name}</td>
			<td class="num">${a.amount}</td>${compared ? html`<td class="num">${a.compare_amount}</td>` : ''}</tr>`)}
		<tr class="total" data-section=${section.type}><th scope="row">Total ${label}</th>
			<td class="num">${section.total}</td>${compared ? html`<td class="num">${section.compare_total}</td>` : ''}</tr>`;
}

export function CompareSelect({ value, onChange }) {
	return html`<label>Compare with <select value=${value} onChange=${(e) => onChange(e.target.value)}>
		<option value="">nothing</option><option value="previous-period">the previous period</option><option value="previous-year">the previous year</option>
	</select></label>`;
}

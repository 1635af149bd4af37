// Problem details where the user looks: the API's own words at the top of
// a form, and each field's error next to the field its JSON pointer names.
import { html } from '../html.js';

// The errors a problem lists for one JSON pointer ("/lines/0/debit").
export function fieldErrors(problem, pointer) {
	const errors = (problem && problem.errors) || [];
	return errors.filter((e) => (e.pointer ?? (e.parameter !== undefined ? `/${e.parameter}` : '')) === pointer);
}

export function ProblemBanner({ error }) {
	if (!error) return null;
	const p = error.problem || {};
	const fieldCount = (p.errors || []).length;
	return html`<div class="problem" role="alert">
		<strong>${p.title || 'Refused'}</strong>${p.detail ? html`: ${p.detail}` : ''}
		${fieldCount ? html`<div class="muted">See the ${fieldCount === 1 ? 'field' : 'fields'} marked below.</div>` : ''}
		${p.instance ? html`<div class="muted small">Request ${p.instance}</div>` : ''}
	</div>`;
}

export function FieldError({ problem, pointer, id }) {
	const errors = fieldErrors(problem, pointer);
	if (!errors.length) return null;
	return html`<span class="field-error" id=${id}>${errors.map((e) => e.detail || e.code).join('; ')}</span>`;
}

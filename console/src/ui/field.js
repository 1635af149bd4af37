// A labelled input whose error (by JSON pointer) is shown beside it and
// announced with it (aria-describedby, aria-invalid).
import { html } from '../html.js';
import { FieldError, fieldErrors } from './problem.js';

let counter = 0;
const nextId = () => `f${++counter}`;

export function Field({ label, pointer, problem, value, onInput, type = 'text', required, options, id, ...rest }) {
	const inputId = id || (pointer ? `field${pointer.replace(/\//g, '-')}` : nextId());
	const errorId = `${inputId}-error`;
	const invalid = fieldErrors(problem?.problem, pointer).length > 0;
	const common = {
		id: inputId,
		'aria-invalid': invalid ? 'true' : undefined,
		'aria-describedby': invalid ? errorId : undefined,
		required,
		...rest,
	};
	const control = options
		? html`<select ...${common} value=${value} onChange=${(e) => onInput(e.target.value)}>
				${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
			</select>`
		: html`<input ...${common} type=${type} value=${value} onInput=${(e) => onInput(e.target.value)} />`;
	return html`<div class="field">
		<label for=${inputId}>${label}</label>
		${control}
		<${FieldError} problem=${problem?.problem} pointer=${pointer} id=${errorId} />
	</div>`;
}

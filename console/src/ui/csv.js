// A report as a CSV file. With a source ({ path, query }) the server's own
// CSV is fetched (every row, not only the page on screen); without one (the
// routes the server answers only in JSON), the file is made in the browser
// from the header and rows given.
import { useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { fetchCsv } from '../api.js';
import { ProblemBanner } from './problem.js';

function cell(value) {
	const text = value === null || value === undefined ? '' : String(value);
	return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function save(blob, filename) {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function CsvButton({ filename, header, rows, source }) {
	const [state, setState] = useState({ busy: false, error: null });
	const download = async () => {
		setState({ busy: true, error: null });
		try {
			save(source ? await fetchCsv(source.path, source.query) : new Blob([[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'], { type: 'text/csv' }), filename);
			setState({ busy: false, error: null });
		} catch (error) {
			setState({ busy: false, error });
		}
	};
	return html`<button type="button" onClick=${download} disabled=${state.busy}>Download CSV</button>
		${state.error ? html`<${ProblemBanner} error=${state.error} />` : ''}`;
}

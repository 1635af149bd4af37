// A table as a CSV file, made in the browser from what the API answered.
import { html } from '../html.js';

function cell(value) {
	const text = value === null || value === undefined ? '' : String(value);
	return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function CsvButton({ filename, header, rows }) {
	const download = () => {
		const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
		const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
		const a = document.createElement('a');
		a.href = url;
		a.download = filename;
		a.click();
		setTimeout(() => URL.revokeObjectURL(url), 1000);
	};
	return html`<button type="button" onClick=${download}>Download CSV</button>`;
}

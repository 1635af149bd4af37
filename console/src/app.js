import { html } from './html.js';

export function App() {
	return html`<main><h1>Antigravity ERP</h1></main>`;
}

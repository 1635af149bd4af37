// The console's entry point: replaces the "Loading" line with the application.
import { render } from '../vendor/preact.js';
import { html } from './html.js';
import { App } from './app.js';

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);

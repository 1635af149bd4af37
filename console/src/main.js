// The console's entry point: mounts the application into #app.
import { render } from '../vendor/preact.js';
import { html } from './html.js';
import { App } from './app.js';

render(html`<${App} />`, document.getElementById('app'));

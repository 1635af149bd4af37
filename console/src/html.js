// htm bound to Preact's h: JSX-like templates with no compile step and no eval.
import { h } from '../vendor/preact.js';
import htm from '../vendor/htm.js';

export const html = htm.bind(h);

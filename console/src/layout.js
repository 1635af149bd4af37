// The frame around every page: who is logged in, the company switcher (only
// the caller's companies), the menu, and logout.
import { html } from './html.js';
import { link, navigate } from './router.js';
import { logOut } from './session.js';
import { itemPath, menuFor } from './menu.js';

function CompanySwitcher({ me, company, page }) {
	if (!me.companies.length) return html`<span class="muted">No company</span>`;
	const change = (e) => navigate(`/c/${e.target.value}/${page && page !== 'admin' ? page : 'entries'}`);
	return html`<label class="switcher">Company
		<select value=${company || ''} onChange=${change}>
			${company ? '' : html`<option value="">Choose…</option>`}
			${me.companies.map((c) => html`<option value=${c.code}>${c.code} · ${c.name}</option>`)}
		</select>
	</label>`;
}

function Menu({ me, company, current }) {
	const items = menuFor(me, company);
	const sections = [...new Set(items.map((i) => i.section))];
	return html`<nav class="menu" aria-label="Main menu">
		${sections.map((section) => html`<section>
			<h2>${section}</h2>
			<ul>${items.filter((i) => i.section === section).map((item) => html`<li>
				<a href=${link(itemPath(item, company))} aria-current=${current === item.page ? 'page' : undefined}>${item.label}</a>
			</li>`)}</ul>
		</section>`)}
	</nav>`;
}

export function Layout({ me, company, page, children }) {
	return html`<div class="frame">
		<header class="top">
			<a class="brand" href=${link('/')}>Antigravity ERP</a>
			<${CompanySwitcher} me=${me} company=${company} page=${page} />
			<span class="who">${me.user.display_name} <span class="muted">(${me.user.email})</span></span>
			<button type="button" onClick=${() => logOut()}>Log out</button>
		</header>
		<${Menu} me=${me} company=${company} current=${page} />
		<main id="main">${children}</main>
	</div>`;
}

// The application: the login page until someone is logged in, then the
// page the route names, inside the frame, when the caller may see it.
import { html } from './html.js';
import { useRoute } from './router.js';
import { useSession } from './session.js';
import { LoginPage } from './pages/login.js';
import { Layout } from './layout.js';
import { MENU, menuFor, itemPath } from './menu.js';
import { PAGES } from './pages/index.js';

function Home({ me }) {
	const company = me.companies[0]?.code;
	const items = menuFor(me, company);
	return html`<h1>Welcome, ${me.user.display_name}</h1>
		${items.length
			? html`<p>Choose a page from the menu${company ? html`, or start with <a href=${'#' + itemPath(items[0], company)}>${items[0].label}</a>` : ''}.</p>`
			: html`<p>You hold no permission that the console has a page for. Ask an administrator for a role.</p>`}`;
}

function NoAccess({ what }) {
	return html`<h1>Not available</h1><p role="alert">${what}</p>`;
}

function resolve(route, me) {
	const [area, first, second, ...rest] = route.parts;
	if (area === 'c') {
		const company = first;
		const item = MENU.find((m) => !m.global && m.page === second);
		if (!me.companies.some((c) => c.code === company))
			return { company: null, page: second, body: html`<${NoAccess} what=${`You have no access to the company ${company}.`} />` };
		if (!item || !menuFor(me, company).includes(item))
			return { company, page: second, body: html`<${NoAccess} what="You do not hold the permission for this page in this company." />` };
		const Page = PAGES[second];
		return { company, page: second, body: html`<${Page} me=${me} company=${company} rest=${rest} key=${route.path} />` };
	}
	if (area === 'admin') {
		const item = MENU.find((m) => m.global && m.page === first);
		const company = me.companies[0]?.code;
		if (!item || !menuFor(me, company).includes(item))
			return { company, page: first, body: html`<${NoAccess} what="You do not hold the permission for this page." />` };
		const Page = PAGES[first];
		return { company, page: first, body: html`<${Page} me=${me} rest=${[second, ...rest].filter(Boolean)} key=${route.path} />` };
	}
	return { company: me.companies[0]?.code, page: null, body: html`<${Home} me=${me} />` };
}

export function App() {
	const session = useSession();
	const route = useRoute();
	if (!session.me) return html`<${LoginPage} notice=${session.notice} />`;
	const { company, page, body } = resolve(route, session.me);
	return html`<${Layout} me=${session.me} company=${company} page=${page}>${body}<//>`;
}

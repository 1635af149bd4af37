// Hash routes ("#/c/DEMO/entries/42"): the server serves one page, the
// browser keeps history, and nothing of a route ever reaches the server.
import { useEffect, useState } from '../vendor/hooks.js';

export function currentRoute() {
	const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
	return { parts, path: '/' + parts.join('/') };
}

export function useRoute() {
	const [route, setRoute] = useState(currentRoute());
	useEffect(() => {
		const changed = () => setRoute(currentRoute());
		addEventListener('hashchange', changed);
		return () => removeEventListener('hashchange', changed);
	}, []);
	return route;
}

export function navigate(path) {
	location.hash = '#' + path;
}

export const link = (path) => '#' + path.split('/').map((p) => encodeURIComponent(p)).join('/');

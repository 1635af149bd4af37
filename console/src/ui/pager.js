// Lists page with the API's cursors: "Next" follows next_cursor, "Previous"
// goes back along the cursors already followed.
import { useCallback, useEffect, useState } from '../../vendor/hooks.js';
import { html } from '../html.js';
import { api } from '../api.js';

export function usePagedList(path, query, pageSize = 25) {
	const [cursors, setCursors] = useState([null]);
	const [page, setPage] = useState({ items: [], next_cursor: null });
	const [error, setError] = useState(null);
	const [loading, setLoading] = useState(true);
	const cursor = cursors[cursors.length - 1];
	const key = JSON.stringify(query);

	const load = useCallback(async () => {
		setLoading(true);
		try {
			const { data } = await api('GET', path, { query: { ...query, limit: pageSize, cursor } });
			setPage(data);
			setError(null);
		} catch (e) {
			setError(e);
		} finally {
			setLoading(false);
		}
	}, [path, key, cursor]);

	useEffect(() => { setCursors([null]); }, [path, key]);
	useEffect(() => { load(); }, [load]);

	return {
		items: page.items,
		error,
		loading,
		reload: load,
		pager: html`<nav class="pager" aria-label="Pages">
			<button type="button" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>Previous page</button>
			<span class="muted">Page ${cursors.length}</span>
			<button type="button" disabled=${!page.next_cursor} onClick=${() => setCursors([...cursors, page.next_cursor])}>Next page</button>
		</nav>`,
	};
}

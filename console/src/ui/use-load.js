// Loads something once (and again on reload()): { data, error, loading, reload }.
import { useCallback, useEffect, useState } from '../../vendor/hooks.js';

export function useLoad(loader, deps) {
	const [state, setState] = useState({ data: null, error: null, loading: true });
	const reload = useCallback(async () => {
		setState((s) => ({ ...s, loading: true }));
		try {
			setState({ data: await loader(), error: null, loading: false });
		} catch (error) {
			setState({ data: null, error, loading: false });
		}
	}, deps);
	useEffect(() => { reload(); }, [reload]);
	return { ...state, reload };
}

// A form's submission: busy while in flight (a second click does nothing),
// the refusal kept for the banner and the fields.
import { useState } from '../../vendor/hooks.js';

export function useSubmit(action) {
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const submit = async (event) => {
		event?.preventDefault?.();
		if (busy) return;
		setBusy(true);
		setError(null);
		try {
			await action();
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};
	return { submit, error, busy, setError };
}

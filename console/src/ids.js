// A fresh Idempotency-Key per form: a double click or a retry of the same
// form sends the same key, so the server books it once.
export function newIdempotencyKey() {
	if (crypto.randomUUID) return crypto.randomUUID();
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

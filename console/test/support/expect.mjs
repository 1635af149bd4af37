// Assertions that say what was expected and what was seen; text checks wait
// (up to 10 s) for the page to get there, as a person would.
export function expect(condition, message) {
	if (!condition) throw new Error(message);
}

export async function expectText(locator, pattern, what, timeoutMs = 10000) {
	const deadline = Date.now() + timeoutMs;
	let text = '';
	for (;;) {
		text = (await locator.allInnerTexts().catch(() => [])).join(' | ');
		if (pattern.test(text) || Date.now() > deadline) break;
		await new Promise((r) => setTimeout(r, 100));
	}
	expect(pattern.test(text), `${what}: expected ${pattern}, saw "${text.slice(0, 300)}"`);
}

// Waits (up to 10 s) until check(value of read()) holds; fails with what was last read.
export async function eventually(read, check, what, timeoutMs = 10000) {
	const deadline = Date.now() + timeoutMs;
	let value;
	for (;;) {
		value = await read();
		if (check(value) || Date.now() > deadline) break;
		await new Promise((r) => setTimeout(r, 100));
	}
	expect(check(value), `${what}: saw ${JSON.stringify(value).slice(0, 300)}`);
}

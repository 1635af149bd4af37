// Decimal amounts as the API writes them ("1234.50"), added exactly: in
// ten-thousandths as BigInt, never as floating point.
const SCALE = 4;

export function toUnits(text) {
	const match = /^\s*(-)?(\d*)(?:\.(\d*))?\s*$/.exec(String(text ?? ''));
	if (!match || (!match[2] && !match[3])) return null;
	const fraction = (match[3] || '').padEnd(SCALE, '0');
	if (fraction.length > SCALE) return null;
	const units = BigInt((match[2] || '0') + fraction);
	return match[1] ? -units : units;
}

export function fromUnits(units, decimals = 2) {
	const negative = units < 0n;
	const digits = (negative ? -units : units).toString().padStart(SCALE + 1, '0');
	const whole = digits.slice(0, -SCALE);
	const fraction = digits.slice(-SCALE).slice(0, decimals);
	return `${negative ? '-' : ''}${whole}${decimals ? '.' + fraction : ''}`;
}

export function sum(values) {
	return values.reduce((total, value) => total + (toUnits(value) ?? 0n), 0n);
}

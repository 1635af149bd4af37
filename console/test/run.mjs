#!/usr/bin/env node
// The web console's browser tests (make test-console):
//
//   node console/test/run.mjs BUILD_DIR [--screenshots DIR]
//
// Starts the real stack (support/stack.mjs), seeds it, drives Debian's
// Chromium through playwright-core along each journey (journeys/*.mjs), and
// on every page checks accessibility (axe-core), keyboard reach and the
// Content-Security-Policy. Where Chromium cannot start the tests are
// skipped with a loud message. Writes BUILD_DIR/console-test/test-summary
// ("passed failed") and ends with "N passed, N failed".
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, Problems, launch } from './support/browser.mjs';
import { startServer, startStack } from './support/stack.mjs';
import { seed, seedReceivables } from './support/seed.mjs';
import { JOURNEYS } from './journeys/index.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const build = resolve(process.argv[2] || join(repo, 'build'));
const shotsFlag = process.argv.indexOf('--screenshots');
const screenshots = shotsFlag > 0 ? resolve(process.argv[shotsFlag + 1]) : null;
const out = join(build, 'console-test');
const only = process.env.ERP_CONSOLE_TEST_ONLY || '';
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'test-summary'), '0 1\n');
if (screenshots) mkdirSync(screenshots, { recursive: true });

function skip(reason) {
	const bar = '!'.repeat(78);
	console.log(`${bar}\n!! console tests SKIPPED: ${reason}\n!! (make deps installs Debian's chromium; ERP_CHROMIUM names another)\n${bar}`);
	writeFileSync(join(out, 'test-summary'), '0 0\n');
	console.log('0 passed, 0 failed, 1 skipped');
	process.exit(0);
}

if (!existsSync(join(build, 'console/index.html'))) {
	console.error(`console tests: no console in ${build}/console (make build)`);
	process.exit(1);
}
let browser;
try {
	if (!existsSync(CHROMIUM)) skip(`no Chromium at ${CHROMIUM}`);
	browser = await launch();
} catch (error) {
	skip(`Chromium cannot start: ${String(error.message).split('\n')[0]}`);
}

const stack = startStack(repo, build);
let passed = 0;
let failed = 0;
try {
	const users = seed(repo, build, stack);
	await startServer(stack, build);
	const receivables = await seedReceivables(stack.baseUrl, users.password);
	const world = { browser, baseUrl: stack.baseUrl, password: users.password, receivables, screenshots };
	for (const [name, journey] of Object.entries(JOURNEYS)) {
		if (only && !name.includes(only)) continue;
		const problems = new Problems();
		const started = Date.now();
		try {
			await journey({ ...world, problems });
		} catch (error) {
			problems.add(error.stack || String(error));
		}
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		if (problems.list.length) {
			failed++;
			console.log(`FAIL ${name} (${seconds} s)\n${problems.list.map((p) => `     ${p}`).join('\n')}`);
		} else {
			passed++;
			console.log(`ok   ${name} (${seconds} s)`);
		}
	}
} finally {
	await browser.close();
	stack.stop();
}
writeFileSync(join(out, 'test-summary'), `${passed} ${failed}\n`);
console.log(`console tests: ${passed} passed, ${failed} failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

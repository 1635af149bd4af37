// The real stack the browser tests drive: a throw-away PostgreSQL cluster
// (tools/pg-cluster), the schema (erp-server migrate), the seeded users and
// companies (seed.mjs), and the build's erp-server serving the console.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, chmodSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export function startStack(repo, build) {
	const work = mkdtempSync(join(tmpdir(), 'erp-console-'));
	chmodSync(work, 0o755);
	const pg = join(work, 'pg');
	const tool = (...args) => execFileSync(join(repo, 'tools/pg-cluster'), args, {
		env: { ...process.env, ERP_FREE_PORT: join(build, 'bin/free-port') }, encoding: 'utf8' }).trim();
	execFileSync('mkdir', ['-p', pg]);
	chmodSync(pg, 0o755);
	tool('init', pg, '--fast');
	tool('start', pg);
	tool('createdb', pg, 'erp_console');
	const databaseUrl = tool('url', pg, 'erp_console');
	const keyFile = join(work, 'audit-key');
	writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
	const port = execFileSync(join(build, 'bin/free-port'), { encoding: 'utf8' }).trim();
	const env = {
		PATH: process.env.PATH,
		ERP_DATABASE_URL: databaseUrl,
		ERP_MIGRATIONS_DIR: join(repo, 'server/prisma/migrations'),
		ERP_AUDIT_KEY_FILE: keyFile,
		ERP_ENV: 'test',
		ERP_HTTP_ADDR: '127.0.0.1',
		ERP_HTTP_PORT: port,
		ERP_CONSOLE_DIR: join(build, 'console'),
		ERP_LOGIN_MAX_SUCCESSES: '1000',
		ERP_LOG_LEVEL: 'warn',
	};
	execFileSync(join(build, 'bin/erp-server'), ['migrate'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
	return {
		work, pg, env, databaseUrl, baseUrl: `http://127.0.0.1:${port}`, server: null,
		stop() {
			if (this.server) this.server.kill('SIGTERM');
			try { tool('destroy', pg); } catch { /* already gone */ }
			rmSync(work, { recursive: true, force: true });
		},
	};
}

export async function startServer(stack, build) {
	const log = join(stack.work, 'server.log');
	const out = (await import('node:fs')).openSync(log, 'a');
	stack.server = spawn(join(build, 'bin/erp-server'), ['serve'], { env: stack.env, stdio: ['ignore', out, out] });
	for (let i = 0; i < 100; i++) {
		try {
			if ((await fetch(`${stack.baseUrl}/readyz`)).ok) return;
		} catch { /* not listening yet */ }
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`erp-server did not become ready:\n${readFileSync(log, 'utf8').slice(-2000)}`);
}

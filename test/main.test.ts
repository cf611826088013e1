import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createTestApp } from './support/app';

/**
 * The `npm start` path end to end, in a child process: embedded PostgreSQL in a fresh DATA_DIR,
 * migrations, demo seeds, GraphQL over HTTP, then SIGTERM → exit 0; a second start reuses the
 * folder and does not seed again.
 */
const MAIN = path.join(__dirname, '..', 'src', 'main.ts');

function start(dataDir: string, databaseUrl = ''): Promise<{ url: string; output: () => string; stop: (signal: NodeJS.Signals) => Promise<number | null> }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN], {
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /serving GraphQL at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve({
          url: match[1],
          output: () => output,
          stop: (signal) => {
            child.kill(signal);
            return exited;
          },
        });
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`server exited early (${code}):\n${output}`));
    });
  });
}

describe('npm start', () => {
  const dataDir = mkdtempSync(path.join(__dirname, '..', '.data', 'start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts an embedded database, seeds it once, serves GraphQL and stops cleanly', async () => {
    const first = await start(dataDir);
    expect(first.output()).toContain('loaded the demo alliance');
    const health = await fetch(first.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ health { ok } }"}' });
    expect(await health.json()).toEqual({ data: { health: { ok: true } } });
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await start(dataDir);
    expect(second.output()).not.toContain('loaded the demo alliance');
    const anonymous = await fetch(second.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ stakeholders { totalCount } }"}' });
    expect(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await second.stop('SIGINT')).toBe(0);
  }, 90_000);

  it('uses DATABASE_URL when set and starts nothing embedded', async () => {
    const app = await createTestApp();
    const unused = path.join(dataDir, 'never-created');
    try {
      const server = await start(unused, app.url);
      expect(server.output()).toMatch(/database: PostgreSQL at 127\.0\.0\.1:\d+\/ag_test_/);
      const [{ n }] = (await app.db.query(`SELECT count(*)::int AS n FROM stakeholder WHERE kind = 'PATIENT'`)) as { n: number }[];
      expect(n).toBeGreaterThanOrEqual(200);
      expect(await server.stop('SIGTERM')).toBe(0);
      expect(existsSync(unused)).toBe(false);
    } finally {
      await app.close();
    }
  }, 60_000);
});

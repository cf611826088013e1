import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { createTestApp, type TestApp } from './support/app';

/**
 * GraphiQL at GET /graphql in development (src/explorer/graphiql.ts): bundled from npm packages
 * and served by this server, so the page makes no request to any other host. Driven in Debian's
 * Chromium (/usr/bin/chromium; .ci/run installs it) with playwright-core, as the explorer's test.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, 'artifacts');
const SECRET = 'x'.repeat(40);
jest.setTimeout(120_000);

/** The page's globals as page.evaluate sees them (this file compiles without the DOM lib). */
interface CodeMirrorHost {
  CodeMirror: { setValue(value: string): void; getValue(): string };
}
interface PageGlobals {
  document: { querySelector(selector: string): (CodeMirrorHost & { innerText: string }) | null };
  __graphiql: { fetcher(params: { query: string }, options?: { headers?: Record<string, string> }): Promise<unknown> };
}

let app: TestApp;
let browser: Browser;
const servers: HttpServer[] = [];

async function serve(env: Record<string, string>): Promise<HttpServer> {
  const config = loadConfig({ JWT_SECRET: SECRET, LOG_LEVEL: 'silent', ...env });
  const server = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: GraphiQL's end-to-end test needs Debian's Chromium (apt-get install -y chromium; .ci/run does it)`);
  }
  app = await createTestApp();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) await server.stop();
  await app?.close();
});

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('GraphiQL at /graphql in development', () => {
  it('renders offline (no request leaves 127.0.0.1), runs a query, and sends the headers editor’s bearer token', async () => {
    const dev = await serve({ NODE_ENV: 'development' });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requested: string[] = [];
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // Every request the page makes passes here (data: URLs excepted, they are no request): one to
    // another host is recorded and refused.
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      requested.push(url);
      const { protocol, hostname } = new URL(url);
      if ((protocol === 'http:' || protocol === 'https:') && hostname !== '127.0.0.1' && hostname !== 'localhost') await route.abort();
      else await route.continue();
    });

    // GraphiQL reads an edit's operation name and headers after a debounce: run, and run again
    // until the result pane shows what the edit asked for (no fixed wait on a shared machine).
    const runUntil = async (pattern: RegExp): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        await page.click('.graphiql-execute-button');
        try {
          await page.waitForFunction(
            (source) => new RegExp(source).test((globalThis as unknown as PageGlobals).document.querySelector('.result-window')?.innerText ?? ''),
            pattern.source,
            { timeout: 2_000 },
          );
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
        }
      }
    };

    await page.goto(`${dev.origin}/graphql`);
    await page.waitForSelector('.graphiql-container');
    // The schema arrives by introspection through the page's fetcher; the doc explorer button appears.
    await page.waitForSelector('.graphiql-query-editor .CodeMirror');
    expect(await page.title()).toContain('GraphiQL');

    // { health { ok } } typed into the query editor (CodeMirror's own API), run with the execute button.
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('.graphiql-query-editor .CodeMirror')!.CodeMirror.setValue('{ health { ok } }'));
    await runUntil(/"ok": true/);
    expect(await page.innerText('.result-window')).toContain('"ok": true');

    // The headers editor: a bearer token set there reaches the API (viewer.role is the token's).
    await page.click('.graphiql-editor-tools button[data-name="headers"]');
    const token = await mintDevToken({ role: Role.ADMIN, sub: 'graphiql-e2e' }, loadConfig({ NODE_ENV: 'development', JWT_SECRET: SECRET }));
    await page.evaluate(
      ([headers]) => (globalThis as unknown as PageGlobals).document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')!.CodeMirror.setValue(headers),
      [JSON.stringify({ Authorization: `Bearer ${token}` })] as const,
    );
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('.graphiql-query-editor .CodeMirror')!.CodeMirror.setValue('query Who { viewer { role } }'));
    await runUntil(/"role": "ADMIN"/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'graphiql.png') });

    // The page's own fetcher, called from the page: the same answer as the API gives anyone.
    const direct = await page.evaluate(() => (globalThis as unknown as PageGlobals).__graphiql.fetcher({ query: '{ health { ok } }' }));
    expect(direct).toEqual({ data: { health: { ok: true } } });

    const http = requested.filter((url) => /^https?:/.test(url));
    expect(http).toEqual(expect.arrayContaining([`${dev.origin}/graphql`, `${dev.origin}/graphiql/app.js`, `${dev.origin}/graphiql/app.css`]));
    const elsewhere = http.filter((url) => !['127.0.0.1', 'localhost'].includes(new URL(url).hostname));
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('leaves a non-browser GET /graphql to Apollo, as in every other environment', async () => {
    const dev = await serve({ NODE_ENV: 'development' });
    const test = await serve({ NODE_ENV: 'test' });
    const get = async (server: HttpServer, path: string, headers: Record<string, string>): Promise<{ status: number; type: string | null; body: string }> => {
      const response = await fetch(`${server.origin}${path}`, { headers });
      return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
    };
    const cases: [string, Record<string, string>][] = [
      ['/graphql', {}],
      ['/graphql', { accept: '*/*' }],
      ['/graphql', { accept: 'application/json' }],
      ['/graphql?query=%7B%20health%20%7B%20ok%20%7D%20%7D', { 'apollo-require-preflight': 'true' }],
      ['/graphql?query=%7B%20health%20%7B%20ok%20%7D%20%7D', { accept: 'application/graphql-response+json', 'apollo-require-preflight': 'true' }],
    ];
    for (const [path, headers] of cases) {
      const [fromDev, fromTest] = [await get(dev, path, headers), await get(test, path, headers)];
      expect(fromDev).toEqual(fromTest);
      expect(fromDev.type).not.toMatch(/html/);
    }
    expect(JSON.parse((await get(dev, cases[3][0], cases[3][1])).body)).toEqual({ data: { health: { ok: true } } });
  });

  it('is not served in test or production: /graphql for a browser is not GraphiQL, its bundle is 404', async () => {
    const test = await serve({ NODE_ENV: 'test' });
    const production = await serve({ NODE_ENV: 'production', ID_SECRET: 'i'.repeat(40), DATABASE_URL: app.url });
    for (const server of [test, production]) {
      const page = await fetch(server.url, { headers: { accept: BROWSER_ACCEPT } });
      const text = await page.text();
      expect(text).not.toMatch(/graphiql/i);
      expect(page.status).toBeLessThan(500);
      for (const asset of ['/graphiql/app.js', '/graphiql/app.css']) expect((await fetch(`${server.origin}${asset}`)).status).toBe(404);
    }
    // Production shows no page at all (as test/http-hardening.test.ts holds for Apollo's).
    expect(await (await fetch(production.url, { headers: { accept: BROWSER_ACCEPT } })).text()).not.toMatch(/<html/i);
  });
});

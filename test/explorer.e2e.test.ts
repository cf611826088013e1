import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { GRAPH_QUERY } from '../explorer/query';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { AffiliationKind } from '../src/modules/affiliation/affiliation.entity';
import { ConsentScope } from '../src/modules/consent/consent.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { makeAffiliation } from './support/affiliation.factories';
import { createTestApp, type TestApp } from './support/app';
import { makeConsent } from './support/consent.factories';
import { makeContract } from './support/contract.factories';
import { makePartnership } from './support/partnership.factories';
import { ContractStatus } from '../src/modules/contract/contract.entity';
import { gid, makeStakeholder } from './support/factories';

/**
 * The graph explorer (GET /explore) in a real headless Chromium, driven by playwright-core, and
 * CORS as a browser enforces it. Chromium is Debian's (/usr/bin/chromium; .ci/run installs it).
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, 'artifacts');
jest.setTimeout(120_000);

/** The page's globals, as the functions run in it by page.evaluate see them (this file compiles without the DOM lib). */
interface PageGlobals {
  document: {
    body: { innerText: string };
    getElementById(id: string): { textContent: string | null; getBoundingClientRect(): { left: number; top: number } } | null;
  };
  __explorer: {
    ready: Promise<number>;
    path: string[];
    graph: {
      nodes(): string[];
      edges(): string[];
      source(edge: string): string;
      target(edge: string): string;
      getEdgeAttribute(edge: string, name: string): unknown;
      getNodeAttributes(node: string): Record<string, unknown> & { x: number; y: number };
    };
    renderer: { graphToViewport(p: { x: number; y: number }): { x: number; y: number } };
  };
  probe(api: string, token: string): Promise<string>;
}
type DrawnNode = { id: string; label?: unknown; kind?: unknown; anonymous?: unknown } & Record<string, unknown>;

/** A trivial page on its own origin: fetches `api` with a bearer token and says the outcome in its title. */
function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>pending</title><script>
      async function probe(api, token) {
        try {
          const r = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
            body: JSON.stringify({ query: 'query CorsProbe { viewer { role } }' }) });
          return 'ok ' + r.status + ' ' + JSON.stringify(await r.json());
        } catch (e) { return 'failed ' + e.name; }
      }</script>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

let app: TestApp;
let http: HttpServer;
let browser: Browser;
let allowed: { server: Server; origin: string };
let other: { server: Server; origin: string };
let config: ReturnType<typeof loadConfig>;
let partner: Stakeholder;
let consenting: Stakeholder;
let refusing: Stakeholder;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the explorer's end-to-end test needs Debian's Chromium (apt-get install -y chromium; .ci/run does it)`);
  }
  allowed = await pageServer();
  other = await pageServer();
  config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), CORS_ORIGINS: allowed.origin });
  app = await createTestApp();
  http = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  // A small world: the partner organisation, companies and patient organisations, two patients.
  partner = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Partner Pharma' });
  const biotech = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Small Biotech' });
  const cf = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'CF Patients' });
  const federation = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Rare Federation' });
  const ema = await makeStakeholder(app.db, StakeholderKind.REGULATOR, { name: 'Medicines Agency' });
  await makeAffiliation(app.db, cf, federation);
  await makeAffiliation(app.db, biotech, partner, { kind: AffiliationKind.FUNDED_BY });
  await makeAffiliation(app.db, cf, partner, { kind: AffiliationKind.ADVISES });
  await makeAffiliation(app.db, federation, ema, { kind: AffiliationKind.ADVISES });
  consenting = await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'consenting-heron-4711' });
  refusing = await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'hidden-otter-0815' });
  await makeConsent(app.db, consenting, { granteeId: partner.id, scopes: [ConsentScope.IDENTITY] });
  await makeAffiliation(app.db, consenting, partner, { kind: AffiliationKind.ADVISES });
  await makeAffiliation(app.db, refusing, biotech, { kind: AffiliationKind.ADVISES });
  // A partnership (the non-consenting patient among its members) and an open contract are edges
  // of the graph too; an expired contract is not.
  const institute = await makeStakeholder(app.db, StakeholderKind.RESEARCH_ORGANISATION, { name: 'Trial Institute' });
  await makePartnership(app.db, [{ stakeholder: partner }, { stakeholder: biotech }, { stakeholder: refusing }], { title: 'Lung trial panel' });
  await makeContract(app.db, [{ stakeholder: partner }, { stakeholder: institute }], { title: 'Site agreement', status: ContractStatus.ACTIVE });
  await makeContract(app.db, [{ stakeholder: partner }, { stakeholder: ema }], { title: 'Old advice', status: ContractStatus.EXPIRED });
});

afterAll(async () => {
  await browser?.close();
  await http?.stop();
  await app?.close();
  allowed?.server.close();
  other?.server.close();
});

interface Answer {
  data: {
    stakeholders: {
      edges: {
        node: {
          id: string;
          name: string;
          affiliations: { from: { id: string }; to: { id: string } }[];
          partnerships: { members: { stakeholder: { id: string } }[] }[];
          contracts: { parties: { stakeholder: { id: string } }[] }[];
        };
      }[];
    };
  };
}

describe('the graph explorer at /explore', () => {
  it('draws the graph a PARTNER may see, hides the non-consenting patient, and shows a clicked node', async () => {
    const token = await mintDevToken({ role: Role.PARTNER, org: gid(partner), sub: 'explorer-e2e' }, config);
    // What the API answers to the page's own query, for the same token.
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${http.origin}/explore`);
    expect(await page.title()).toBe('Alliance graph explorer');
    expect(await page.locator('#mint').count()).toBe(0); // development only

    await page.fill('#token', token);
    await page.click('#load button[type=submit]');
    const order = await page.evaluate(() => (globalThis as unknown as PageGlobals).__explorer.ready);

    const response = await fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: GRAPH_QUERY }),
    });
    const answer = (await response.json()) as Answer;
    const ids = new Set<string>();
    for (const { node } of answer.data.stakeholders.edges) {
      ids.add(node.id);
      for (const a of node.affiliations) ids.add(a.from.id).add(a.to.id);
      for (const p of node.partnerships) for (const m of p.members) ids.add(m.stakeholder.id);
      for (const c of node.contracts) for (const party of c.parties) ids.add(party.stakeholder.id);
    }
    expect(ids.size).toBeGreaterThanOrEqual(7);
    expect(order).toBe(ids.size);
    const drawn: DrawnNode[] = await page.evaluate(() => {
      const { graph } = (globalThis as unknown as PageGlobals).__explorer;
      return graph.nodes().map((id) => ({ id, ...graph.getNodeAttributes(id) }));
    });
    expect(new Set(drawn.map((n) => n.id))).toEqual(ids);
    // Every relationship of the graph is drawn: the partnership links its members, the open contract its parties.
    const edges: { source: string; target: string; relation: string; label: string }[] = await page.evaluate(() => {
      const { graph } = (globalThis as unknown as PageGlobals).__explorer;
      return graph.edges().map((e) => ({ source: graph.source(e), target: graph.target(e), relation: graph.getEdgeAttribute(e, 'relation') as string, label: graph.getEdgeAttribute(e, 'label') as string }));
    });
    const labelOf = (id: string): string => drawn.find((n) => n.id === id)!.label as string;
    const relationships = new Set(edges.map((e) => `${e.relation} ${e.label}: ${[labelOf(e.source), labelOf(e.target)].sort().join(' & ')}`));
    expect(relationships).toEqual(
      new Set([
        'PARTNERSHIP Lung trial panel: Partner Pharma & Small Biotech',
        'PARTNERSHIP Lung trial panel: Partner Pharma & Patient partner',
        'PARTNERSHIP Lung trial panel: Patient partner & Small Biotech',
        'CONTRACT Site agreement: Partner Pharma & Trial Institute',
        'MEMBER_OF MEMBER_OF: CF Patients & Rare Federation',
        'FUNDED_BY FUNDED_BY: Partner Pharma & Small Biotech',
        'ADVISES ADVISES: CF Patients & Partner Pharma',
        'ADVISES ADVISES: Medicines Agency & Rare Federation',
        'ADVISES ADVISES: Partner Pharma & consenting-heron-4711',
        'ADVISES ADVISES: Patient partner & Small Biotech',
      ]),
    );

    // The consenting patient is named; the other is an anonymous "Patient partner", its pseudonym nowhere.
    const serialised = JSON.stringify(drawn);
    expect(serialised).toContain('consenting-heron-4711');
    expect(serialised).not.toContain('hidden-otter-0815');
    expect(serialised).not.toContain(refusing.id);
    const anonymous = drawn.filter((n) => n.anonymous === true);
    expect(anonymous).toHaveLength(1);
    expect(anonymous[0]).toMatchObject({ label: 'Patient partner', kind: 'PATIENT' });
    const html = await page.content();
    const text = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.innerText);
    for (const seen of [html, text]) {
      expect(seen).not.toContain('hidden-otter-0815');
      expect(seen).not.toContain(refusing.id);
    }
    expect(text).toContain('Patient partner');

    // A real click on the partner's node, at its place on the canvas.
    const partnerId = gid(partner);
    const at = await page.evaluate((id) => {
      const { document, __explorer } = globalThis as unknown as PageGlobals;
      const { renderer, graph } = __explorer;
      const box = document.getElementById('graph')!.getBoundingClientRect();
      const p = renderer.graphToViewport(graph.getNodeAttributes(id));
      return { x: box.left + p.x, y: box.top + p.y };
    }, partnerId);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('#panel h2[data-node]');
    expect(await page.getAttribute('#panel h2[data-node]', 'data-node')).toBe(partnerId);
    const panel = await page.innerText('#panel');
    expect(panel).toContain('Partner Pharma');
    expect(panel).toContain('COMPANY');
    expect(panel).toContain('FUNDED_BY');
    expect(panel).toContain('Small Biotech');
    expect(panel).toContain('consenting-heron-4711');
    expect(panel).not.toContain('hidden-otter-0815');

    // The shortest path from the partner to the regulator: partner ← CF Patients → federation → regulator.
    await page.selectOption('#path-from', partnerId);
    const ema = drawn.find((n) => n.label === 'Medicines Agency')!.id;
    await page.selectOption('#path-to', ema);
    await page.click('#path-go');
    await page.waitForFunction(() => /Shortest path/.test((globalThis as unknown as PageGlobals).document.getElementById('status')!.textContent ?? ''));
    const path = await page.evaluate(() => (globalThis as unknown as PageGlobals).__explorer.path);
    expect(path).toHaveLength(4);
    expect(path).toEqual(expect.arrayContaining([partnerId, ema]));
    expect(await page.innerText('#status')).toContain('3 step(s): Partner Pharma → CF Patients → Rare Federation → Medicines Agency');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'explorer.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses the dev-token endpoint outside development', async () => {
    const response = await fetch(`${http.origin}/explore/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'ADMIN' }) });
    expect(response.status).toBe(404);
  });
});

describe('the explorer in development', () => {
  it('shows the mint form, and mints a working token with the chosen role and organisation', async () => {
    const devConfig = loadConfig({ NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(40) });
    const dev = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(devConfig), config: devConfig, port: 0, host: '127.0.0.1' });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${dev.origin}/explore`);
      await page.selectOption('#mint-role', 'PARTNER');
      await page.fill('#mint-org', gid(partner));
      await page.click('#mint button[type=submit]');
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__explorer.ready)).toBeGreaterThanOrEqual(7);
      expect(await page.innerText('#status')).toContain('PARTNER of Partner Pharma');
      await page.close();
      const refused = await fetch(`${dev.origin}/explore/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'PARTNER' }) });
      expect(refused.status).toBe(400);
    } finally {
      await dev.stop();
    }
  });
});

describe('CORS from a real browser', () => {
  it('lets a page of an origin in CORS_ORIGINS call the API with a bearer token, and no other origin', async () => {
    const token = await mintDevToken({ role: Role.PARTNER, org: gid(partner), sub: 'cors-e2e' }, config);
    const probe = async (origin: string): Promise<string> => {
      const page = await browser.newPage();
      await page.goto(`${origin}/`);
      const outcome = await page.evaluate(([api, t]) => (globalThis as unknown as PageGlobals).probe(api, t), [http.url, token] as const);
      await page.close();
      return outcome;
    };
    const ok = await probe(allowed.origin);
    expect(ok).toMatch(/^ok 200 /);
    expect(JSON.parse(ok.replace(/^ok 200 /, ''))).toEqual({ data: { viewer: { role: 'PARTNER' } } });
    expect(await probe(other.origin)).toBe('failed TypeError');
  });
});

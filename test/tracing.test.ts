import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { createTestApp, type TestApp } from './support/app';
import { gid, makeStakeholder } from './support/factories';

/**
 * OpenTelemetry tracing (issue 12), end to end: the real server process, started with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP (JSON) receiver in this test, exports a span
 * per request (request id, operation name), per root field and per SQL statement, all in one
 * trace, and none of them carries a planted patient's data, an argument value or the token.
 */
const MAIN = path.join(__dirname, '..', 'src', 'main.ts');
const SECRET = 'x'.repeat(40);

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

let app: TestApp;
let receiver: Server;
const bodies: string[] = [];

beforeAll(async () => {
  app = await createTestApp();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await app.close();
});

function startServer(): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: app.url,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'development',
      SEED_ON_EMPTY: 'false',
      JWT_SECRET: SECRET,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /serving GraphQL at (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearInterval(timer);
      resolve({ url: match[1], stop: () => (child.kill('SIGTERM'), exited) });
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
}

const attribute = (span: OtlpSpan, key: string): string | undefined => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? String(value.intValue) : undefined);
};

it('exports a trace per request: the request, its root field and its SQL statements, without patient data or argument values', async () => {
  const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, {
    pseudonym: 'PlantedPseudonym-4711',
    displayName: 'Planted Real Name',
    email: 'planted.patient@example.org',
  } as never);
  const server = await startServer();
  const token = await mintDevToken({ role: Role.ADMIN, sub: 'tracer' }, loadConfig({ NODE_ENV: 'test', JWT_SECRET: SECRET }));
  const query = `query TracedPatient($id: ID!, $search: String) {
    stakeholder(id: $id) { name ... on Patient { displayName email } }
    stakeholders(first: 5, filter: { search: $search }) { totalCount }
  }`;
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'trace-me-1' },
    body: JSON.stringify({ query, variables: { id: gid(patient), search: 'PlantedSearchArgument' } }),
  });
  const json = (await response.json()) as { data: { stakeholder: { email: string } } };
  expect(json.data.stakeholder.email).toBe('planted.patient@example.org');
  expect(await server.stop()).toBe(0);

  const spans: OtlpSpan[] = bodies.flatMap(
    (body) =>
      (JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
  );
  const request = spans.find((s) => s.name === 'POST /graphql' && attribute(s, 'alliance.request_id') === 'trace-me-1');
  expect(request).toBeDefined();
  expect(attribute(request!, 'graphql.operation.name')).toBe('TracedPatient');
  expect(attribute(request!, 'http.response.status_code')).toBe('200');
  const inTrace = spans.filter((s) => s.traceId === request!.traceId);
  const roots = inTrace.filter((s) => s.name.startsWith('Query.')).map((s) => s.name);
  expect(roots.sort()).toEqual(['Query.stakeholder', 'Query.stakeholders']);
  const statements = inTrace.filter((s) => attribute(s, 'db.system') === 'postgresql' || attribute(s, 'db.system.name') === 'postgresql');
  expect(statements.length).toBeGreaterThanOrEqual(2);
  // Every span of the request descends from the request span.
  const byId = new Map(inTrace.map((s) => [s.spanId, s]));
  for (const span of inTrace) {
    let up: OtlpSpan | undefined = span;
    while (up?.parentSpanId) up = byId.get(up.parentSpanId);
    expect(up?.spanId).toBe(request!.spanId);
  }
  // Nothing exported names the patient, an argument value or the token.
  const exported = bodies.join('\n');
  for (const planted of ['PlantedPseudonym-4711', 'Planted Real Name', 'planted.patient@example.org', 'PlantedSearchArgument', token]) {
    expect({ planted, found: exported.includes(planted) }).toEqual({ planted, found: false });
  }
}, 90_000);

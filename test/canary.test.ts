import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { withoutValues } from '../src/graphql/server';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { createLogger } from '../src/shared/logger';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { createTestApp, type TestApp } from './support/app';
import { gid, makeStakeholder } from './support/factories';
import { makePartnership } from './support/partnership.factories';

/**
 * A canary patient with distinctive identity, contact and health values is read, searched,
 * filtered, written and made to fail through every path we can think of, by viewers who may and
 * may not see it. Afterwards neither the responses of viewers without the right nor any log line
 * (at debug level) contains a canary value or a bearer token.
 */
const CANARY = {
  displayName: 'Quillon Canarywood',
  email: 'quillon.canary7q3x@example.org',
  phone: '+44 7700 900733',
  condition: 'canarian-fever-7q3x',
};
const CANARY_VALUES = Object.values(CANARY);
const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'c'.repeat(40), RATE_LIMIT_USER: '100000', RATE_LIMIT_IP: '100000' });

let app: TestApp;
let http: HttpServer;
const logLines: string[] = [];
const unprivilegedResponses: string[] = [];
const tokens: string[] = [];
let patientId: string;
let adminToken: string;
let partnerToken: string;

beforeAll(async () => {
  app = await createTestApp();
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  http = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, logger, port: 0, host: '127.0.0.1' });
  const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, {
    displayName: CANARY.displayName,
    email: CANARY.email,
    phone: CANARY.phone,
    conditions: [CANARY.condition],
  });
  patientId = gid(patient);
  const company = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Canary Pharma' });
  await makePartnership(app.db, [{ stakeholder: company }, { stakeholder: patient }]);
  adminToken = await mintDevToken({ role: Role.ADMIN, sub: 'canary-admin' }, config);
  partnerToken = await mintDevToken({ role: Role.PARTNER, org: gid(company), sub: 'canary-partner' }, config);
  tokens.push(adminToken, partnerToken);
});
afterAll(async () => {
  await http.stop();
  await app.close();
});

async function call(token: string | null, body: unknown, options: { privileged?: boolean; method?: string; query?: string } = {}): Promise<string> {
  const response = await fetch(options.query ? `${http.url}?${options.query}` : http.url, {
    method: options.method ?? 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.method === 'GET' ? { 'apollo-require-preflight': 'true' } : { 'content-type': 'application/json' }),
    },
    body: options.method === 'GET' ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!options.privileged) unprivilegedResponses.push(text);
  return text;
}

const PATIENT_FIELDS = '... on Patient { pseudonym displayName email phone conditions redactedFields }';

it('lets ADMIN read the canary (so the values really are in the database and the API)', async () => {
  const text = await call(adminToken, { query: `query($id: ID!) { node(id: $id) { ${PATIENT_FIELDS} } }`, variables: { id: patientId } }, { privileged: true });
  for (const value of CANARY_VALUES) expect(text).toContain(value);
});

it('never shows the canary to a viewer without consent, by any read path', async () => {
  await call(partnerToken, { query: `{ stakeholders(first: 50, filter: { kinds: [PATIENT] }) { edges { node { id name ${PATIENT_FIELDS} } } } }` });
  await call(partnerToken, { query: `{ partnerships(first: 10) { edges { node { members { stakeholder { ${PATIENT_FIELDS} } } } } } }` });
  for (const search of [CANARY.displayName, 'Quillon', CANARY.email, CANARY.condition]) {
    await call(partnerToken, { query: 'query($s: String) { stakeholders(filter: { search: $s }) { totalCount edges { node { id } } } }', variables: { s: search } });
  }
  await call(partnerToken, { query: 'query($c: [String!]) { stakeholders(filter: { conditions: $c }) { totalCount } }', variables: { c: [CANARY.condition] } });
  await call(null, { query: `query($id: ID!) { node(id: $id) { ${PATIENT_FIELDS} } }`, variables: { id: patientId } });
  for (const text of unprivilegedResponses) for (const value of CANARY_VALUES) expect(text).not.toContain(value);
});

it('does not echo canary values sent in failing requests', async () => {
  // Invalid input carrying the canary values: validation errors name fields, never values.
  await call(partnerToken, {
    query: 'mutation($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { userErrors { field message code } } }',
    variables: { input: { id: patientId, version: 1, email: `not-an-email ${CANARY.email}`, displayName: CANARY.displayName, phone: CANARY.phone, conditions: [CANARY.condition] } },
  });
  await call(adminToken, {
    query: 'mutation($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { userErrors { field message code } } }',
    variables: { input: { id: patientId, version: 1, email: `broken ${CANARY.email}` } },
  });
  // Variables of the wrong type: graphql-js quotes the value it could not coerce; it must not reach the client.
  await call(partnerToken, { query: 'query($n: Int!) { stakeholders(first: $n) { totalCount } }', variables: { n: CANARY.email } });
  await call(partnerToken, { query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: { email: CANARY.email } } });
  // A token made of canary values, and a GET carrying them in the query string.
  await call(`${CANARY.email}.${CANARY.phone}`, { query: '{ viewer { role } }' });
  await call(partnerToken, null, { method: 'GET', query: `query=${encodeURIComponent(`{ stakeholders(filter: { search: "${CANARY.displayName}" }) { totalCount } }`)}` });
  for (const text of unprivilegedResponses) for (const value of CANARY_VALUES) expect(text).not.toContain(value);
});

it('masks a database failure that quotes canary values, and logs it without them', async () => {
  // A trigger fails the write with a message quoting the new values (as constraint errors do).
  await app.db.query(`CREATE FUNCTION canary_boom() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'refused % % %', NEW.email, NEW.display_name, NEW.phone; END $$`);
  await app.db.query('CREATE TRIGGER canary_boom BEFORE UPDATE ON stakeholder FOR EACH ROW EXECUTE FUNCTION canary_boom()');
  try {
    const [{ version }] = (await app.db.query('SELECT version FROM stakeholder WHERE email = $1', [CANARY.email])) as { version: number }[];
    const text = await call(adminToken, {
      query: 'mutation($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { userErrors { code } } }',
      variables: { input: { id: patientId, version, displayName: `${CANARY.displayName} Jr` } },
    });
    expect(JSON.parse(text).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(text).not.toMatch(/refused|canary_boom|trigger|plpgsql|relation|SQL/i);
  } finally {
    await app.db.query('DROP TRIGGER canary_boom ON stakeholder');
    await app.db.query('DROP FUNCTION canary_boom()');
  }
  for (const text of unprivilegedResponses) for (const value of CANARY_VALUES) expect(text).not.toContain(value);
  expect(logLines.some((line) => line.includes('"unexpected error"'))).toBe(true);
});

it('logged every request, and no log line holds a canary value or a token', async () => {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const requests = logLines.filter((line) => line.includes('"request completed"') || line.includes('"request failed"'));
  expect(requests.length).toBeGreaterThanOrEqual(15);
  const everything = logLines.join('\n');
  for (const value of [...CANARY_VALUES, 'Quillon', '7q3x', ...tokens]) expect(everything).not.toContain(value);
  expect(everything).not.toContain(patientId);
});

describe('graphql-js messages lose the values they quote', () => {
  it.each([
    ['Variable "$n" got invalid value "jane@x.org"; Int cannot represent non-integer value: "jane@x.org"', 'Variable "$n" got an invalid value; expected Int.'],
    ['Variable "$i" got invalid value "jane@x.org" at "i.n"; Int cannot represent non-integer value: "jane@x.org"', 'Variable "$i" got an invalid value at "i.n"; expected Int.'],
    ['Variable "$i" got invalid value { a: "jane@x.org" } at "i.ids[0]"; ID cannot represent value: { a: "jane@x.org" }', 'Variable "$i" got an invalid value at "i.ids[0]"; expected ID.'],
    ['Variable "$i" got invalid value { n: "jane@x.org" }; Field "email" of required type "String!" was not provided.', 'Variable "$i" got an invalid value; Field "email" of required type "String!" was not provided.'],
    ['Variable "$k" got invalid value "jane@x.org"; Value "jane@x.org" does not exist in "K" enum.', 'Variable "$k" got an invalid value; expected K.'],
    ['Int cannot represent non-integer value: "jane@x.org"', 'Int cannot represent non-integer value.'],
    ['Enum "K" cannot represent non-enum value: "jane".', 'Enum "K" cannot represent non-enum value.'],
    ['Value "jane" does not exist in "K" enum.', 'Value does not exist in "K" enum.'],
    ['Cannot query field "nope" on type "Query".', 'Cannot query field "nope" on type "Query".'],
  ])('%s', (message, expected) => {
    expect(withoutValues(message)).toBe(expected);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execute, parse } from 'graphql';
import { Role } from '../src/access/viewer';
import { sqlObserver } from '../src/database/data-source';
import { contextFor } from '../src/graphql/context';
import { buildAppSchema } from '../src/graphql/schema';
import { Company, CompanyType, Stakeholder, StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { ConsentScope } from '../src/modules/consent/consent.entity';
import { admin, createTestApp, dataOf, viewerOf, type TestApp } from './support/app';
import { makeAffiliation } from './support/affiliation.factories';
import { makeConsent } from './support/consent.factories';
import { gid, makeStakeholder } from './support/factories';

/**
 * The read path of issue 15: loaders read raw rows through `Scope.select`; a stakeholder is read
 * without its long and array columns unless the operation selects them somewhere (rows.ts,
 * deferred-columns.ts), and a field over a column that was not read loads it on demand.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const BY_ID = `query ($id: ID!) { stakeholder(id: $id) { name tags description ... on Company { companyType therapeuticAreas efpiaMember } } }`;

describe('deferred columns', () => {
  it('reads the deferred columns an operation selects in the same statement', async () => {
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY, {
      tags: ['rare'],
      description: 'makes medicines',
      companyType: CompanyType.BIOTECH,
      therapeuticAreas: ['oncology', 'haematology'],
      efpiaMember: true,
    } as never);
    const { result, statements } = await app.runCounted<{ stakeholder: Record<string, unknown> }>(BY_ID, { id: gid(company) }, admin());
    expect(dataOf(result).stakeholder).toEqual({
      name: company.name,
      tags: ['rare'],
      description: 'makes medicines',
      companyType: 'BIOTECH',
      therapeuticAreas: ['oncology', 'haematology'],
      efpiaMember: true,
    });
    expect(statements).toHaveLength(1);
    // A query without them does not read them.
    const narrow = await app.runCounted(`query ($id: ID!) { stakeholder(id: $id) { name } }`, { id: gid(company) }, admin());
    expect(narrow.statements).toHaveLength(1);
    expect(narrow.statements[0]).not.toContain('therapeutic_areas');
    expect(statements[0]).toContain('therapeutic_areas');
  });

  it('loads a deferred column the scope was not told about on demand, one batch for every record', async () => {
    const hub = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { diseaseAreas: ['asthma'] } as never);
    const members = [];
    for (let i = 0; i < 3; i++) {
      const company = await makeStakeholder(app.db, StakeholderKind.COMPANY, { tags: [`t${i}`] } as never);
      await makeAffiliation(app.db, company, hub);
      members.push(company);
    }
    // Executed directly on the schema, without the server's plugins: nothing tells the scope what the document selects.
    const schema = await buildAppSchema();
    const document = parse(`query ($id: ID!) { stakeholder(id: $id) { tags ... on PatientOrganisation { diseaseAreas }
      affiliations { from { tags } } } }`);
    const { result, statements } = await sqlObserver(app.db).record(() =>
      Promise.resolve(execute({ schema, document, variableValues: { id: gid(hub) }, contextValue: contextFor(app.db, admin()) })),
    );
    expect(result.errors).toBeUndefined();
    const hubOut = (result.data as { stakeholder: { tags: string[]; diseaseAreas: string[]; affiliations: { from: { tags: string[] } }[] } }).stakeholder;
    expect(hubOut.diseaseAreas).toEqual(['asthma']);
    expect(hubOut.tags).toEqual([]);
    expect(hubOut.affiliations.map((a) => a.from.tags).sort()).toEqual([['t0'], ['t1'], ['t2']]);
    // The hub, its affiliations with their other ends, and two batches of deferred columns (the hub's, then its members').
    expect(statements).toHaveLength(4);
  });

  it('loads no deferred column for a field the policy refuses, and reads it for a viewer it allows', async () => {
    const partnerOrg = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { conditions: ['asthma'] } as never);
    const partner = viewerOf(Role.PARTNER, { orgId: partnerOrg.id });
    // Identity only: the partner may name the patient, not read their health.
    const consent = await makeConsent(app.db, patient, { granteeId: partnerOrg.id, scopes: [ConsentScope.IDENTITY] });
    const schema = await buildAppSchema();
    const document = parse(`query ($id: ID!) { stakeholder(id: $id) { ... on Patient { conditions } } }`);
    const run = () =>
      sqlObserver(app.db).record(() =>
        Promise.resolve(execute({ schema, document, variableValues: { id: gid(patient) }, contextValue: contextFor(app.db, partner) })),
      );
    const refused = await run();
    expect(refused.result.data).toEqual({ stakeholder: { conditions: null } });
    expect(refused.statements.some((sql) => sql.includes('conditions'))).toBe(false);

    await app.db.query(`UPDATE consent SET scopes = '{IDENTITY,HEALTH}' WHERE id = $1`, [consent.id]);
    const allowed = await run();
    expect(allowed.result.data).toEqual({ stakeholder: { conditions: ['asthma'] } });
    expect(allowed.statements.filter((sql) => sql.includes('conditions'))).toHaveLength(1);
    // Through the server the operation's columns are read with the row: one statement fewer.
    const served = await app.runCounted(`query ($id: ID!) { stakeholder(id: $id) { ... on Patient { conditions } } }`, { id: gid(patient) }, partner);
    expect(dataOf(served.result)).toEqual({ stakeholder: { conditions: ['asthma'] } });
    expect(served.statements).toHaveLength(allowed.statements.length - 1);
  });

  it('makes reading a deferred column off a record read without it an error, never a silent undefined', async () => {
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY, { tags: ['x'] } as never);
    const ctx = contextFor(app.db, admin());
    const loaded = (await ctx.loaders.stakeholder.load(company.id))!;
    expect(loaded.name).toBe(company.name);
    expect(loaded).toBeInstanceOf(Company);
    expect(() => loaded.tags).toThrow(/Stakeholder\.tags was not read/);
    expect(() => loaded.createdAt).toThrow(/Stakeholder\.createdAt was not read/);
    // Loaded on demand, the columns become the record's own.
    const details = (await ctx.scope.deferred(Stakeholder).load(company.id))!;
    Object.assign(loaded, details);
    expect(loaded.tags).toEqual(['x']);
    expect(loaded.createdAt).toEqual(company.createdAt);
  });
});

describe('every loader reads through Scope.select', () => {
  const modules = path.join(__dirname, '..', 'src', 'modules');
  const loaderFiles = readdirSync(modules, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(path.join(modules, dir.name))
        .filter((file) => file.endsWith('.loaders.ts'))
        .map((file) => path.join(dir.name, file)),
    )
    .sort();

  it('finds the loader files', () => {
    expect(loaderFiles).toEqual(
      expect.arrayContaining([
        'commitment/commitment.loaders.ts',
        'contract/contract.loaders.ts',
        'interaction/interaction.loaders.ts',
        'stakeholder/stakeholder.loaders.ts',
      ]),
    );
  });

  it('has no loader that reads through TypeORM (scope.query or getMany)', () => {
    const offending = loaderFiles.filter((file) => {
      const text = readFileSync(path.join(modules, file), 'utf8');
      return text.includes('scope.query(') || text.includes('.getMany(');
    });
    expect(offending).toEqual([]);
  });
});

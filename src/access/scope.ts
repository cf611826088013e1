import DataLoader from 'dataloader';
import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { fromGlobalId, type GlobalIdType } from '../graphql/global-id';
import type { ConsentScope } from '../modules/consent/consent.entity';
import { AuditBatcher, AuditTrail } from './audit';
import { CONSENT_HOLDER_ROLES } from './policy';
import { rowShape, type RowShape } from './rows';
import { consentCovers, recordRules, ruleParams, type RecordRules, type RecordType, type RuleParams } from './record-rules';
import { Role, type Viewer } from './viewer';

/** An entity class (a subclass, e.g. `Patient`, counts as its base `Stakeholder`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EntityClass<E> = abstract new (...args: any[]) => E;

const RECORD_TYPES = new Set<string>([
  'Stakeholder',
  'Partnership',
  'PartnershipMember',
  'PartnershipAssessment',
  'PartnershipAssessmentScore',
  'Contract',
  'ContractParty',
  'Commitment',
  'Interaction',
  'InteractionParticipant',
  'Affiliation',
  'Consent',
  'AuditEvent',
  'Webhook',
  'WebhookDelivery',
] satisfies RecordType[]);

/** The record type whose rule applies to rows of `entity`; an entity without a rule cannot be read through a scope. */
export function recordTypeOf(entity: EntityClass<unknown>): RecordType {
  for (let c: unknown = entity; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const name = (c as { name: string }).name;
    if (RECORD_TYPES.has(name)) return name as RecordType;
  }
  throw new Error(`${entity.name} has no record rule (record-rules.ts): it cannot be read through the scope`);
}

/** A record joined to each row of a `select` (to-one: `on` matches one record at most); its rule goes into the join, so a hidden one is null. */
export interface Join {
  entity: EntityClass<unknown>;
  alias: string;
  /** The join condition (the rule of `entity` is added to it). */
  on: string;
}

/** What a `select` reads besides the rule: the filter, order and joins, and their named parameters. */
export interface Selection {
  where?: string;
  orderBy?: string;
  joins?: readonly Join[];
  /**
   * Raw SQL placed after the FROM and the joins, e.g. `INNER JOIN (SELECT …) keyed ON keyed.x = c.id`
   * for loaders whose keys are not a column of the entity. It may only narrow or tag the rows: the
   * rule of the selected entity still applies in WHERE (and a record it brings in is under no rule).
   */
  from?: string;
  /** An SQL expression each row answers (e.g. a key's position): selected as "__key", returned as the row's `key`. */
  key?: string;
  /** At most this many rows. */
  limit?: number;
  params?: Record<string, unknown>;
  manager?: EntityManager;
}

/** A row of a `select`: the record, and the record of each join by alias (null where none or hidden). */
export interface Selected<E> {
  row: E;
  joined: Record<string, unknown>;
  /** The value of the selection's `key`, as text (set only when the selection has a `key`). */
  key?: string;
}

/** Column of a `select` that carries the selection's `key`. */
const KEY_COLUMN = '__key';

/** Column of a stakeholder row that carries the viewer's consent scopes of a patient (see `select`). */
const CONSENT_COLUMN = '__consentScopes';

/** One audit batcher per database: concurrent requests' audit flushes share appends (group commit). */
const BATCHERS = new WeakMap<DataSource, AuditBatcher>();

/** Smallest patient-related count shown to viewers who are not ADMIN: 1 to SMALL_CELL - 1 are suppressed. */
export const SMALL_CELL = 5;

/** How reporting (`metrics`) counts for this viewer. */
export interface ReportingScope {
  /** The whole alliance (ADMIN, ANALYST); otherwise only records the viewer's organisation takes part in. */
  whole: boolean;
  /** Patients may appear by name or id in rankings and strengths (ADMIN only). */
  showsPatients: boolean;
  /** Patient-related counts of 1 to smallCell - 1 are suppressed; 0: nothing is (ADMIN). */
  smallCell: number;
  /**
   * Exact figures over the exact period (ADMIN); otherwise patient-related counts are perturbed and
   * the period is snapped to whole months (src/modules/metrics/perturbation.ts).
   */
  exact: boolean;
  /** Breakdowns by patient kind are refused for everyone but ADMIN. */
  mayBreakDownPatients: boolean;
}

function reportingScope(viewer: Viewer | null): ReportingScope {
  const admin = viewer?.role === Role.ADMIN;
  return {
    whole: admin || viewer?.role === Role.ANALYST,
    showsPatients: admin,
    smallCell: admin ? 0 : SMALL_CELL,
    exact: admin,
    mayBreakDownPatients: admin,
  };
}

/**
 * The request's one data path (DESIGN §3, CONVENTIONS 13): modules read and write only through
 * it. Every read it offers carries the record rule of what it reads, so that a record the viewer
 * may not see never leaves the database; writes run in `transaction`. Modules never hold a
 * DataSource (lint forbids it in src/modules).
 */
export class Scope {
  readonly params: RuleParams;
  readonly reporting: ReportingScope;
  /**
   * The scopes of the patients' active consents held by the viewer's organisation (granted to it
   * or to the whole alliance) for the request's purpose: read once per patient and request, so a
   * withdrawal counts from the next request on. The field policy decides with it.
   */
  readonly consentScopes: DataLoader<string, Set<ConsentScope>>;
  /** The request's audit trail (audit.ts): reads collected for `flushAudit`, writes appended in their transaction. */
  readonly audit: AuditTrail;
  private readonly rules: RecordRules;
  private readonly holdsConsent: boolean;
  private wanted: ReadonlyMap<string, ReadonlySet<string>> = new Map();
  private readonly deferredLoaders = new Map<EntityClass<unknown>, DataLoader<string, Record<string, unknown> | null>>();

  constructor(
    private readonly db: DataSource,
    readonly viewer: Viewer | null,
    options: { requestId: string; audit: boolean },
  ) {
    this.audit = new AuditTrail(viewer, options.requestId, options.audit);
    this.params = ruleParams(viewer);
    this.rules = recordRules(viewer);
    this.reporting = reportingScope(viewer);
    const holdsConsent = viewer !== null && viewer.orgId !== null && CONSENT_HOLDER_ROLES.includes(viewer.role);
    this.holdsConsent = holdsConsent;
    this.consentScopes = new DataLoader(async (patientIds) => {
      if (!holdsConsent) return patientIds.map(() => new Set<ConsentScope>());
      const rows = await this.sql<{ patient_id: string; scopes: ConsentScope[] }>(
        `SELECT c.patient_id, array_agg(DISTINCT s.scope) AS scopes FROM consent c, unnest(c.scopes) AS s(scope)
          WHERE c.patient_id = ANY(:patientIds) AND ${consentCovers('c', 's.scope')} GROUP BY c.patient_id`,
        { patientIds },
      );
      const byPatient = new Map(rows.map((row) => [row.patient_id, new Set(row.scopes)]));
      return patientIds.map((id) => byPatient.get(id) ?? new Set<ConsentScope>());
    });
  }

  /** True for ADMIN: every record rule is TRUE. */
  get seesEverything(): boolean {
    return this.rules.all;
  }

  /** The record rule of `type` over the row aliased `alias`, for joins and raw statements (pass `params`). */
  rule(type: RecordType, alias: string): string {
    return this.rules.of(type, alias);
  }

  /** The viewer may read `scope` fields of the patient `patientIdExpr` names (the patient themself, or a consent held). */
  patientConsent(patientIdExpr: string, scope: ConsentScope): string {
    return this.rules.patientConsent(patientIdExpr, scope);
  }

  /**
   * The rows of `entity` (aliased `alias`) the viewer may see, in one statement with the records
   * `joins` add to each row, every one of them under its record rule: the read path of loaders and
   * lists. Rows are read raw (rows.ts: the entity's columns but the deferred ones, no ORM
   * hydration). Each stakeholder read also carries, for a patient, the scopes of the consents the
   * viewer holds (primed into `consentScopes`), so that the field policy needs no further statement.
   */
  async select<E>(entity: EntityClass<E>, alias: string, selection: Selection = {}): Promise<Selected<E>[]> {
    const shape = rowShape(this.db, entity);
    const reader = shape.reading(this.wanted.get(shape.table));
    const joins = (selection.joins ?? []).map((join) => {
      const joinShape = rowShape(this.db, join.entity);
      return { ...join, shape: joinShape, reader: joinShape.reading(this.wanted.get(joinShape.table)) };
    });
    const columns = [reader.select(alias), ...this.consentColumn(shape, alias, '')];
    let from = `${shape.table} ${alias}`;
    for (const join of joins) {
      const prefix = `${join.alias}.`;
      columns.push(join.reader.select(join.alias, prefix), ...this.consentColumn(join.shape, join.alias, prefix));
      // A lateral subquery with LIMIT 1 is not flattened into a join: the planner looks each
      // record up by its key (an index probe per row) instead of hashing the whole table.
      const rule = this.rules.of(recordTypeOf(join.entity), join.alias);
      from += ` LEFT JOIN LATERAL (SELECT * FROM ${join.shape.table} ${join.alias} WHERE (${join.on})${rule === 'TRUE' ? '' : ` AND ${rule}`} LIMIT 1) ${join.alias} ON TRUE`;
    }
    if (selection.key) columns.push(`${selection.key} AS "${KEY_COLUMN}"`);
    if (selection.from) from += ` ${selection.from}`;
    const rule = this.rules.of(recordTypeOf(entity), alias);
    const where = [rule === 'TRUE' ? null : rule, selection.where ? `(${selection.where})` : null].filter(Boolean).join(' AND ');
    const text =
      `SELECT ${columns.join(', ')} FROM ${from}${where ? ` WHERE ${where}` : ''}${selection.orderBy ? ` ORDER BY ${selection.orderBy}` : ''}` +
      (selection.limit !== undefined ? ` LIMIT ${Math.trunc(selection.limit)}` : '');
    const rows = await this.sql<Record<string, unknown>>(text, selection.params, selection.manager);
    return rows.map((raw) => {
      const row = reader.hydrate(raw) as E;
      this.primeConsent(raw, '', row);
      const joined: Record<string, unknown> = {};
      for (const join of joins) {
        const record = join.reader.hydrate(raw, `${join.alias}.`);
        if (record) this.primeConsent(raw, `${join.alias}.`, record);
        joined[join.alias] = record;
      }
      return selection.key ? { row, joined, key: String(raw[KEY_COLUMN]) } : { row, joined };
    });
  }

  /**
   * The deferred columns (rows.ts) this request's operation selects, by table: its reads include
   * them, so that asking for one costs no further statement. Set before execution.
   */
  wantColumns(wanted: ReadonlyMap<string, ReadonlySet<string>>): void {
    this.wanted = wanted;
  }

  /** How many rows of `entity` the viewer may see match `where` (the record rule applied, as in `select`). */
  async count(entity: EntityClass<unknown>, alias: string, selection: Pick<Selection, 'where' | 'params'> = {}): Promise<number> {
    const rule = this.rules.of(recordTypeOf(entity), alias);
    const where = [rule === 'TRUE' ? null : rule, selection.where ? `(${selection.where})` : null].filter(Boolean).join(' AND ');
    const [row] = await this.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${rowShape(this.db, entity).table} ${alias}${where ? ` WHERE ${where}` : ''}`,
      selection.params,
    );
    return row.n;
  }

  /** A list of the rows of `entity` the viewer may see, to narrow with `andWhere` and read a page of (connection.ts `paginate`). */
  list<E>(entity: EntityClass<E>, alias: string): Listing<E> {
    return new Listing(this, entity, alias);
  }

  /** `select`, the records only. */
  async rows<E>(entity: EntityClass<E>, alias: string, selection: Selection = {}): Promise<E[]> {
    return (await this.select(entity, alias, selection)).map((selected) => selected.row);
  }

  /** The consent-scopes column of a stakeholder read by a viewer who holds consents (none otherwise). */
  private consentColumn(shape: RowShape<unknown>, alias: string, prefix: string): string[] {
    if (shape.table !== 'stakeholder' || !this.holdsConsent) return [];
    return [
      `CASE WHEN ${alias}.kind = 'PATIENT' THEN ARRAY(SELECT DISTINCT v_sc.scope FROM consent v_cs, unnest(v_cs.scopes) AS v_sc(scope)
        WHERE v_cs.patient_id = ${alias}.id AND ${consentCovers('v_cs', 'v_sc.scope')}) END AS "${prefix}${CONSENT_COLUMN}"`,
    ];
  }

  private primeConsent(raw: Record<string, unknown>, prefix: string, record: unknown): void {
    const scopes = raw[`${prefix}${CONSENT_COLUMN}`] as ConsentScope[] | null | undefined;
    if (scopes) this.consentScopes.prime((record as { id: string }).id, new Set(scopes));
  }

  /**
   * The deferred columns (rows.ts) of `entity`'s records by id, for fields that ask for them: one
   * batch per request and entity, under the record rule like every read.
   */
  deferred(entity: EntityClass<unknown>): DataLoader<string, Record<string, unknown> | null> {
    let loader = this.deferredLoaders.get(entity);
    if (!loader) {
      const shape = rowShape(this.db, entity);
      const rule = this.rules.of(recordTypeOf(entity), 'd');
      loader = new DataLoader(async (ids) => {
        const rows = await this.sql<Record<string, unknown> & { id: string }>(
          `SELECT ${shape.selectDeferred('d')} FROM ${shape.table} d WHERE d.id = ANY(:ids)${rule === 'TRUE' ? '' : ` AND ${rule}`}`,
          { ids },
        );
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      });
      this.deferredLoaders.set(entity, loader);
    }
    return loader;
  }

  /**
   * A TypeORM query over the rows of `entity` the viewer may see (in `manager`'s transaction, if
   * given), hydrated whole: for mutations, which read fresh records to check and change them.
   * Reads for responses go through `select` (loaders) and `list` (connections).
   */
  query<E extends ObjectLiteral>(entity: EntityClass<E>, alias: string, manager?: EntityManager): SelectQueryBuilder<E> {
    const rule = this.rules.of(recordTypeOf(entity), alias);
    const qb = (manager ?? this.db.manager).getRepository<E>(entity as never).createQueryBuilder(alias);
    return rule === 'TRUE' ? qb.setParameters({ ...this.params }) : qb.where(rule, { ...this.params });
  }

  /** The row with database id `id` if the viewer may see it, read fresh (not through the loaders). */
  visibleById<E extends ObjectLiteral>(entity: EntityClass<E>, id: string, manager?: EntityManager): Promise<E | null> {
    return this.query(entity, 'r', manager).andWhere('r.id = :id', { id }).getOne();
  }

  /** A record by global ID if the viewer may see it; null for an unknown id and, identically, a hidden one. */
  findVisible<E extends ObjectLiteral>(entity: EntityClass<E>, type: GlobalIdType, globalId: string, manager?: EntityManager): Promise<E | null> {
    const id = fromGlobalId(globalId, type)?.id;
    return id ? this.visibleById(entity, id, manager) : Promise.resolve(null);
  }

  /**
   * A raw statement with named parameters (`:name`); the viewer's parameters (`:vOrg` …) are
   * always bound, so `rule(...)` predicates can be inlined in it.
   */
  async sql<T>(text: string, params: Record<string, unknown> = {}, manager?: EntityManager): Promise<T[]> {
    const m = manager ?? this.db.manager;
    return (await m.query(...this.db.driver.escapeQueryWithParameters(text, { ...this.params, ...params }))) as T[];
  }

  /** Runs `work` in one transaction: all or nothing. The manager it gets is for this transaction only. */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Appends the reads, denials and failures the request collected (after the response is computed). */
  flushAudit(): Promise<void> {
    let batcher = BATCHERS.get(this.db);
    if (!batcher) {
      batcher = new AuditBatcher(this.db.manager);
      BATCHERS.set(this.db, batcher);
    }
    return this.audit.flush(batcher);
  }

  /** The current members of a partnership (for the actions' checks), read fresh. */
  async currentMemberIds(partnershipId: string, manager?: EntityManager): Promise<string[]> {
    const rows = await this.sql<{ id: string }>(
      'SELECT stakeholder_id AS id FROM partnership_member WHERE partnership_id = :partnershipId AND left_at IS NULL',
      { partnershipId },
      manager,
    );
    return rows.map((r) => r.id);
  }
}

/**
 * The filters of a list (a root connection) before it is read: `andWhere` narrows it, with named
 * parameters, as a TypeORM query would; `paginate` reads a page through `Scope.select`, so a
 * list carries the record rule and reads raw rows like every loader.
 */
export class Listing<E> {
  private readonly clauses: string[] = [];
  private readonly params: Record<string, unknown> = {};

  constructor(
    private readonly scope: Scope,
    readonly entity: EntityClass<E>,
    readonly alias: string,
  ) {}

  andWhere(clause: string, params: Record<string, unknown> = {}): this {
    this.clauses.push(`(${clause})`);
    Object.assign(this.params, params);
    return this;
  }

  /** The matching rows, further narrowed by `more` (e.g. a cursor), in `orderBy` order. */
  select(more: { where?: string; params?: Record<string, unknown>; orderBy: string; limit: number; key: string }): Promise<Selected<E>[]> {
    const where = [...this.clauses, ...(more.where ? [`(${more.where})`] : [])].join(' AND ');
    return this.scope.select(this.entity, this.alias, {
      where: where || undefined,
      params: { ...this.params, ...more.params },
      orderBy: more.orderBy,
      limit: more.limit,
      key: more.key,
    });
  }

  /** How many rows match, over all pages. */
  count(): Promise<number> {
    return this.scope.count(this.entity, this.alias, { where: this.clauses.join(' AND ') || undefined, params: this.params });
  }
}

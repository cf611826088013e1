import { setImmediate } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { toGlobalId } from '../src/graphql/global-id';
import { AffiliationKind } from '../src/modules/affiliation/affiliation.entity';
import { CommitmentStatus } from '../src/modules/commitment/commitment.entity';
import { ConsentPurpose, ConsentScope } from '../src/modules/consent/consent.entity';
import { ContractKind, ContractPartyRole, ContractStatus } from '../src/modules/contract/contract.entity';
import { InteractionKind } from '../src/modules/interaction/interaction.entity';
import {
  DevelopmentStage,
  MemberRole,
  PartnershipStatus,
  PartnershipType,
  PartnershipVisibility,
} from '../src/modules/partnership/partnership.entity';
import { AssessmentPerspective, QualityCriterion } from '../src/modules/quality/quality.entity';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { analyzeTables, copyData, copyInto, dropIndexesForLoad, type ColumnSpec, type PgClient, type Queryable } from './bulk-insert';
import { Random, seedUuid } from './random';
import {
  COMPANIES,
  COMPANY_PREFIXES,
  COMPANY_SUFFIXES,
  COUNTRY_NAMES,
  EXPERTISE,
  HTA_BODIES,
  NOTE_SENTENCES,
  PATIENT_ORG_PATTERNS,
  PATIENT_ORGANISATIONS,
  PEOPLE,
  PSEUDONYM_ADJECTIVES,
  PSEUDONYM_ANIMALS,
  REGULATORS,
  RESEARCH_ORG_PATTERNS,
  RESEARCH_ORGANISATIONS,
  TERMINATION_REASONS,
  THERAPEUTIC_AREAS,
  TOPICS,
  TOWNS,
  type AgencyEntry,
  type PeopleOfCountry,
} from './vocabulary';

// ---------------------------------------------------------------------------------------------
// Time: everything is placed relative to a fixed anchor so that the same input gives the same
// rows on any day; the anchor sits close to the present so "overdue" and "expired" look right.
// ---------------------------------------------------------------------------------------------

/** The "today" of the demo data. */
export const SEED_ANCHOR = '2026-11-01T00:00:00.000Z';
const ANCHOR = Date.parse(SEED_ANCHOR);
const DAY = 86_400_000;
const MINUTE = 60_000;

/** Day offsets from the anchor (negative: past) → timestamps and dates. */
const at = (day: number, minuteOfDay = 0): number => ANCHOR + day * DAY + minuteOfDay * MINUTE;
const isoDates = new Map<number, string>();
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
/**
 * `new Date(ms).toISOString()` (same text), several times faster, as ~100,000 timestamps are
 * formatted per scale unit: the date part is cached per UTC day, the time of day is formatted here.
 */
const iso = (ms: number): string => {
  const t = Math.trunc(ms); // as Date does
  const dayNumber = Math.floor(t / DAY);
  let date = isoDates.get(dayNumber);
  if (date === undefined) isoDates.set(dayNumber, (date = new Date(dayNumber * DAY).toISOString().slice(0, 11)));
  const inDay = t - dayNumber * DAY;
  const millis = inDay % 1000;
  const seconds = Math.floor(inDay / 1000);
  return `${date}${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
};
const dates = new Map<number, string>();
/** Calendar date of a day offset; cached, as a few thousand days cover every date column. */
const dateOf = (day: number): string => {
  let date = dates.get(day);
  if (date === undefined) dates.set(day, (date = iso(at(day)).slice(0, 10)));
  return date;
};
const yearOf = (day: number): number => new Date(at(day)).getUTCFullYear();

const SEED = 20261101;
/** Generation yields every STEP records so that loading can overlap it. */
const STEP = 1000;
const USERS_PER_ORG = 3;

// Scale-1 sizes (reference agencies excepted, everything is multiplied by the scale).
const SIZE = {
  companies: COMPANIES.length,
  patientOrganisations: PATIENT_ORGANISATIONS.length,
  researchOrganisations: RESEARCH_ORGANISATIONS.length,
  patients: 200,
  partnerships: 60,
  interactions: 1500,
  commitments: 250,
  contracts: 120,
  consents: 300,
} as const;

// ---------------------------------------------------------------------------------------------
// Well-known records
// ---------------------------------------------------------------------------------------------

const id = {
  company: (i: number) => seedUuid(`stakeholder:company:${i}`),
  patientOrg: (i: number) => seedUuid(`stakeholder:patient-organisation:${i}`),
  researchOrg: (i: number) => seedUuid(`stakeholder:research-organisation:${i}`),
  patient: (i: number) => seedUuid(`stakeholder:patient:${i}`),
  agency: (key: string) => seedUuid(`stakeholder:agency:${key}`),
  row: (table: string, i: number) => seedUuid(`${table}:${i}`),
};

/** Organisations are numbered so that a seed user belongs to one: users 1–3 are Helix's. */
const userOf = (ordinal: number, j: number): string => `seed-user-${ordinal * USERS_PER_ORG + j + 1}`;

const DEMO_PATIENT_ORG_ORDINAL = SIZE.companies; // patient organisations follow the 25 companies

function wellKnown<T extends string>(type: 'Stakeholder' | 'Partnership' | 'Contract' | 'Interaction', uuid: string, extra: Record<T, string>) {
  return { id: uuid, globalId: toGlobalId(type, uuid), ...extra };
}

/**
 * Fixed records of the demo alliance, identical at every scale, for README queries and tests.
 * `user` is a seed user of that organisation (the `sub` to mint a development token for, with
 * `org` = the organisation's id).
 */
export const DEMO = {
  anchor: SEED_ANCHOR,
  company: wellKnown('Stakeholder', id.company(0), { name: COMPANIES[0].name, user: userOf(0, 0) }),
  patientOrganisation: wellKnown('Stakeholder', id.patientOrg(0), {
    name: PATIENT_ORGANISATIONS[0].name,
    user: userOf(DEMO_PATIENT_ORG_ORDINAL, 0),
  }),
  patient: wellKnown('Stakeholder', id.patient(0), { pseudonym: 'Amber Heron' }),
  partnership: wellKnown('Partnership', id.row('partnership', 0), {
    title: 'Helix CF Patient Panel – HLX-217 protocol design',
  }),
  contract: wellKnown('Contract', id.row('contract', 0), { title: 'Patient advisory panel agreement – HLX-217' }),
  interaction: wellKnown('Interaction', id.row('interaction', 0), {
    summary: 'Co-design workshop: visit schedule of the HLX-217 phase II protocol',
  }),
  regulator: wellKnown('Stakeholder', id.agency('EMA'), { name: REGULATORS[0].name }),
  htaBody: wellKnown('Stakeholder', id.agency('NICE'), { name: HTA_BODIES[0].name }),
} as const;

// ---------------------------------------------------------------------------------------------
// Rows, exactly as the tables hold them (snake_case)
// ---------------------------------------------------------------------------------------------

interface StakeholderRow {
  id: string;
  kind: string;
  name: string;
  country: string | null;
  description: string | null;
  website: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  pseudonym: string | null;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  birth_year: number | null;
  conditions: string[];
  languages: string[];
  expertise: string[];
  disease_areas: string[];
  umbrella: string | null;
  transparency_register_id: string | null;
  company_type: string | null;
  therapeutic_areas: string[];
  efpia_member: boolean | null;
  jurisdiction: string | null;
  appraisal_scope: string | null;
  agency_type: string | null;
  research_kind: string | null;
}
interface AffiliationRow {
  id: string;
  kind: string;
  from_id: string;
  to_id: string;
  since: string | null;
  until: string | null;
  created_at: string;
  updated_at: string;
}
interface PartnershipRow {
  id: string;
  title: string;
  description: string | null;
  type: string;
  status: string;
  visibility: string;
  development_stage: string | null;
  therapeutic_area: string | null;
  start_date: string | null;
  end_date: string | null;
  created_at: string;
  updated_at: string;
}
interface PartnershipMemberRow {
  id: string;
  partnership_id: string;
  stakeholder_id: string;
  role: string;
  joined_at: string;
  left_at: string | null;
}
interface InteractionRow {
  id: string;
  kind: string;
  occurred_at: string;
  duration_minutes: number | null;
  partnership_id: string | null;
  summary: string | null;
  notes: string | null;
  recorded_by_user: string;
  recorded_by_org_id: string | null;
  created_at: string;
  updated_at: string;
}
interface InteractionParticipantRow {
  interaction_id: string;
  stakeholder_id: string;
}
interface CommitmentRow {
  id: string;
  title: string;
  description: string | null;
  committer_id: string;
  beneficiary_id: string | null;
  partnership_id: string | null;
  interaction_id: string | null;
  due_date: string | null;
  status: string;
  fulfilled_at: string | null;
  evidence: string | null;
  created_at: string;
  updated_at: string;
}
interface ContractRow {
  id: string;
  title: string;
  kind: string;
  status: string;
  partnership_id: string | null;
  effective_from: string | null;
  effective_to: string | null;
  value_amount: number | null;
  value_currency: string | null;
  fair_market_value_assessed: boolean;
  conflict_of_interest_declared: boolean;
  disclosable: boolean;
  terminated_at: string | null;
  termination_reason: string | null;
  created_at: string;
  updated_at: string;
}
interface ContractPartyRow {
  id: string;
  contract_id: string;
  stakeholder_id: string;
  role: string;
  signed_at: string | null;
}
interface ConsentRow {
  id: string;
  patient_id: string;
  grantee_id: string | null;
  scopes: string[];
  purposes: string[];
  granted_at: string;
  expires_at: string | null;
  withdrawn_at: string | null;
  created_at: string;
  updated_at: string;
}

interface AssessmentRow {
  id: string;
  partnership_id: string;
  assessor_id: string;
  perspective: string;
  recorded_by_user: string;
  created_at: string;
}
interface AssessmentScoreRow {
  assessment_id: string;
  criterion: string;
  score: number;
  evidence: string | null;
}

/** The generated alliance, table by table in insertion (foreign-key) order. */
export interface DemoDataset {
  stakeholder: StakeholderRow[];
  affiliation: AffiliationRow[];
  partnership: PartnershipRow[];
  partnership_member: PartnershipMemberRow[];
  interaction: InteractionRow[];
  interaction_participant: InteractionParticipantRow[];
  commitment: CommitmentRow[];
  contract: ContractRow[];
  contract_party: ContractPartyRow[];
  consent: ConsentRow[];
  partnership_assessment: AssessmentRow[];
  partnership_assessment_score: AssessmentScoreRow[];
}
export type SeedTable = keyof DemoDataset;

/** The columns the seeds fill in each table, with their types (for the loader, and tests). */
export const SEED_COLUMNS: { [T in SeedTable]: ColumnSpec<DemoDataset[T][number]> } = {
  stakeholder: {
    id: 'uuid', kind: 'text', name: 'text', country: 'text', description: 'text', website: 'text', tags: 'text[]',
    created_at: 'timestamptz', updated_at: 'timestamptz', pseudonym: 'text', display_name: 'text', email: 'text',
    phone: 'text', birth_year: 'int', conditions: 'text[]', languages: 'text[]', expertise: 'text[]',
    disease_areas: 'text[]', umbrella: 'text', transparency_register_id: 'text', company_type: 'text',
    therapeutic_areas: 'text[]', efpia_member: 'bool', jurisdiction: 'text', appraisal_scope: 'text',
    agency_type: 'text', research_kind: 'text',
  },
  affiliation: {
    id: 'uuid', kind: 'text', from_id: 'uuid', to_id: 'uuid', since: 'date', until: 'date',
    created_at: 'timestamptz', updated_at: 'timestamptz',
  },
  partnership: {
    id: 'uuid', title: 'text', description: 'text', type: 'text', status: 'text', visibility: 'text',
    development_stage: 'text', therapeutic_area: 'text', start_date: 'date', end_date: 'date',
    created_at: 'timestamptz', updated_at: 'timestamptz',
  },
  partnership_member: {
    id: 'uuid', partnership_id: 'uuid', stakeholder_id: 'uuid', role: 'text', joined_at: 'date', left_at: 'date',
  },
  interaction: {
    id: 'uuid', kind: 'text', occurred_at: 'timestamptz', duration_minutes: 'int', partnership_id: 'uuid',
    summary: 'text', notes: 'text', recorded_by_user: 'text', recorded_by_org_id: 'uuid',
    created_at: 'timestamptz', updated_at: 'timestamptz',
  },
  interaction_participant: { interaction_id: 'uuid', stakeholder_id: 'uuid' },
  commitment: {
    id: 'uuid', title: 'text', description: 'text', committer_id: 'uuid', beneficiary_id: 'uuid',
    partnership_id: 'uuid', interaction_id: 'uuid', due_date: 'date', status: 'text', fulfilled_at: 'timestamptz',
    evidence: 'text', created_at: 'timestamptz', updated_at: 'timestamptz',
  },
  contract: {
    id: 'uuid', title: 'text', kind: 'text', status: 'text', partnership_id: 'uuid', effective_from: 'date',
    effective_to: 'date', value_amount: 'bigint', value_currency: 'text', fair_market_value_assessed: 'bool',
    conflict_of_interest_declared: 'bool', disclosable: 'bool', terminated_at: 'timestamptz',
    termination_reason: 'text', created_at: 'timestamptz', updated_at: 'timestamptz',
  },
  contract_party: { id: 'uuid', contract_id: 'uuid', stakeholder_id: 'uuid', role: 'text', signed_at: 'timestamptz' },
  consent: {
    id: 'uuid', patient_id: 'uuid', grantee_id: 'uuid', scopes: 'text[]', purposes: 'text[]',
    granted_at: 'timestamptz', expires_at: 'timestamptz', withdrawn_at: 'timestamptz',
    created_at: 'timestamptz', updated_at: 'timestamptz',
  },
  partnership_assessment: {
    id: 'uuid', partnership_id: 'uuid', assessor_id: 'uuid', perspective: 'text', recorded_by_user: 'text', created_at: 'timestamptz',
  },
  partnership_assessment_score: { assessment_id: 'uuid', criterion: 'text', score: 'int', evidence: 'text' },
};

export const SEED_TABLES = Object.keys(SEED_COLUMNS) as SeedTable[];

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/** What the generator remembers about a stakeholder to wire plausible edges. */
interface Node {
  id: string;
  kind: StakeholderKind;
  name: string;
  country: string | null;
  /** Therapeutic areas (organisations) or the areas of a patient's conditions. */
  areas: string[];
  conditions: string[];
  createdDay: number;
  /** Organisations only: numbers their seed users. */
  ordinal: number;
  companyType?: string;
  researchKind?: string;
  efpia?: boolean;
  isUmbrella?: boolean;
}

interface Member {
  node: Node;
  role: MemberRole;
  joined: number;
  left: number | null;
}

interface PartnershipMeta {
  id: string;
  type: PartnershipType;
  status: PartnershipStatus;
  area: string;
  condition: string;
  start: number | null;
  end: number | null;
  created: number;
  lead: Node;
  members: Member[];
  /** Distinct member stakeholders and who is still a member (derived once). */
  nodes?: Node[];
  current?: Node[];
}

interface InteractionMeta {
  id: string;
  day: number;
  occurredMs: number;
  partnership: PartnershipMeta | null;
  participants: Node[];
  topic: string;
}

const AREA_OF = new Map<string, string>();
for (const { area, conditions } of THERAPEUTIC_AREAS) for (const c of conditions) AREA_OF.set(c, area);
const AREAS = THERAPEUTIC_AREAS.map((a) => a.area);

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const ascii = (s: string): string =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z]/g, '').toLowerCase();
const slug = (s: string): string =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const initials = (s: string): string =>
  s.split(/[\s'-]+/).filter(Boolean).map((w) => w[0].toUpperCase()).join('');
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** "Helix Therapeutics" → "HLX": the prefix of a company's product codes (HLX-217). */
function productPrefix(companyName: string): string {
  const word = ascii(companyName.split(' ')[0]).toUpperCase();
  const consonants = word[0] + word.slice(1).replace(/[AEIOUY]/g, '');
  return (consonants.length >= 3 ? consonants : word + 'XX').slice(0, 3);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function emptyStakeholder(): Omit<StakeholderRow, 'id' | 'kind' | 'name' | 'created_at' | 'updated_at'> {
  return {
    country: null, description: null, website: null, tags: [], pseudonym: null, display_name: null, email: null,
    phone: null, birth_year: null, conditions: [], languages: [], expertise: [], disease_areas: [], umbrella: null,
    transparency_register_id: null, company_type: null, therapeutic_areas: [], efpia_member: null,
    jurisdiction: null, appraisal_scope: null, agency_type: null, research_kind: null,
  };
}

class DemoBuilder {
  private readonly rnd = new Random(SEED);
  readonly data: DemoDataset = {
    stakeholder: [], affiliation: [], partnership: [], partnership_member: [], interaction: [],
    interaction_participant: [], commitment: [], contract: [], contract_party: [], consent: [],
    partnership_assessment: [], partnership_assessment_score: [],
  };
  /**
   * Tables no later step adds rows to, as the steps go: the loader builds their indexes and
   * analyzes them while the rest is generated. (A table marked too early would still be right,
   * its later rows checked and indexed one by one; the loader re-analyzes it at the end.)
   */
  readonly finished = new Set<SeedTable>();

  private readonly companies: Node[] = [];
  private readonly patientOrgs: Node[] = [];
  private readonly umbrellas: Node[] = [];
  private readonly researchOrgs: Node[] = [];
  private readonly patients: Node[] = [];
  private readonly regulators: Node[] = [];
  private readonly htaBodies: Node[] = [];
  private readonly patientsByCondition = new Map<string, Node[]>();
  private readonly patientOrgsByCondition = new Map<string, Node[]>();
  private readonly companiesByArea = new Map<string, Node[]>();
  private readonly patientOrgsOfPatient = new Map<string, Node[]>();
  private readonly umbrellaOf = new Map<string, Node>();
  private readonly cros: Node[] = [];
  private readonly partnerships: PartnershipMeta[] = [];
  private readonly interactions: InteractionMeta[] = [];
  private readonly affiliationKeys = new Set<string>();
  private readonly names = new Set<string>();
  private readonly emails = new Set<string>();
  private readonly pseudonyms = new Map<string, number>();
  private nextOrdinal = 0;

  constructor(private readonly scale: number) {}

  /**
   * Generates the alliance in steps of a few thousand rows; every row is generated no earlier than
   * the rows it refers to, so what exists after a step can be inserted table by table in
   * SEED_TABLES order while the next step is generated.
   */
  *steps(): Generator<void> {
    // Organisations of the first copy come first so that their seed users are the same at any scale.
    this.companiesOf(0);
    this.patientOrgsOf(0);
    this.researchOrgsOf(0);
    this.agencies();
    for (let k = 1; k < this.scale; k++) {
      this.companiesOf(k);
      this.patientOrgsOf(k);
      this.researchOrgsOf(k);
      if (k % 20 === 0) yield;
    }
    yield* this.patientsAll();
    this.finished.add('stakeholder');
    yield* this.affiliations();
    this.finished.add('affiliation');
    yield* this.partnershipsAll();
    this.finished.add('partnership').add('partnership_member');
    yield* this.interactionsAll();
    this.finished.add('interaction').add('interaction_participant');
    yield* this.commitmentsAll();
    this.finished.add('commitment');
    yield* this.contractsAll();
    this.finished.add('contract').add('contract_party');
    yield* this.consentsAll();
    this.finished.add('consent');
    yield* this.assessmentsAll();
    this.finished.add('partnership_assessment').add('partnership_assessment_score');
  }

  // ----- helpers --------------------------------------------------------------------------

  private org(kind: StakeholderKind): Node {
    switch (kind) {
      case StakeholderKind.COMPANY:
        return this.rnd.pick(this.companies);
      case StakeholderKind.PATIENT_ORGANISATION:
        return this.rnd.pick(this.patientOrgs);
      case StakeholderKind.RESEARCH_ORGANISATION:
        return this.rnd.pick(this.researchOrgs);
      case StakeholderKind.HTA_BODY:
        return this.rnd.pick(this.htaBodies);
      case StakeholderKind.REGULATOR:
        return this.rnd.pick(this.regulators);
      case StakeholderKind.PATIENT:
        return this.rnd.pick(this.patients);
    }
  }

  private companyFor(area: string): Node {
    const list = this.companiesByArea.get(area);
    return list && this.rnd.chance(0.85) ? this.rnd.pick(list) : this.rnd.pick(this.companies);
  }

  private patientOrgFor(condition: string): Node {
    const list = this.patientOrgsByCondition.get(condition);
    return list && this.rnd.chance(0.85) ? this.rnd.pick(list) : this.rnd.pick(this.patientOrgs);
  }

  private patientFor(condition: string): Node {
    const list = this.patientsByCondition.get(condition);
    return list && this.rnd.chance(0.8) ? this.rnd.pick(list) : this.rnd.pick(this.patients);
  }

  private conditionIn(area: string): string {
    return this.rnd.pick(THERAPEUTIC_AREAS.find((a) => a.area === area)?.conditions ?? ['cystic fibrosis']);
  }

  /**
   * A timestamp in office hours (UTC) of a working day near `day`, within [lo, hi] days when
   * that window has one, never after the anchor.
   */
  private workingTime(day: number, anyMinute = false, lo = -Infinity, hi = -1): number {
    const dow = new Date(at(day)).getUTCDay();
    let d = day;
    if (dow === 0 || dow === 6) {
      const monday = day + (dow === 0 ? 1 : 2);
      const friday = day - (dow === 0 ? 2 : 1);
      d = monday <= hi ? monday : friday >= lo ? friday : day;
    }
    const minute = anyMinute ? this.rnd.int(7 * 60, 21 * 60) : this.rnd.int(30, 70) * 15;
    return Math.min(at(d, minute), ANCHOR - MINUTE);
  }

  private uniqueName(candidate: () => string): string {
    for (let attempt = 0; attempt < 50; attempt++) {
      const name = candidate();
      if (!this.names.has(name)) {
        this.names.add(name);
        return name;
      }
    }
    const base = candidate();
    for (let n = 2; ; n++) {
      const name = `${base} ${n}`;
      if (!this.names.has(name)) {
        this.names.add(name);
        return name;
      }
    }
  }

  private addStakeholder(node: Node, row: Partial<StakeholderRow>): void {
    const created = at(node.createdDay, this.rnd.int(8 * 60, 18 * 60));
    this.data.stakeholder.push({
      ...emptyStakeholder(),
      ...row,
      id: node.id,
      kind: node.kind,
      name: node.name,
      country: node.country,
      created_at: iso(created),
      updated_at: iso(Math.min(created + this.rnd.int(0, 200) * DAY, ANCHOR)),
    });
  }

  private orgNode(kind: StakeholderKind, uuid: string, name: string, country: string | null, areas: string[], conditions: string[], createdDay: number): Node {
    this.names.add(name);
    return { id: uuid, kind, name, country, areas, conditions, createdDay, ordinal: this.nextOrdinal++ };
  }

  // ----- stakeholders -----------------------------------------------------------------------

  private agencies(): void {
    const add = (entry: AgencyEntry, kind: StakeholderKind.REGULATOR | StakeholderKind.HTA_BODY): void => {
      const node = this.orgNode(kind, id.agency(entry.key), entry.name, entry.country, [], [], -1400 + this.rnd.int(0, 30));
      const regulator = kind === StakeholderKind.REGULATOR;
      (regulator ? this.regulators : this.htaBodies).push(node);
      this.addStakeholder(node, {
        description: regulator
          ? `${entry.detail} for ${entry.jurisdiction}.`
          : `Health technology assessment body for ${entry.jurisdiction}: ${entry.detail.toLowerCase()}.`,
        website: entry.website,
        tags: ['reference-data', regulator ? 'regulator' : 'hta', ...entry.countries.map((c) => `country:${c}`)],
        jurisdiction: entry.jurisdiction,
        agency_type: regulator ? entry.detail : null,
        appraisal_scope: regulator ? null : entry.detail,
      });
    };
    for (const entry of HTA_BODIES) add(entry, StakeholderKind.HTA_BODY);
    for (const entry of REGULATORS) add(entry, StakeholderKind.REGULATOR);
  }

  private companiesOf(k: number): void {
    const countries = ['DE', 'CH', 'GB', 'FR', 'US', 'NL', 'BE', 'DK', 'SE', 'IE', 'IT', 'ES'];
    for (let j = 0; j < SIZE.companies; j++) {
      const i = k * SIZE.companies + j;
      let entry = COMPANIES[j];
      if (k > 0) {
        const name = this.uniqueName(() => `${this.rnd.pick(COMPANY_PREFIXES)} ${this.rnd.pick(COMPANY_SUFFIXES)[0]}`);
        const type = COMPANY_SUFFIXES.find(([suffix]) => name.includes(` ${suffix}`))?.[1] ?? 'BIOTECH';
        const country = this.rnd.pick(countries);
        const areas = this.rnd.sample(AREAS, this.rnd.int(1, 2));
        entry = { name, type, country, areas, efpia: type === 'PHARMA' && country !== 'US' && this.rnd.chance(0.75) };
      }
      const node = this.orgNode(StakeholderKind.COMPANY, id.company(i), entry.name, entry.country, entry.areas, [], -this.rnd.int(700, 1300));
      node.companyType = entry.type;
      node.efpia = entry.efpia;
      this.companies.push(node);
      if (entry.type === 'CRO') this.cros.push(node);
      for (const area of entry.areas) push(this.companiesByArea, area, node);
      const typeLabel = { PHARMA: 'Pharmaceutical company', BIOTECH: 'Biotechnology company', MEDTECH: 'Medical technology company', CRO: 'Contract research organisation' }[entry.type];
      this.addStakeholder(node, {
        description: `${typeLabel} working in ${entry.areas.join(' and ').toLowerCase()}. Fictional company of the demo alliance.`,
        website: `https://www.${slug(entry.name)}.example.com`,
        tags: [entry.type.toLowerCase(), ...(entry.efpia ? ['efpia'] : []), ...entry.areas.map(slug)],
        company_type: entry.type,
        therapeutic_areas: entry.areas,
        efpia_member: entry.efpia,
      });
    }
  }

  private patientOrgsOf(k: number): void {
    // Federations first (national groups name their umbrella), but ids follow the list order.
    const n = SIZE.patientOrganisations;
    const nodes: Node[] = new Array(n);
    const entries = PATIENT_ORGANISATIONS.map((entry, j) => ({ ...entry, j }));
    const regions = ['Nordic', 'Iberian', 'Baltic', 'Alpine', 'Benelux', 'Balkan', 'Celtic', 'Central European', 'Mediterranean', 'Atlantic'];
    if (k > 0) {
      for (const entry of entries) {
        if (entry.umbrella === null) {
          const area = this.rnd.pick(THERAPEUTIC_AREAS);
          entry.name = this.uniqueName(() => `${this.rnd.pick(regions)} ${area.area} Patients Federation`);
          entry.country = this.rnd.pick(['BE', 'NL', 'LU', 'DK', 'AT', 'PT']);
          entry.diseaseAreas = area.conditions;
        } else {
          const country = this.rnd.pick(PEOPLE).country;
          const condition = this.rnd.pick(this.rnd.pick(THERAPEUTIC_AREAS).conditions);
          const more = this.rnd.chance(0.3) ? [this.conditionIn(AREA_OF.get(condition) ?? 'Oncology')] : [];
          entry.country = country;
          entry.diseaseAreas = [...new Set([condition, ...more])];
          entry.name = this.uniqueName(() =>
            this.rnd
              .pick(PATIENT_ORG_PATTERNS)
              .replace('{C}', capitalise(condition))
              .replace('{c}', condition)
              .replace('{k}', COUNTRY_NAMES[country] ?? country),
          );
        }
      }
    }
    const order = [...entries.filter((e) => e.umbrella === null), ...entries.filter((e) => e.umbrella !== null)];
    const ordinals = new Map(entries.map((e) => [e.j, this.nextOrdinal + e.j]));
    for (const entry of order) {
      const i = k * n + entry.j;
      const areas = [...new Set(entry.diseaseAreas.map((c) => AREA_OF.get(c) ?? 'Rare diseases'))];
      const node: Node = {
        id: id.patientOrg(i), kind: StakeholderKind.PATIENT_ORGANISATION, name: entry.name, country: entry.country,
        areas, conditions: entry.diseaseAreas, createdDay: -this.rnd.int(700, 1300), ordinal: ordinals.get(entry.j) ?? 0,
        isUmbrella: entry.umbrella === null,
      };
      this.names.add(entry.name);
      nodes[entry.j] = node;
      let umbrella: Node | null = null;
      if (entry.umbrella !== null) {
        umbrella = k === 0 ? nodes[entry.umbrella] : this.umbrellaFor(entry.diseaseAreas[0], nodes);
      }
      this.addStakeholder(node, {
        description: node.isUmbrella
          ? `European federation of patient organisations in ${areas.join(', ').toLowerCase()}. Fictional.`
          : `Patient-led organisation for people living with ${entry.diseaseAreas.join(', ')} in ${COUNTRY_NAMES[entry.country] ?? entry.country}. Fictional.`,
        website: `https://${slug(entry.name)}.example.org`,
        tags: [node.isUmbrella ? 'umbrella' : 'national', ...areas.map(slug)],
        disease_areas: entry.diseaseAreas,
        umbrella: umbrella?.name ?? null,
        transparency_register_id: this.rnd.chance(0.7) ? `${pad(this.rnd.int(0, 999_999), 6)}${pad(this.rnd.int(0, 999_999), 6)}-${pad(this.rnd.int(0, 99), 2)}` : null,
      });
      if (umbrella) this.umbrellaOf.set(node.id, umbrella);
    }
    this.nextOrdinal += n;
    for (const node of nodes) {
      this.patientOrgs.push(node);
      if (node.isUmbrella) this.umbrellas.push(node);
      for (const c of node.conditions) push(this.patientOrgsByCondition, c, node);
    }
  }

  /** An existing federation that covers the condition, else one of this copy's. */
  private umbrellaFor(condition: string, fresh: Node[]): Node {
    const candidates = [...this.umbrellas, ...fresh.filter((n) => n?.isUmbrella)].filter((u) => u.conditions.includes(condition));
    return candidates.length > 0 ? this.rnd.pick(candidates) : this.rnd.pick(fresh.filter((n) => n?.isUmbrella));
  }

  private researchOrgsOf(k: number): void {
    for (let j = 0; j < SIZE.researchOrganisations; j++) {
      const i = k * SIZE.researchOrganisations + j;
      let entry = RESEARCH_ORGANISATIONS[j];
      if (k > 0) {
        const [pattern, kind] = this.rnd.pick(RESEARCH_ORG_PATTERNS);
        const name = this.uniqueName(() => pattern.replace('{t}', this.rnd.pick(TOWNS)));
        entry = { name, kind, country: this.rnd.pick(PEOPLE).country };
      }
      const areas = this.rnd.sample(AREAS, this.rnd.int(1, 3));
      const node = this.orgNode(StakeholderKind.RESEARCH_ORGANISATION, id.researchOrg(i), entry.name, entry.country, areas, [], -this.rnd.int(700, 1300));
      node.researchKind = entry.kind;
      this.researchOrgs.push(node);
      const label = { ACADEMIC: 'Academic research centre', HOSPITAL: 'University hospital and trial site', NETWORK: 'Research network', NGO: 'Non-profit research foundation' }[entry.kind];
      this.addStakeholder(node, {
        description: `${label} with a focus on ${areas.join(', ').toLowerCase()}. Fictional.`,
        website: `https://${slug(entry.name)}.example.org`,
        tags: [entry.kind.toLowerCase(), ...areas.map(slug)],
        research_kind: entry.kind,
      });
    }
  }

  private pseudonym(): string {
    const base = `${this.rnd.pick(PSEUDONYM_ADJECTIVES)} ${this.rnd.pick(PSEUDONYM_ANIMALS)}`;
    const seen = this.pseudonyms.get(base) ?? 0;
    this.pseudonyms.set(base, seen + 1);
    return seen === 0 ? base : `${base} ${seen + 1}`;
  }

  private email(first: string, last: string): string {
    const domain = this.rnd.pick(['example.org', 'example.com']);
    const local = `${ascii(first)}.${ascii(last)}`;
    for (let n = 1; ; n++) {
      const email = `${local}${n === 1 ? '' : n}@${domain}`;
      if (!this.emails.has(email)) {
        this.emails.add(email);
        return email;
      }
    }
  }

  /** Numbers from ranges reserved for drama/fiction where a country has them (UK, North America). */
  private phone(people: PeopleOfCountry): string {
    if (people.country === 'GB') return `+44 20 7946 0${pad(this.rnd.int(0, 999), 3)}`;
    if (people.dialCode === '1') return `+1 202 555 01${pad(this.rnd.int(0, 99), 2)}`;
    return `+${people.dialCode} 555 ${pad(this.rnd.int(0, 999), 3)} ${pad(this.rnd.int(0, 999), 3)}`;
  }

  private *patientsAll(): Generator<void> {
    this.pseudonyms.set(DEMO.patient.pseudonym, 1);
    const n = SIZE.patients * this.scale;
    const peopleWeights = PEOPLE.map((p) => [p, p.weight] as const);
    for (let i = 0; i < n; i++) {
      if (i % STEP === STEP - 1) yield;
      const demo = i === 0;
      const people = demo ? PEOPLE[0] : this.rnd.weighted(peopleWeights);
      const pseudonym = demo ? DEMO.patient.pseudonym : this.pseudonym();
      const named = demo || this.rnd.chance(0.8);
      const first = demo ? 'Lena' : this.rnd.pick(people.first);
      const last = demo ? 'Vogel' : this.rnd.pick(people.last);
      let conditions: string[] = [];
      if (demo) conditions = ['cystic fibrosis'];
      else if (this.rnd.chance(0.88)) {
        const area = this.rnd.pick(THERAPEUTIC_AREAS);
        conditions = [this.rnd.pick(area.conditions)];
        if (this.rnd.chance(0.25)) conditions.push(this.rnd.pick(this.rnd.chance(0.5) ? area.conditions : this.rnd.pick(THERAPEUTIC_AREAS).conditions));
        conditions = [...new Set(conditions)];
      }
      const expertise = demo ? ['EUPATI Fellow', 'Trial protocol review', 'Lay summaries'] : this.rnd.chance(0.55) ? this.rnd.sample(EXPERTISE, this.rnd.int(1, 3)) : [];
      const languages = [...people.languages, ...(people.languages.includes('en') || !(demo || this.rnd.chance(0.6)) ? [] : ['en'])];
      const node: Node = {
        id: id.patient(i), kind: StakeholderKind.PATIENT, name: pseudonym, country: people.country,
        areas: [...new Set(conditions.map((c) => AREA_OF.get(c) ?? 'Rare diseases'))], conditions,
        createdDay: demo ? -520 : -this.rnd.int(20, 760), ordinal: -1,
      };
      this.patients.push(node);
      for (const c of conditions) push(this.patientsByCondition, c, node);
      this.addStakeholder(node, {
        tags: expertise.some((e) => e.startsWith('EUPATI')) ? ['eupati'] : [],
        pseudonym,
        display_name: named ? `${first} ${last}` : null,
        email: named && (demo || this.rnd.chance(0.75)) ? (demo ? 'lena.vogel@example.org' : this.email(first, last)) : null,
        phone: demo || this.rnd.chance(0.5) ? (demo ? '+49 555 217 042' : this.phone(people)) : null,
        birth_year: demo ? 1988 : this.rnd.chance(0.75) ? this.rnd.int(1944, 2006) : null,
        conditions,
        languages,
        expertise,
      });
    }
    this.emails.add('lena.vogel@example.org');
  }

  // ----- affiliations -----------------------------------------------------------------------

  private affiliation(kind: AffiliationKind, from: Node, to: Node, since: number | null, until: number | null): void {
    const key = `${from.id}|${kind}|${to.id}`;
    if (from.id === to.id || this.affiliationKeys.has(key)) return;
    this.affiliationKeys.add(key);
    if (kind === AffiliationKind.MEMBER_OF && from.kind === StakeholderKind.PATIENT) push(this.patientOrgsOfPatient, from.id, to);
    const createdDay = Math.min(0, Math.max(from.createdDay, to.createdDay, since ?? -Infinity) + this.rnd.int(0, 20));
    const created = at(createdDay, this.rnd.int(8 * 60, 18 * 60));
    const updated = until !== null && until <= 0 ? Math.max(created, at(until, 9 * 60)) : created;
    this.data.affiliation.push({
      id: id.row('affiliation', this.data.affiliation.length),
      kind,
      from_id: from.id,
      to_id: to.id,
      since: since === null ? null : dateOf(since),
      until: until === null ? null : dateOf(until),
      created_at: iso(created),
      updated_at: iso(Math.min(updated, ANCHOR)),
    });
  }

  /** A start date, and for `endedShare` of them an end date in the past. */
  private period(earliest: number, endedShare: number): [number, number | null] {
    const since = -this.rnd.int(60, earliest);
    if (!this.rnd.chance(endedShare) || since > -120) return [since, null];
    return [since, this.rnd.int(since + 90, -1)];
  }

  private *affiliations(): Generator<void> {
    const [helix, demoOrg, demoPatient] = [this.companies[0], this.patientOrgs[0], this.patients[0]];
    this.affiliation(AffiliationKind.MEMBER_OF, demoPatient, demoOrg, -2800, null);
    this.affiliation(AffiliationKind.ADVISES, demoPatient, helix, -640, null);
    this.affiliation(AffiliationKind.FUNDED_BY, demoOrg, helix, -1030, null);

    // Organisations among themselves.
    for (const org of this.patientOrgs) {
      const umbrella = this.umbrellaOf.get(org.id);
      if (umbrella) this.affiliation(AffiliationKind.MEMBER_OF, org, umbrella, -this.rnd.int(800, 4000), null);
      for (let f = this.rnd.weighted([[0, 3], [1, 4], [2, 2], [3, 1]] as const); f > 0; f--) {
        const [since, until] = this.period(2500, 0.3);
        this.affiliation(AffiliationKind.FUNDED_BY, org, this.companyFor(this.rnd.pick(org.areas)), since, until);
      }
      if (this.rnd.chance(0.25)) {
        const agency = this.rnd.chance(0.6) ? this.rnd.pick(this.htaBodies) : this.rnd.pick(this.regulators);
        this.affiliation(AffiliationKind.ADVISES, org, agency, ...this.period(1500, 0.1));
      }
    }
    for (const ro of this.researchOrgs) {
      for (let f = this.rnd.int(0, 2); f > 0; f--) this.affiliation(AffiliationKind.FUNDED_BY, ro, this.companyFor(this.rnd.pick(ro.areas)), ...this.period(2000, 0.3));
      if (this.rnd.chance(0.35)) {
        const target = this.rnd.chance(0.5) ? this.rnd.pick(this.htaBodies) : this.companyFor(this.rnd.pick(ro.areas));
        this.affiliation(AffiliationKind.ADVISES, ro, target, ...this.period(1500, 0.15));
      }
    }
    // Patients: community membership reveals a condition, hence sensitive; employment and advice.
    yield;
    for (const [i, patient] of this.patients.slice(1).entries()) {
      if (i % STEP === STEP - 1) yield;
      if (patient.conditions.length > 0 && this.rnd.chance(0.7)) {
        const org = this.patientOrgFor(patient.conditions[0]);
        this.affiliation(AffiliationKind.MEMBER_OF, patient, org, ...this.period(3000, 0.12));
        if (this.rnd.chance(0.12)) this.affiliation(AffiliationKind.REPRESENTS, patient, org, ...this.period(1000, 0.2));
        if (this.rnd.chance(0.15)) this.affiliation(AffiliationKind.MEMBER_OF, patient, this.patientOrgFor(this.rnd.pick(patient.conditions)), ...this.period(2000, 0.2));
      }
      if (this.rnd.chance(0.05)) {
        const employer = this.rnd.chance(0.6) ? this.rnd.pick(this.patientOrgs) : this.rnd.pick(this.researchOrgs);
        this.affiliation(AffiliationKind.EMPLOYED_BY, patient, employer, ...this.period(3000, 0.3));
      }
      if (this.rnd.chance(0.12)) {
        this.affiliation(AffiliationKind.ADVISES, patient, this.companyFor(this.rnd.pick(patient.areas.length ? patient.areas : AREAS)), ...this.period(1200, 0.25));
      }
    }
  }

  // ----- partnerships -----------------------------------------------------------------------

  private *partnershipsAll(): Generator<void> {
    this.demoPartnership();
    const n = SIZE.partnerships * this.scale - 1;
    const types = this.rnd.spread(n, [
      [PartnershipType.ALLIANCE, 8], [PartnershipType.RESEARCH_COLLABORATION, 16], [PartnershipType.ADVISORY_BOARD, 18],
      [PartnershipType.PATIENT_PANEL, 16], [PartnershipType.SPONSORSHIP, 12], [PartnershipType.CONSORTIUM, 10],
      [PartnershipType.EARLY_DIALOGUE, 10],
    ]);
    const statuses = this.rnd.spread(n, [
      [PartnershipStatus.ACTIVE, 45], [PartnershipStatus.PROPOSED, 15], [PartnershipStatus.SUSPENDED, 10], [PartnershipStatus.CONCLUDED, 30],
    ]);
    // A few partnerships have no stage yet.
    const stageWeights: (readonly [DevelopmentStage | null, number])[] = [...Object.values(DevelopmentStage).map((s) => [s, 1] as const), [null, 0.3]];
    const stages = this.rnd.spread(n, stageWeights);
    const visibilities = this.rnd.spread(n, [[PartnershipVisibility.ALLIANCE, 65], [PartnershipVisibility.MEMBERS, 35]]);
    for (let j = 0; j < n; j++) {
      if (j % (STEP / 4) === 0) yield;
      this.partnership(j + 1, types[j], statuses[j], stages[j], visibilities[j]);
    }
  }

  private pushPartnership(meta: PartnershipMeta, row: Omit<PartnershipRow, 'id' | 'type' | 'status' | 'start_date' | 'end_date' | 'created_at' | 'updated_at'>): void {
    const created = at(meta.created, this.rnd.int(8 * 60, 18 * 60));
    const lastChange =
      meta.status === PartnershipStatus.CONCLUDED && meta.end !== null ? at(Math.min(0, meta.end + this.rnd.int(0, 14)), 10 * 60)
      : meta.status === PartnershipStatus.SUSPENDED ? at(this.rnd.int(Math.max(meta.start ?? -60, -200), 0), 11 * 60)
      : created + this.rnd.int(0, 30) * DAY;
    meta.nodes = [...new Set(meta.members.map((m) => m.node))];
    meta.current = [...new Set(meta.members.filter((m) => m.left === null).map((m) => m.node))];
    this.partnerships.push(meta);
    this.data.partnership.push({
      ...row,
      id: meta.id,
      type: meta.type,
      status: meta.status,
      start_date: meta.start === null ? null : dateOf(meta.start),
      end_date: meta.end === null ? null : dateOf(meta.end),
      created_at: iso(created),
      updated_at: iso(Math.min(Math.max(created, lastChange), ANCHOR)),
    });
    for (const m of meta.members) {
      this.data.partnership_member.push({
        id: id.row('partnership_member', this.data.partnership_member.length),
        partnership_id: meta.id,
        stakeholder_id: m.node.id,
        role: m.role,
        joined_at: dateOf(m.joined),
        left_at: m.left === null ? null : dateOf(m.left),
      });
    }
  }

  private demoPartnership(): void {
    const cfPatients = (this.patientsByCondition.get('cystic fibrosis') ?? []).filter((p) => p !== this.patients[0]);
    const others = this.rnd.sample(cfPatients.length >= 2 ? cfPatients : this.patients.slice(1), 2);
    const start = -400;
    const members: Member[] = [
      { node: this.companies[0], role: MemberRole.LEAD, joined: start, left: null },
      { node: this.patientOrgs[0], role: MemberRole.MEMBER, joined: start, left: null },
      { node: this.patients[0], role: MemberRole.PATIENT_PARTNER, joined: start + 14, left: null },
      ...others.map((node, k) => ({ node, role: MemberRole.PATIENT_PARTNER, joined: start + 14 + k * 30, left: null })),
      { node: this.researchOrgs[4], role: MemberRole.MEMBER, joined: start + 7, left: null },
      { node: this.patientOrgs[25], role: MemberRole.ADVISOR, joined: start + 60, left: null },
    ];
    const meta: PartnershipMeta = {
      id: DEMO.partnership.id, type: PartnershipType.PATIENT_PANEL, status: PartnershipStatus.ACTIVE,
      area: 'Respiratory', condition: 'cystic fibrosis', start, end: null, created: start - 30, lead: this.companies[0], members,
    };
    this.pushPartnership(meta, {
      title: DEMO.partnership.title,
      description: 'People with cystic fibrosis co-design the visit schedule, endpoints and consent materials of the HLX-217 phase II trial.',
      visibility: PartnershipVisibility.ALLIANCE,
      development_stage: DevelopmentStage.PROTOCOL_DESIGN,
      therapeutic_area: 'Respiratory',
    });
  }

  private leadFor(type: PartnershipType, area: string, condition: string): Node {
    switch (type) {
      case PartnershipType.ALLIANCE:
        return this.rnd.chance(0.6) ? this.patientOrgFor(condition) : this.companyFor(area);
      case PartnershipType.RESEARCH_COLLABORATION:
        return this.rnd.chance(0.75) ? this.rnd.pick(this.researchOrgs) : this.companyFor(area);
      case PartnershipType.CONSORTIUM: {
        const networks = this.researchOrgs.filter((r) => r.researchKind === 'NETWORK');
        return this.rnd.chance(0.7) && networks.length ? this.rnd.pick(networks) : this.rnd.pick(this.researchOrgs);
      }
      case PartnershipType.PATIENT_PANEL:
        return this.rnd.chance(0.6) ? this.companyFor(area) : this.patientOrgFor(condition);
      case PartnershipType.ADVISORY_BOARD:
      case PartnershipType.SPONSORSHIP:
      case PartnershipType.EARLY_DIALOGUE:
        return this.companyFor(area);
    }
  }

  private title(type: PartnershipType, area: string, condition: string, lead: Node, code: string, year: number, po: Node | null): string {
    const C = capitalise(condition);
    const acronym = `${this.rnd.pick(['PRO', 'RWE', 'CARE', 'VOICE', 'SHARE', 'OPEN', 'TRUST', 'BRIDGE'])}-${initials(condition)}`;
    const options: Record<PartnershipType, string[]> = {
      [PartnershipType.ALLIANCE]: [`${C} Patient Engagement Alliance`, `${area} Patient Partnership Alliance ${year}`, `Alliance for Patient-Centred ${area} Research`],
      [PartnershipType.RESEARCH_COLLABORATION]: [`${C} patient-reported outcomes collaboration`, `Co-designing endpoints in ${condition}`, `${C} patient preference study`],
      [PartnershipType.ADVISORY_BOARD]: [`${lead.name} ${condition} patient advisory board`, `${code} patient advisory board (${condition})`],
      [PartnershipType.PATIENT_PANEL]: [`${C} patient panel ${year}`, `${code} protocol patient panel`],
      [PartnershipType.SPONSORSHIP]: [`${po?.name ?? C} annual patient congress ${year}`, `${po?.name ?? C} patient education programme ${year}`],
      [PartnershipType.CONSORTIUM]: [`${acronym}: European ${condition} registry consortium`, `${acronym} consortium on real-world evidence in ${condition}`],
      [PartnershipType.EARLY_DIALOGUE]: [`Early dialogue on ${code} in ${condition}`, `Parallel regulatory–HTA advice on ${code}`, `Joint scientific advice: ${code} (${condition})`],
    };
    return this.rnd.pick(options[type]);
  }

  private productCode(company: Node): string {
    return `${productPrefix(company.name)}-${this.rnd.int(100, 999)}`;
  }

  private partnership(i: number, type: PartnershipType, status: PartnershipStatus, stage: DevelopmentStage | null, visibility: PartnershipVisibility): void {
    const area = this.rnd.pick(AREAS);
    const condition = this.conditionIn(area);
    const lead = this.leadFor(type, area, condition);

    let start: number | null;
    let end: number | null = null;
    let created: number;
    switch (status) {
      case PartnershipStatus.PROPOSED:
        created = -this.rnd.int(5, 90);
        start = this.rnd.chance(0.7) ? this.rnd.int(7, 150) : null;
        if (start !== null && this.rnd.chance(0.5)) end = start + this.rnd.int(180, 720);
        break;
      case PartnershipStatus.ACTIVE:
        start = -this.rnd.int(20, 900);
        if (this.rnd.chance(0.5)) end = this.rnd.int(30, 700);
        created = start - this.rnd.int(5, 60);
        break;
      case PartnershipStatus.SUSPENDED:
        start = -this.rnd.int(120, 900);
        created = start - this.rnd.int(5, 60);
        break;
      case PartnershipStatus.CONCLUDED:
        start = -this.rnd.int(300, 1400);
        end = start + this.rnd.int(120, -1 - start);
        created = start - this.rnd.int(5, 60);
        break;
    }

    // Who takes part: the lead, patients, the organisations the type calls for, then fill.
    const size = this.rnd.weighted([[2, 4], [3, 8], [4, 12], [5, 14], [6, 14], [7, 12], [8, 10], [9, 8], [10, 6], [11, 5], [12, 4]] as const);
    const chosen = new Map<string, [Node, MemberRole]>([[lead.id, [lead, MemberRole.LEAD]]]);
    const add = (node: Node, role: MemberRole): void => {
      if (chosen.size < size && !chosen.has(node.id)) chosen.set(node.id, [node, role]);
    };
    let po: Node | null = null;
    if (type === PartnershipType.SPONSORSHIP) {
      po = this.patientOrgFor(condition);
      add(po, MemberRole.MEMBER);
    }
    if (type === PartnershipType.EARLY_DIALOGUE) {
      add(this.rnd.pick(this.regulators), MemberRole.ADVISOR);
      if (this.rnd.chance(0.7)) add(this.rnd.pick(this.htaBodies), MemberRole.ADVISOR);
    }
    if (stage === DevelopmentStage.HTA_APPRAISAL && this.rnd.chance(0.5)) add(this.rnd.pick(this.htaBodies), MemberRole.OBSERVER);
    const patientCount = {
      [PartnershipType.PATIENT_PANEL]: this.rnd.int(3, 6),
      [PartnershipType.ADVISORY_BOARD]: this.rnd.int(2, 5),
      [PartnershipType.EARLY_DIALOGUE]: this.rnd.int(1, 2),
      [PartnershipType.SPONSORSHIP]: this.rnd.int(0, 1),
      [PartnershipType.ALLIANCE]: this.rnd.int(0, 3),
      [PartnershipType.RESEARCH_COLLABORATION]: this.rnd.int(0, 3),
      [PartnershipType.CONSORTIUM]: this.rnd.int(0, 2),
    }[type];
    for (let p = 0; p < patientCount; p++) add(this.patientFor(condition), MemberRole.PATIENT_PARTNER);
    if (lead.kind !== StakeholderKind.PATIENT_ORGANISATION && this.rnd.chance(0.8)) add(this.patientOrgFor(condition), MemberRole.MEMBER);
    for (let guard = 0; chosen.size < size && guard < 40; guard++) {
      const pick = this.rnd.weighted([
        ['company', 30], ['po', 25], ['ro', 25], ['patient', 12], ['agency', 8],
      ] as const);
      if (pick === 'company') add(this.companyFor(area), MemberRole.MEMBER);
      else if (pick === 'po') add(this.patientOrgFor(condition), MemberRole.MEMBER);
      else if (pick === 'ro') add(this.rnd.pick(this.researchOrgs), this.rnd.chance(0.3) ? MemberRole.ADVISOR : MemberRole.MEMBER);
      else if (pick === 'patient') add(this.patientFor(condition), MemberRole.PATIENT_PARTNER);
      else add(this.rnd.chance(0.5) ? this.rnd.pick(this.htaBodies) : this.rnd.pick(this.regulators), MemberRole.OBSERVER);
    }

    for (let guard = 0; chosen.size < 2 && guard < 10; guard++) add(this.companyFor(area), MemberRole.MEMBER);

    // Joining and leaving dates, never in the future.
    const base = status === PartnershipStatus.PROPOSED ? created : (start ?? created);
    const limit = Math.min(0, end ?? 0);
    const members: Member[] = [];
    let current = chosen.size; // a partnership keeps at least two current members
    for (const [node, role] of chosen.values()) {
      const joined = role === MemberRole.LEAD ? base : Math.min(base + this.rnd.int(0, 45), limit);
      let left: number | null = null;
      if (status !== PartnershipStatus.PROPOSED && role !== MemberRole.LEAD && current > 2 && joined <= limit - 30 && this.rnd.chance(0.1)) {
        left = this.rnd.int(joined + 30, limit);
      }
      members.push({ node, role, joined, left });
      if (left === null) continue;
      // Some who left came back: a new current membership next to the historical one.
      if (left <= limit - 30 && this.rnd.chance(0.25)) members.push({ node, role, joined: this.rnd.int(left + 15, limit), left: null });
      else current--;
    }

    const code = this.productCode(lead.kind === StakeholderKind.COMPANY ? lead : this.companyFor(area));
    const year = yearOf(start ?? created);
    const meta: PartnershipMeta = { id: id.row('partnership', i), type, status, area, condition, start, end, created, lead, members };
    this.pushPartnership(meta, {
      title: this.title(type, area, condition, lead, code, year, po),
      description: `Working together on ${this.rnd.pick(TOPICS)} in ${condition}.`,
      visibility,
      development_stage: stage,
      therapeutic_area: area,
    });
  }

  // ----- interactions -----------------------------------------------------------------------

  private interactionKinds(n: number): InteractionKind[] {
    return this.rnd.spread(n, [
      [InteractionKind.MEETING, 25], [InteractionKind.CALL, 25], [InteractionKind.EMAIL, 15],
      [InteractionKind.CONSULTATION, 10], [InteractionKind.WORKSHOP, 10], [InteractionKind.ADVISORY_BOARD, 8],
      [InteractionKind.CONFERENCE, 7],
    ]);
  }

  private duration(kind: InteractionKind): number | null {
    switch (kind) {
      case InteractionKind.EMAIL:
        return null;
      case InteractionKind.CALL:
        return this.rnd.pick([15, 20, 30, 45, 60]);
      case InteractionKind.MEETING:
        return this.rnd.pick([30, 45, 60, 90, 120]);
      case InteractionKind.CONSULTATION:
        return this.rnd.pick([60, 90, 120, 180]);
      case InteractionKind.WORKSHOP:
        return this.rnd.pick([90, 120, 180, 240, 360]);
      case InteractionKind.ADVISORY_BOARD:
        return this.rnd.pick([120, 180, 240, 360, 480]);
      case InteractionKind.CONFERENCE:
        return this.rnd.pick([480, 960, 1440, 2880]);
    }
  }

  private summary(kind: InteractionKind, topic: string, condition: string, area: string): string {
    const options: Record<InteractionKind, string[]> = {
      [InteractionKind.MEETING]: [`Steering meeting on ${topic}`, `Coordination meeting: ${topic}`],
      [InteractionKind.ADVISORY_BOARD]: [`Advisory board on ${topic} in ${condition}`, `Patient advisory board: ${topic}`],
      [InteractionKind.CONSULTATION]: [`Consultation on ${topic}`, `Patient input consultation for ${condition}`],
      [InteractionKind.WORKSHOP]: [`Co-design workshop: ${topic}`, `Training workshop on ${topic}`],
      [InteractionKind.CALL]: [`Call about ${topic}`, `Check-in call: ${topic}`],
      [InteractionKind.EMAIL]: [`Email exchange on ${topic}`, `Shared documents on ${topic}`],
      [InteractionKind.CONFERENCE]: [`Session at the annual ${area.toLowerCase()} patient congress`, `Conference panel on ${topic}`],
    };
    return this.rnd.pick(options[kind]);
  }

  private notes(): string | null {
    if (!this.rnd.chance(0.8)) return null;
    return this.rnd.sample(NOTE_SENTENCES, this.rnd.int(1, 3)).join(' ');
  }

  private counterpart(recorder: Node, kind: InteractionKind): Node {
    const area = recorder.areas.length ? this.rnd.pick(recorder.areas) : this.rnd.pick(AREAS);
    const condition = recorder.conditions.length ? this.rnd.pick(recorder.conditions) : this.conditionIn(area);
    const what = this.rnd.weighted([
      ['patient', 35], ['po', 25], ['company', 20], ['ro', 12],
      ['hta', kind === InteractionKind.CONSULTATION ? 20 : 4], ['regulator', kind === InteractionKind.CONSULTATION ? 12 : 2],
    ] as const);
    switch (what) {
      case 'patient':
        return this.patientFor(condition);
      case 'po':
        return this.patientOrgFor(condition);
      case 'company':
        return this.companyFor(area);
      case 'ro':
        return this.rnd.pick(this.researchOrgs);
      case 'hta':
        return this.rnd.pick(this.htaBodies);
      case 'regulator':
        return this.rnd.pick(this.regulators);
    }
  }

  private pushInteraction(meta: InteractionMeta, kind: InteractionKind, recorder: Node, summary: string | null, notes: string | null): void {
    const created = Math.min(meta.occurredMs + this.rnd.int(10, 3 * 24 * 60) * MINUTE, ANCHOR);
    const edited = this.rnd.chance(0.15) ? Math.min(created + this.rnd.int(1, 20) * DAY, ANCHOR) : created;
    this.interactions.push(meta);
    this.data.interaction.push({
      id: meta.id,
      kind,
      occurred_at: iso(meta.occurredMs),
      duration_minutes: this.duration(kind),
      partnership_id: meta.partnership?.id ?? null,
      summary,
      notes,
      recorded_by_user: userOf(recorder.ordinal, recorder === this.companies[0] ? 0 : this.rnd.int(0, USERS_PER_ORG - 1)),
      recorded_by_org_id: recorder.id,
      created_at: iso(created),
      updated_at: iso(edited),
    });
    for (const p of meta.participants) this.data.interaction_participant.push({ interaction_id: meta.id, stakeholder_id: p.id });
  }

  private *interactionsAll(): Generator<void> {
    // The demo workshop, so the README has a known interaction with notes and a follow-up.
    const demoP = this.partnerships[0];
    const demoDay = -30;
    this.pushInteraction(
      {
        id: DEMO.interaction.id, day: demoDay, occurredMs: this.workingTime(demoDay), partnership: demoP, topic: 'visit schedule burden',
        participants: [this.companies[0], this.patientOrgs[0], this.patients[0], this.researchOrgs[4]],
      },
      InteractionKind.WORKSHOP, this.companies[0], DEMO.interaction.summary,
      'Patient partners asked for fewer on-site visits in months 2–4 and for home spirometry. Helix to share a revised schedule before the next panel.',
    );

    const n = SIZE.interactions * this.scale - 1;
    const kinds = this.interactionKinds(n);
    const withHistory = this.partnerships.filter((p) => p.start !== null && p.start <= -14);
    const orgKinds = [
      [StakeholderKind.COMPANY, 45], [StakeholderKind.PATIENT_ORGANISATION, 35], [StakeholderKind.RESEARCH_ORGANISATION, 15],
      [StakeholderKind.HTA_BODY, 3], [StakeholderKind.REGULATOR, 2],
    ] as const;
    for (let j = 0; j < n; j++) {
      if (j % STEP === 0) yield;
      const kind = kinds[j];
      const maxParticipants = {
        [InteractionKind.CALL]: 3, [InteractionKind.EMAIL]: 4, [InteractionKind.MEETING]: 6, [InteractionKind.CONSULTATION]: 5,
        [InteractionKind.WORKSHOP]: 8, [InteractionKind.ADVISORY_BOARD]: 8, [InteractionKind.CONFERENCE]: 8,
      }[kind];
      const count = this.rnd.int(2, maxParticipants);
      let partnership: PartnershipMeta | null = null;
      let lo = -730;
      let hi = -1;
      if (this.rnd.chance(0.55) && withHistory.length > 0) {
        const p = this.rnd.pick(withHistory);
        const from = Math.max(p.start ?? -730, -730);
        const to = Math.min(p.end ?? -1, -1);
        if (to > from) [partnership, lo, hi] = [p, from, to];
      }
      const day = this.rnd.int(lo, hi);
      const occurredMs = this.workingTime(day, kind === InteractionKind.EMAIL, lo, hi);
      const occurredDay = Math.floor((occurredMs - ANCHOR) / DAY);
      let recorder: Node;
      let participants: Node[];
      if (partnership) {
        // Only who was a member on that day takes part (the lead always is).
        const pool = [...new Set(partnership.members.filter((m) => m.joined <= occurredDay && (m.left === null || m.left >= occurredDay)).map((m) => m.node))];
        const orgs = pool.filter((m) => m.kind !== StakeholderKind.PATIENT);
        recorder = this.rnd.chance(0.5) || orgs.length === 0 ? partnership.lead : this.rnd.pick(orgs);
        participants = [recorder, ...this.rnd.sample(pool.filter((m) => m !== recorder), count - 1)];
        if (participants.length < count && this.rnd.chance(0.5)) participants.push(this.counterpart(recorder, kind));
      } else {
        recorder = this.org(this.rnd.weighted(orgKinds));
        participants = [recorder];
        for (let guard = 0; participants.length < count && guard < 20; guard++) {
          const other = this.counterpart(recorder, kind);
          if (!participants.includes(other)) participants.push(other);
        }
      }
      participants = [...new Set(participants)];
      while (participants.length < 2) {
        const other = this.counterpart(recorder, kind);
        if (!participants.includes(other)) participants.push(other);
      }
      const area = partnership?.area ?? (recorder.areas.length ? this.rnd.pick(recorder.areas) : this.rnd.pick(AREAS));
      const condition = partnership?.condition ?? (recorder.conditions.length ? this.rnd.pick(recorder.conditions) : this.conditionIn(area));
      const topic = this.rnd.pick(TOPICS);
      const meta: InteractionMeta = {
        id: id.row('interaction', j + 1), day: occurredDay, occurredMs,
        partnership, participants, topic,
      };
      this.pushInteraction(meta, kind, recorder, this.rnd.chance(0.97) ? this.summary(kind, topic, condition, area) : null, this.notes());
    }
  }

  // ----- commitments ------------------------------------------------------------------------

  private commitmentTitle(topic: string): string {
    return this.rnd.pick([
      `Share a plain-language summary of the ${topic}`,
      `Provide written patient input on the ${topic}`,
      'Circulate minutes and the action list',
      'Review the informed consent form with patient partners',
      'Nominate two patient experts for the next advisory board',
      'Reimburse travel costs of patient partners',
      'Publish a lay summary of the results',
      `Translate the materials on the ${topic}`,
      `Organise a follow-up workshop on the ${topic}`,
      'Send the draft data-sharing agreement',
      'Confirm honoraria under the fair-market-value grid',
      'Report back on how patient input was used',
    ]);
  }

  private pushCommitment(row: Omit<CommitmentRow, 'id' | 'created_at' | 'updated_at'>, created: number, updated: number): void {
    this.data.commitment.push({
      ...row,
      id: id.row('commitment', this.data.commitment.length),
      created_at: iso(created),
      updated_at: iso(Math.min(Math.max(updated, created), ANCHOR)),
    });
  }

  private *commitmentsAll(): Generator<void> {
    const [helix, demoOrg, demoPatient] = [this.companies[0], this.patientOrgs[0], this.patients[0]];
    const demoInteraction = this.interactions[0];
    this.pushCommitment(
      {
        title: 'Share a plain-language summary of the revised HLX-217 protocol', description: 'Follow-up of the co-design workshop.',
        committer_id: helix.id, beneficiary_id: demoPatient.id, partnership_id: DEMO.partnership.id, interaction_id: DEMO.interaction.id,
        due_date: dateOf(30), status: CommitmentStatus.OPEN, fulfilled_at: null, evidence: null,
      },
      demoInteraction.occurredMs + 2 * DAY, demoInteraction.occurredMs + 2 * DAY,
    );
    const fulfilled = at(-120, 14 * 60);
    this.pushCommitment(
      {
        title: 'Nominate two patient experts for the next advisory board', description: null,
        committer_id: demoOrg.id, beneficiary_id: helix.id, partnership_id: DEMO.partnership.id, interaction_id: null,
        due_date: dateOf(-110), status: CommitmentStatus.FULFILLED, fulfilled_at: iso(fulfilled),
        evidence: 'Nominations sent by email and acknowledged by the panel lead',
      },
      at(-150, 10 * 60), fulfilled,
    );

    const n = SIZE.commitments * this.scale - 2;
    const statuses = this.rnd.spread(n, [
      [CommitmentStatus.OPEN, 30], [CommitmentStatus.IN_PROGRESS, 25], [CommitmentStatus.FULFILLED, 30],
      [CommitmentStatus.MISSED, 8], [CommitmentStatus.WITHDRAWN, 7],
    ]);
    const overdueOpen = this.rnd.spread(n, [[true, 35], [false, 65]]);
    for (let j = 0; j < n; j++) {
      if (j % STEP === 0) yield;
      const status = statuses[j];
      // Settled commitments need some history behind them.
      const minAge = status === CommitmentStatus.FULFILLED || status === CommitmentStatus.MISSED || (status === CommitmentStatus.OPEN && overdueOpen[j]) ? 21 : 1;
      let createdDay: number;
      let createdMs: number;
      let partnershipId: string | null = null;
      let interactionId: string | null = null;
      let committer: Node;
      let beneficiary: Node | null = null;
      let topic = this.rnd.pick(TOPICS);
      const interaction = this.rnd.chance(0.35) ? this.rnd.pick(this.interactions) : null;
      const candidate = !interaction && this.rnd.chance(0.8) ? this.rnd.pick(this.partnerships) : null;
      const partnership = candidate && candidate.created < -minAge ? candidate : null;
      if (interaction && interaction.day <= -minAge - 2) {
        interactionId = interaction.id;
        partnershipId = interaction.partnership?.id ?? null;
        topic = interaction.topic;
        const orgs = interaction.participants.filter((p) => p.kind !== StakeholderKind.PATIENT);
        committer = orgs.length && this.rnd.chance(0.8) ? this.rnd.pick(orgs) : this.rnd.pick(interaction.participants);
        const others = interaction.participants.filter((p) => p !== committer);
        if (others.length && this.rnd.chance(0.6)) beneficiary = this.rnd.pick(others);
        createdMs = interaction.occurredMs + this.rnd.int(60, 2 * 24 * 60) * MINUTE;
        createdDay = Math.floor((createdMs - ANCHOR) / DAY);
      } else {
        if (partnership) {
          partnershipId = partnership.id;
          const current = partnership.current ?? [partnership.lead];
          const orgs = current.filter((m) => m.kind !== StakeholderKind.PATIENT);
          committer = orgs.length && this.rnd.chance(0.8) ? this.rnd.pick(orgs) : this.rnd.pick(current);
          const others = current.filter((m) => m !== committer);
          if (others.length && this.rnd.chance(0.6)) beneficiary = this.rnd.pick(others);
          createdDay = this.rnd.int(Math.max(partnership.created + 1, -700), -minAge);
        } else {
          committer = this.org(this.rnd.pick([StakeholderKind.COMPANY, StakeholderKind.PATIENT_ORGANISATION, StakeholderKind.RESEARCH_ORGANISATION]));
          if (this.rnd.chance(0.5)) beneficiary = this.counterpart(committer, InteractionKind.MEETING);
          createdDay = this.rnd.int(-700, -minAge);
        }
        createdMs = this.workingTime(createdDay, false, partnership ? partnership.created + 1 : -Infinity);
      }
      if (beneficiary === committer) beneficiary = null;

      let due: number | null = createdDay + this.rnd.int(14, 120);
      let fulfilledAt: number | null = null;
      let updated = createdMs;
      switch (status) {
        case CommitmentStatus.OPEN:
          due = overdueOpen[j] ? this.rnd.int(createdDay + 7, -1) : Math.max(due, this.rnd.int(7, 180));
          break;
        case CommitmentStatus.IN_PROGRESS:
          if (this.rnd.chance(0.8)) due = Math.max(due, this.rnd.int(3, 150));
          updated = createdMs + this.rnd.int(1, Math.max(1, -createdDay)) * DAY;
          break;
        case CommitmentStatus.FULFILLED:
          fulfilledAt = Math.min(createdMs + this.rnd.int(1, Math.max(2, Math.min(150, -createdDay))) * DAY + this.rnd.int(0, 600) * MINUTE, ANCHOR - MINUTE);
          updated = fulfilledAt;
          break;
        case CommitmentStatus.MISSED:
          due = this.rnd.int(createdDay + 7, -1);
          updated = at(this.rnd.int(due, 0), 9 * 60);
          break;
        case CommitmentStatus.WITHDRAWN:
          updated = createdMs + this.rnd.int(1, Math.max(1, -createdDay)) * DAY;
          break;
      }
      if (status !== CommitmentStatus.MISSED && this.rnd.chance(0.05)) due = null;
      this.pushCommitment(
        {
          title: this.commitmentTitle(topic),
          description: this.rnd.chance(0.5) ? `Agreed ${interactionId ? 'at the meeting' : 'within the partnership'}; owner: ${committer.kind === StakeholderKind.PATIENT ? 'patient partner' : 'engagement manager'}.` : null,
          committer_id: committer.id,
          beneficiary_id: beneficiary?.id ?? null,
          partnership_id: partnershipId,
          interaction_id: interactionId,
          due_date: due === null ? null : dateOf(due),
          status,
          fulfilled_at: fulfilledAt === null ? null : iso(fulfilledAt),
          evidence: fulfilledAt !== null && this.rnd.chance(0.85)
            ? this.rnd.pick([
              `Minutes AG-${yearOf(createdDay)}-${pad(this.rnd.int(1, 9999), 4)} shared on the alliance workspace`,
              `https://docs.example.org/alliance/${id.row('evidence', j).slice(0, 8)}`,
              'Signed attendance list and expense report',
              'Lay summary published on the partnership page',
              'Email confirmation from the beneficiary',
            ])
            : null,
        },
        createdMs,
        updated,
      );
    }
  }

  // ----- contracts --------------------------------------------------------------------------

  private currency(country: string | null): string {
    if (country === 'GB') return 'GBP';
    if (country === 'US' || country === 'CA') return 'USD';
    if (country === 'CH') return 'CHF';
    return 'EUR';
  }

  private pushContract(row: Omit<ContractRow, 'id' | 'created_at' | 'updated_at'>, parties: [Node, ContractPartyRole, number | null][], created: number, updated: number): string {
    const contractId = id.row('contract', this.data.contract.length);
    this.data.contract.push({ ...row, id: contractId, created_at: iso(created), updated_at: iso(Math.min(Math.max(created, updated), ANCHOR)) });
    for (const [node, role, signed] of parties) {
      this.data.contract_party.push({
        id: id.row('contract_party', this.data.contract_party.length),
        contract_id: contractId,
        stakeholder_id: node.id,
        role,
        signed_at: signed === null ? null : iso(signed),
      });
    }
    return contractId;
  }

  private *contractsAll(): Generator<void> {
    const [helix, demoPatient] = [this.companies[0], this.patients[0]];
    const signedHelix = at(-385, 10 * 60);
    const signedPatient = at(-383, 17 * 60);
    this.pushContract(
      {
        title: DEMO.contract.title, kind: ContractKind.ADVISORY_BOARD, status: ContractStatus.ACTIVE, partnership_id: DEMO.partnership.id,
        effective_from: dateOf(-380), effective_to: dateOf(350), value_amount: 360_000, value_currency: 'CHF',
        fair_market_value_assessed: true, conflict_of_interest_declared: true, disclosable: true, terminated_at: null, termination_reason: null,
      },
      [[helix, ContractPartyRole.SPONSOR, signedHelix], [demoPatient, ContractPartyRole.RECIPIENT, signedPatient]],
      at(-395, 9 * 60), signedPatient,
    );

    const n = SIZE.contracts * this.scale - 1;
    const kinds = this.rnd.spread(n, [
      [ContractKind.CONSULTANCY, 20], [ContractKind.ADVISORY_BOARD, 20], [ContractKind.SPEAKER, 12], [ContractKind.SPONSORSHIP, 16],
      [ContractKind.GRANT, 12], [ContractKind.DATA_SHARING, 10], [ContractKind.COLLABORATION, 10],
    ]);
    const statuses = this.rnd.spread(n, [
      [ContractStatus.DRAFT, 15], [ContractStatus.AWAITING_SIGNATURES, 15], [ContractStatus.ACTIVE, 40],
      [ContractStatus.TERMINATED, 10], [ContractStatus.EXPIRED, 20],
    ]);
    for (let j = 0; j < n; j++) {
      if (j % (STEP / 2) === 0) yield;
      this.contract(kinds[j], statuses[j]);
    }
  }

  /** Parties by kind; a company paying a patient organisation or a patient is the typical shape. */
  private contractParties(kind: ContractKind, pool: Node[] | null, area: string, condition: string): [Node, ContractPartyRole][] {
    const from = (kinds: StakeholderKind[], fallback: () => Node): Node => {
      const inPool = pool?.filter((n) => kinds.includes(n.kind)) ?? [];
      return inPool.length && this.rnd.chance(0.9) ? this.rnd.pick(inPool) : fallback();
    };
    const company = () => from([StakeholderKind.COMPANY], () => this.companyFor(area));
    const patient = () => from([StakeholderKind.PATIENT], () => this.patientFor(condition));
    const po = () => from([StakeholderKind.PATIENT_ORGANISATION], () => this.patientOrgFor(condition));
    const ro = () => from([StakeholderKind.RESEARCH_ORGANISATION], () => this.rnd.pick(this.researchOrgs));
    const cro = () => this.rnd.pick(this.cros);
    const S = ContractPartyRole.SPONSOR;
    const R = ContractPartyRole.RECIPIENT;
    const P = ContractPartyRole.PARTNER;
    switch (kind) {
      case ContractKind.CONSULTANCY:
        return [[company(), S], [this.rnd.chance(0.6) ? patient() : po(), R], ...(this.rnd.chance(0.2) ? [[cro(), ContractPartyRole.SERVICE_PROVIDER] as [Node, ContractPartyRole]] : [])];
      case ContractKind.ADVISORY_BOARD:
        return [[company(), S], ...Array.from({ length: this.rnd.int(1, 3) }, () => [this.rnd.chance(0.8) ? patient() : po(), R] as [Node, ContractPartyRole])];
      case ContractKind.SPEAKER:
        return [[company(), S], [this.rnd.chance(0.7) ? patient() : po(), R]];
      case ContractKind.SPONSORSHIP:
        return [[company(), S], [po(), R], ...(this.rnd.chance(0.2) ? [[company(), S] as [Node, ContractPartyRole]] : [])];
      case ContractKind.GRANT:
        return [[company(), S], [this.rnd.chance(0.6) ? po() : ro(), R]];
      case ContractKind.DATA_SHARING:
        return [[ro(), P], [this.rnd.chance(0.7) ? company() : po(), P], ...(this.rnd.chance(0.4) ? [[po(), P] as [Node, ContractPartyRole]] : [])];
      case ContractKind.COLLABORATION:
        return [[company(), P], [this.rnd.chance(0.5) ? ro() : po(), P], ...(this.rnd.chance(0.3) ? [[cro(), ContractPartyRole.SERVICE_PROVIDER] as [Node, ContractPartyRole]] : [])];
    }
  }

  private contract(kind: ContractKind, status: ContractStatus): void {
    const linked = this.rnd.chance(0.5) ? this.rnd.pick(this.partnerships) : null;
    const area = linked?.area ?? this.rnd.pick(AREAS);
    const condition = linked?.condition ?? this.conditionIn(area);
    const seen = new Set<string>();
    const parties = this.contractParties(kind, linked?.nodes ?? null, area, condition).filter(([node]) => {
      if (seen.has(node.id)) return false;
      seen.add(node.id);
      return true;
    });
    if (parties.length < 2) {
      // The draws collided: add a distinct counterpart rather than leave a one-party contract.
      const extra = this.rnd.chance(0.5) ? this.patientOrgFor(condition) : this.rnd.pick(this.researchOrgs);
      if (seen.has(extra.id)) return this.contract(kind, status);
      parties.push([extra, kind === ContractKind.DATA_SHARING || kind === ContractKind.COLLABORATION ? ContractPartyRole.PARTNER : ContractPartyRole.RECIPIENT]);
    }
    const onlyPartiesOfPartnership = linked !== null && parties.every(([node]) => linked.nodes?.includes(node));

    let created: number;
    let from: number | null;
    let to: number | null;
    let terminated: number | null = null;
    let signedBy: number; // how many parties signed
    switch (status) {
      case ContractStatus.DRAFT:
        created = -this.rnd.int(1, 60);
        from = this.rnd.chance(0.7) ? this.rnd.int(15, 120) : null;
        to = from !== null && this.rnd.chance(0.7) ? from + this.rnd.int(180, 730) : null;
        signedBy = 0;
        break;
      case ContractStatus.AWAITING_SIGNATURES:
        created = -this.rnd.int(10, 90);
        from = this.rnd.int(-5, 60);
        to = from + this.rnd.int(180, 730);
        signedBy = this.rnd.int(1, parties.length - 1);
        break;
      case ContractStatus.ACTIVE:
        from = -this.rnd.int(30, 700);
        to = this.rnd.chance(0.2) ? null : Math.max(from + this.rnd.int(365, 1095), this.rnd.int(10, 400));
        created = from - this.rnd.int(20, 60);
        signedBy = parties.length;
        break;
      case ContractStatus.TERMINATED:
        from = -this.rnd.int(120, 700);
        to = from + this.rnd.int(365, 1095);
        created = from - this.rnd.int(20, 60);
        terminated = at(this.rnd.int(from + 30, -1), this.rnd.int(9 * 60, 17 * 60));
        signedBy = parties.length;
        break;
      case ContractStatus.EXPIRED:
        from = -this.rnd.int(400, 1000);
        to = this.rnd.int(from + 180, -1);
        created = from - this.rnd.int(20, 60);
        signedBy = parties.length;
        break;
    }
    const createdMs = at(created, this.rnd.int(8 * 60, 18 * 60));
    // Signatures between drafting and the start (or today), in random party order.
    const signLimit = Math.min(from !== null && status !== ContractStatus.AWAITING_SIGNATURES ? from : 0, 0);
    const signers = new Set(this.rnd.sample(parties.map((_, k) => k), signedBy));
    let lastSignature = createdMs;
    const withSignatures = parties.map(([node, role], k): [Node, ContractPartyRole, number | null] => {
      if (!signers.has(k)) return [node, role, null];
      const signed = Math.min(createdMs + this.rnd.int(1, Math.max(1, (signLimit - created) * 24 * 60)) * MINUTE, ANCHOR - MINUTE);
      lastSignature = Math.max(lastSignature, signed);
      return [node, role, signed];
    });

    const sponsor = parties.find(([, role]) => role === ContractPartyRole.SPONSOR)?.[0] ?? null;
    const hasValue = kind === ContractKind.DATA_SHARING ? this.rnd.chance(0.4) : this.rnd.chance(0.88);
    const [lo, hi] = {
      [ContractKind.CONSULTANCY]: [500, 15_000], [ContractKind.ADVISORY_BOARD]: [800, 5_000], [ContractKind.SPEAKER]: [500, 3_000],
      [ContractKind.SPONSORSHIP]: [5_000, 150_000], [ContractKind.GRANT]: [10_000, 500_000], [ContractKind.DATA_SHARING]: [2_000, 40_000],
      [ContractKind.COLLABORATION]: [50_000, 2_000_000],
    }[kind];
    const amount = hasValue ? Math.round(this.rnd.int(lo, hi) / 50) * 50 * 100 : null;
    const paysPeople = [ContractKind.CONSULTANCY, ContractKind.ADVISORY_BOARD, ContractKind.SPEAKER].includes(kind);
    const toPatient = parties.some(([node]) => node.kind === StakeholderKind.PATIENT);
    const disclosable = sponsor?.kind === StakeholderKind.COMPANY && amount !== null && kind !== ContractKind.DATA_SHARING && kind !== ContractKind.COLLABORATION && (sponsor.efpia === true || this.rnd.chance(0.5));
    const code = this.productCode(sponsor?.kind === StakeholderKind.COMPANY ? sponsor : this.companyFor(area));
    const year = yearOf(from ?? created);
    const titles: Record<ContractKind, string[]> = {
      [ContractKind.CONSULTANCY]: [`Consultancy – review of the ${this.rnd.pick(TOPICS)}`, `Patient expert consultancy – ${code}`],
      [ContractKind.ADVISORY_BOARD]: [`Advisory board agreement – ${code}`, `Patient advisory board honoraria ${year} (${condition})`],
      [ContractKind.SPEAKER]: [`Speaker agreement – ${area.toLowerCase()} patient webinar ${year}`, `Speaker agreement – congress session on ${condition}`],
      [ContractKind.SPONSORSHIP]: [`Sponsorship of the annual patient congress ${year}`, `Sponsorship – ${condition} awareness campaign ${year}`],
      [ContractKind.GRANT]: [`Unrestricted grant – ${condition} patient registry`, `Educational grant – patient academy ${year}`],
      [ContractKind.DATA_SHARING]: [`Data sharing agreement – ${condition} registry`, `Data access agreement – ${code} patient-reported outcomes`],
      [ContractKind.COLLABORATION]: [`Collaboration agreement – ${condition} endpoints research`, `Co-development of patient-reported outcome measures (${code})`],
    };
    const updated = terminated ?? (status === ContractStatus.EXPIRED && to !== null ? at(to + 1, 6 * 60) : lastSignature);
    this.pushContract(
      {
        title: this.rnd.pick(titles[kind]),
        kind,
        status,
        partnership_id: onlyPartiesOfPartnership ? linked.id : null,
        effective_from: from === null ? null : dateOf(from),
        effective_to: to === null ? null : dateOf(to),
        value_amount: amount,
        value_currency: amount === null ? null : this.currency(sponsor?.country ?? parties[0][0].country),
        fair_market_value_assessed: paysPeople ? this.rnd.chance(0.9) : this.rnd.chance(0.3),
        conflict_of_interest_declared: toPatient ? this.rnd.chance(0.85) : this.rnd.chance(0.4),
        disclosable,
        terminated_at: terminated === null ? null : iso(terminated),
        termination_reason: terminated === null ? null : this.rnd.pick(TERMINATION_REASONS),
      },
      withSignatures,
      createdMs,
      updated,
    );
  }

  // ----- consents ---------------------------------------------------------------------------

  private pushConsent(patient: Node, grantee: Node | null, scopes: ConsentScope[], purposes: ConsentPurpose[], granted: number, expires: number | null, withdrawn: number | null): void {
    const order = <T extends string>(values: T[], all: T[]) => all.filter((v) => values.includes(v));
    this.data.consent.push({
      id: id.row('consent', this.data.consent.length),
      patient_id: patient.id,
      grantee_id: grantee?.id ?? null,
      scopes: order(scopes, Object.values(ConsentScope)),
      purposes: order(purposes, Object.values(ConsentPurpose)),
      granted_at: iso(granted),
      expires_at: expires === null ? null : iso(expires),
      withdrawn_at: withdrawn === null ? null : iso(withdrawn),
      created_at: iso(granted),
      updated_at: iso(withdrawn ?? granted),
    });
  }

  private *consentsAll(): Generator<void> {
    const [helix, demoOrg, demoPatient] = [this.companies[0], this.patientOrgs[0], this.patients[0]];
    const { IDENTITY, CONTACT, HEALTH } = ConsentScope;
    const { PARTNERSHIP_COORDINATION, RESEARCH_DESIGN, REGULATORY_HTA, REPORTING } = ConsentPurpose;
    this.pushConsent(demoPatient, helix, [IDENTITY, CONTACT], [PARTNERSHIP_COORDINATION, RESEARCH_DESIGN], at(-390, 11 * 60), at(340, 11 * 60), null);
    this.pushConsent(demoPatient, demoOrg, [IDENTITY, CONTACT, HEALTH], [PARTNERSHIP_COORDINATION, REPORTING], at(-700, 15 * 60), null, null);
    this.pushConsent(demoPatient, this.companies[1], [IDENTITY], [RESEARCH_DESIGN], at(-500, 10 * 60), null, at(-200, 18 * 60));

    const partnersOf = new Map<string, Node[]>();
    for (const p of this.partnerships) {
      const orgs = p.members.filter((m) => m.node.kind !== StakeholderKind.PATIENT).map((m) => m.node);
      for (const m of p.members) if (m.node.kind === StakeholderKind.PATIENT) for (const o of orgs) push(partnersOf, m.node.id, o);
    }
    const scopeSets: (readonly [ConsentScope[], number])[] = [
      [[IDENTITY], 15], [[IDENTITY, CONTACT], 30], [[IDENTITY, CONTACT, HEALTH], 20], [[HEALTH], 10], [[IDENTITY, HEALTH], 15], [[CONTACT], 10],
    ];
    const allPurposes = [PARTNERSHIP_COORDINATION, RESEARCH_DESIGN, REGULATORY_HTA, REPORTING];
    const consenting = this.patients.slice(1).filter(() => this.rnd.chance(0.85));
    const keys = new Set<string>();
    const n = SIZE.consents * this.scale - 3;
    for (let j = 0, guard = 0; j < n && guard < n * 5; guard++) {
      if (guard % STEP === 0) yield;
      const patient = this.rnd.pick(consenting);
      const r = this.rnd.next();
      let grantee: Node | null = null;
      if (r < 0.25) grantee = null; // the whole alliance
      else if (r < 0.5 && this.patientOrgsOfPatient.has(patient.id)) grantee = this.rnd.pick(this.patientOrgsOfPatient.get(patient.id) ?? []);
      else if (r < 0.8 && partnersOf.has(patient.id)) grantee = this.rnd.pick(partnersOf.get(patient.id) ?? []);
      else grantee = this.rnd.chance(0.7) ? this.companyFor(patient.areas[0] ?? this.rnd.pick(AREAS)) : this.rnd.pick(this.researchOrgs);
      const key = `${patient.id}|${grantee?.id ?? '*'}`;
      if (keys.has(key)) continue;
      keys.add(key);
      j++;
      const grantedDay = -this.rnd.int(10, 720);
      const granted = this.workingTime(grantedDay, true);
      const e = this.rnd.next();
      let expires: number | null = null;
      if (e < 0.5) expires = at(this.rnd.int(30, 700), 23 * 60 + 59); // still valid
      else if (e < 0.65 && grantedDay < -40) expires = at(this.rnd.int(grantedDay + 30, -1), 23 * 60 + 59); // lapsed
      const withdrawn = this.rnd.chance(0.1) ? Math.min(granted + this.rnd.int(1, -grantedDay) * DAY, ANCHOR - MINUTE) : null;
      const purposes = allPurposes.filter(() => this.rnd.chance(0.45));
      this.pushConsent(
        patient, grantee, this.rnd.weighted(scopeSets),
        purposes.length ? purposes : [this.rnd.pick(allPurposes)], granted, expires, withdrawn,
      );
    }
  }

  // ----- quality assessments (PFMD criteria) -------------------------------------------------

  /**
   * About two thirds of the partnerships under way or past are assessed: by one to three of their
   * current member organisations and by about a third of their patient members, some assessors
   * twice (the earlier assessment is history). Each partnership has a quality of its own that its
   * assessors score around. A generator of its own, so that adding assessments changed no row of
   * the tables before them.
   */
  private *assessmentsAll(): Generator<void> {
    const rnd = new Random(SEED + 14);
    const criteria = Object.values(QualityCriterion);
    for (const [j, meta] of this.partnerships.entries()) {
      if (j % (STEP / 4) === 0) yield;
      const demo = meta.id === DEMO.partnership.id;
      if (meta.status === PartnershipStatus.PROPOSED || !(demo || rnd.chance(0.65))) continue;
      const current = meta.current ?? [meta.lead];
      const orgs = current.filter((n) => n.kind !== StakeholderKind.PATIENT);
      const assessors = [
        ...(demo ? orgs.slice(0, 2) : rnd.sample(orgs, rnd.int(1, Math.min(3, orgs.length)))),
        ...current.filter((n) => n.kind === StakeholderKind.PATIENT && (demo ? n === this.patients[0] : rnd.chance(0.35))),
      ];
      const quality = 1.2 + rnd.next() * 2.4;
      const lo = Math.max((meta.start ?? meta.created) + 14, -700);
      const hi = meta.status === PartnershipStatus.CONCLUDED && meta.end !== null ? Math.min(meta.end + 30, -1) : -1;
      for (const assessor of assessors) {
        const latest = rnd.int(Math.min(lo, hi), hi);
        const days = rnd.chance(0.3) && latest > lo ? [rnd.int(lo, latest - 1), latest] : [latest];
        for (const [k, day] of days.entries()) {
          // An earlier assessment is a little lower: engagement improves once it is looked at.
          const level = quality - (k < days.length - 1 ? 0.5 : 0);
          this.pushAssessment(rnd, meta, assessor, day, level, criteria);
        }
      }
    }
  }

  private pushAssessment(rnd: Random, meta: PartnershipMeta, assessor: Node, day: number, level: number, criteria: QualityCriterion[]): void {
    const patient = assessor.kind === StakeholderKind.PATIENT;
    const assessmentId = id.row('partnership_assessment', this.data.partnership_assessment.length);
    this.data.partnership_assessment.push({
      id: assessmentId,
      partnership_id: meta.id,
      assessor_id: assessor.id,
      perspective: patient ? AssessmentPerspective.PATIENT : AssessmentPerspective.ORGANISATION,
      recorded_by_user: patient ? `seed-patient:${assessor.id}` : userOf(assessor.ordinal, 0),
      created_at: iso(this.workingTime(day, true)),
    });
    const scored = criteria.filter(() => rnd.chance(0.8));
    for (const criterion of scored.length ? scored : [rnd.pick(criteria)]) {
      this.data.partnership_assessment_score.push({
        assessment_id: assessmentId,
        criterion,
        score: Math.max(0, Math.min(4, Math.round(level + rnd.next() * 2 - 1))),
        evidence: rnd.chance(0.3) ? rnd.pick(ASSESSMENT_EVIDENCE[criterion]) : null,
      });
    }
  }
}

/** Evidence a member might give for a criterion's score. */
const ASSESSMENT_EVIDENCE: Record<QualityCriterion, string[]> = {
  SHARED_PURPOSE: ['Terms of reference agreed by all partners at the kick-off.', 'Objectives revisited at the mid-term review.'],
  RESPECT_AND_ACCESSIBILITY: ['Meetings held online and in person, with travel and carer costs covered.', 'Materials offered in plain language.'],
  REPRESENTATIVENESS: ['Panel recruited through three patient organisations, two countries.', 'No carers or young people on the panel yet.'],
  ROLES_AND_RESPONSIBILITIES: ['Roles written into the partnership charter.', 'Responsibilities unclear after the change of lead.'],
  CAPACITY_AND_CAPABILITY: ['EUPATI training offered to every patient partner.', 'Patient partners compensated at fair market value.'],
  TRANSPARENCY: ['Minutes and decisions shared within two weeks.', 'Lay summary of results published.'],
  CONTINUITY_AND_SUSTAINABILITY: ['Follow-on panel planned for the next trial phase.', 'Funding ends with the current study.'],
};

/** Builds the demo alliance in memory (no database): the same scale always gives the same rows. */
export function generateDemo(scale = 1): DemoDataset {
  const builder = new DemoBuilder(checkScale(scale));
  const steps = builder.steps();
  while (!steps.next().done) {
    // each step adds rows to builder.data
  }
  return builder.data;
}

/** The largest scale: about 9,000 rows per unit, all held in memory (scale 100 ≈ 0.9 M rows, 0.7 GB). */
export const MAX_SCALE = 200;

function checkScale(scale: number): number {
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) {
    throw new RangeError(`scale must be an integer from 1 to ${MAX_SCALE} (got ${scale})`);
  }
  return scale;
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

export interface SeedReport {
  scale: number;
  /** Rows inserted per table. */
  counts: Record<SeedTable, number>;
  rows: number;
  /** Wall time of generation and loading, in milliseconds. */
  ms: number;
  rowsPerSecond: number;
}

export interface SeedOptions {
  /** About `scale` times the demo alliance (reference agencies once); an integer ≥ 1. */
  scale?: number;
  log?: (msg: string) => void;
}

/** True when the database holds no stakeholder, i.e. nothing to keep. */
export async function isDatabaseEmpty(db: DataSource): Promise<boolean> {
  const rows = (await db.query('SELECT NOT EXISTS (SELECT 1 FROM stakeholder) AS empty')) as { empty: boolean }[];
  return rows[0].empty;
}

/**
 * Loads the demo alliance into an empty database, in one transaction with bulk statements, and
 * analyzes the tables it loaded. Throws (and changes nothing) when stakeholders already exist.
 */
export async function seedDemo(db: DataSource, options: SeedOptions = {}): Promise<SeedReport> {
  const scale = checkScale(options.scale ?? 1);
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const counts = Object.fromEntries(SEED_TABLES.map((t) => [t, 0])) as Record<SeedTable, number>;
  await db.transaction(async (manager) => {
    const q: Queryable = manager;
    // Two servers starting on one empty database must not both seed it.
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('alliance-graph:seed'))`);
    const [{ empty }] = (await q.query('SELECT NOT EXISTS (SELECT 1 FROM stakeholder) AS empty')) as { empty: boolean }[];
    if (!empty) throw new Error('seedDemo needs an empty database (stakeholders exist); reset it first');
    // Secondary indexes and foreign keys are built once after the load rather than kept up row by
    // row; they come back under their own names and definitions, checked, in this transaction.
    const dropped = await dropIndexesForLoad(q, SEED_TABLES);
    // COPY runs on the transaction's own connection, queued behind its statements.
    const client = (await manager.queryRunner!.connect()) as PgClient;

    // PostgreSQL copies one step's rows in while the next step is generated: the two overlap
    // instead of adding up. Each step's rows are turned into COPY data at once (off the JS heap).
    const builder = new DemoBuilder(scale);
    let loading: Promise<unknown> = Promise.resolve();
    let failed = false;
    // Rows per table when it was analyzed; a finished table gets its indexes, foreign keys and
    // statistics behind its last rows, overlapping the generation of the next tables.
    const analyzed = new Map<SeedTable, number>();
    const flush = (): void => {
      for (const table of SEED_TABLES) {
        const rows = builder.data[table] as object[];
        if (rows.length > counts[table]) {
          const data = copyData(SEED_COLUMNS[table] as ColumnSpec<object>, rows, counts[table]);
          counts[table] = rows.length;
          loading = loading.then(() => copyInto(client, table, SEED_COLUMNS[table] as ColumnSpec<object>, data));
        }
        if (builder.finished.has(table) && !analyzed.has(table)) {
          analyzed.set(table, counts[table]);
          loading = loading.then(() => dropped.restore([table])).then(() => analyzeTables(q, [table]));
        }
      }
      loading.catch(() => (failed = true));
    };
    let lastLog = started;
    for (const _step of builder.steps()) {
      flush();
      await setImmediate(); // lets the driver send what flush() queued
      if (failed) break;
      if (performance.now() - lastLog > 2000) {
        lastLog = performance.now();
        log(`${Object.values(counts).reduce((a, b) => a + b, 0)} rows generated …`);
      }
    }
    flush();
    const generated = performance.now();
    await loading;
    // Whatever is left (every table, were none marked finished), and fresh statistics for any
    // table that grew after it was analyzed: plans must not depend on autovacuum having run (it
    // may be off, as on CI's PostgreSQL 15).
    await dropped.restore();
    await analyzeTables(q, SEED_TABLES.filter((t) => analyzed.get(t) !== counts[t]));
    const ms = (from: number, to: number) => `${Math.round(to - from)} ms`;
    log(`generated in ${ms(started, generated)}; copied, indexed and analyzed ${ms(generated, performance.now())} later`);
  });
  const ms = Math.round(performance.now() - started);
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  return { scale, counts, rows, ms, rowsPerSecond: Math.round((rows * 1000) / Math.max(ms, 1)) };
}

/**
 * Empties every table of the current schema except the migrations bookkeeping, so tables added
 * by later migrations (audit log …) are emptied too.
 */
export async function resetDatabase(db: DataSource): Promise<string[]> {
  const rows = (await db.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'typeorm_migrations' ORDER BY tablename`,
  )) as { tablename: string }[];
  const tables = rows.map((r) => r.tablename);
  if (tables.length > 0) {
    await db.query(`TRUNCATE ${tables.map((t) => `"${t.replace(/"/g, '""')}"`).join(', ')} RESTART IDENTITY CASCADE`);
  }
  return tables;
}

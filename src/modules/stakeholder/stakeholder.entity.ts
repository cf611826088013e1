import { GraphQLCountryCode, GraphQLEmailAddress } from 'graphql-scalars';
import { Field, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import {
  Check,
  ChildEntity,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  TableInheritance,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { toGlobalId } from '../../graphql/global-id';
import { checkIn } from '../../shared/enum';
import { Node } from '../node/node.interface';

export enum StakeholderKind {
  PATIENT = 'PATIENT',
  PATIENT_ORGANISATION = 'PATIENT_ORGANISATION',
  COMPANY = 'COMPANY',
  HTA_BODY = 'HTA_BODY',
  REGULATOR = 'REGULATOR',
  RESEARCH_ORGANISATION = 'RESEARCH_ORGANISATION',
}
export enum CompanyType {
  PHARMA = 'PHARMA',
  BIOTECH = 'BIOTECH',
  MEDTECH = 'MEDTECH',
  CRO = 'CRO',
}
export enum ResearchKind {
  ACADEMIC = 'ACADEMIC',
  HOSPITAL = 'HOSPITAL',
  NETWORK = 'NETWORK',
  NGO = 'NGO',
}
registerEnumType(StakeholderKind, {
  name: 'StakeholderKind',
  description: 'The kind of a stakeholder; each kind is its own GraphQL type implementing Stakeholder.',
  valuesConfig: {
    PATIENT: { description: 'A patient partner, known to the alliance by a pseudonym (type Patient).' },
    PATIENT_ORGANISATION: { description: 'An organisation representing patients with a disease or condition (type PatientOrganisation).' },
    COMPANY: { description: 'A pharmaceutical, biotech or medtech company, or a CRO (type Company).' },
    HTA_BODY: { description: 'A health technology assessment body, e.g. NICE or G-BA (type HtaBody); registered by ADMIN only.' },
    REGULATOR: { description: 'A medicines regulator, e.g. EMA or FDA (type Regulator); registered by ADMIN only.' },
    RESEARCH_ORGANISATION: { description: 'An academic, hospital, network or NGO research organisation (type ResearchOrganisation).' },
  },
});
registerEnumType(CompanyType, {
  name: 'CompanyType',
  description: 'What a company does.',
  valuesConfig: {
    PHARMA: { description: 'Pharmaceutical company.' },
    BIOTECH: { description: 'Biotechnology company.' },
    MEDTECH: { description: 'Medical technology company (devices, diagnostics).' },
    CRO: { description: 'Contract research organisation, running studies for sponsors.' },
  },
});
registerEnumType(ResearchKind, {
  name: 'ResearchKind',
  description: 'What kind of research organisation it is.',
  valuesConfig: {
    ACADEMIC: { description: 'A university or academic institute.' },
    HOSPITAL: { description: 'A hospital or clinical research centre.' },
    NETWORK: { description: 'A network of research sites or investigators.' },
    NGO: { description: 'A non-governmental, non-profit research organisation.' },
  },
});

/** GraphQL object type name of each kind. */
export const STAKEHOLDER_TYPE_NAME: Record<StakeholderKind, string> = {
  PATIENT: 'Patient',
  PATIENT_ORGANISATION: 'PatientOrganisation',
  COMPANY: 'Company',
  HTA_BODY: 'HtaBody',
  REGULATOR: 'Regulator',
  RESEARCH_ORGANISATION: 'ResearchOrganisation',
};

/**
 * Every node of the alliance graph: one table with a `kind` discriminator (single-table
 * inheritance); kind-specific columns are NULL for the other kinds.
 */
/** The GraphQL type of a stakeholder: its kind's. */
export const stakeholderTypeName = (value: Stakeholder): string => STAKEHOLDER_TYPE_NAME[value.kind];

@InterfaceType('Stakeholder', {
  implements: Node,
  resolveType: stakeholderTypeName,
  description:
    'A node of the alliance graph: a patient or an organisation. Organisation profiles are readable by every signed-in viewer; ' +
    "a patient's identity, contact and health fields are null unless you may read them (see Patient.redactedFields).",
})
@Entity('stakeholder')
@TableInheritance({ column: { type: 'text', name: 'kind' } })
@Check('stakeholder_kind_check', checkIn('kind', StakeholderKind))
@Check('stakeholder_country_check', `country IS NULL OR country ~ '^[A-Z]{2}$'`)
@Check('stakeholder_name_check', `length(btrim(name)) > 0`)
@Check('stakeholder_patient_name_check', `kind <> 'PATIENT' OR (pseudonym IS NOT NULL AND name = pseudonym)`)
@Check('stakeholder_birth_year_check', `birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100`)
@Check('stakeholder_company_type_check', checkIn('company_type', CompanyType, true))
@Check('stakeholder_research_kind_check', checkIn('research_kind', ResearchKind, true))
@Check('stakeholder_erased_check', `erased_at IS NULL OR kind = 'PATIENT'`)
@Index('stakeholder_kind_name_idx', ['kind', 'name', 'id'])
@Index('stakeholder_name_idx', ['name', 'id'])
@Index('stakeholder_created_idx', ['createdAt', 'id'])
@Index('stakeholder_country_idx', ['country'])
@Index('stakeholder_pseudonym_uq', ['pseudonym'], { unique: true, where: `kind = 'PATIENT'` })
// GIN indexes written by hand in the migration (TypeORM cannot declare them): tags and trigram name search.
@Index('stakeholder_tags_gin', { synchronize: false })
@Index('stakeholder_name_trgm', { synchronize: false })
export abstract class Stakeholder {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The id field is resolved per viewer (stakeholder.resolver.ts): a redacted patient has an id of the viewer's own. */
  get globalId(): string {
    return toGlobalId('Stakeholder', this.id);
  }

  @Field(() => StakeholderKind, { description: 'Which kind of stakeholder this is; it decides the concrete type (Patient, Company …).' })
  @Column({ type: 'text' })
  kind: StakeholderKind;

  @Field(() => String, { description: "For a patient, the pseudonym where you may read the patient's identity, otherwise a neutral label." })
  @Column({ type: 'text' })
  name: string;

  @Field(() => GraphQLCountryCode, { nullable: true, description: 'ISO 3166-1 alpha-2.' })
  @Column({ type: 'char', length: 2, nullable: true })
  country: string | null;

  @Field(() => String, { nullable: true, description: 'Free-text profile, up to 5,000 characters.' })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => String, { nullable: true, description: 'Web address (an http or https URL).' })
  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Field(() => [String], { description: 'Free labels for grouping and filtering (StakeholderFilter.tags); empty when none.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Field(() => Date, { description: 'When the stakeholder was registered.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: 'When the record last changed.' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When ADMIN archived the stakeholder; null while active. An archived stakeholder is left out of `stakeholders` unless asked for and cannot enter new records.',
  })
  @Column({ name: 'archived_at', type: 'timestamptz', precision: 3, nullable: true })
  archivedAt: Date | null;

  @Field(() => Int, { description: 'Optimistic-concurrency version: pass it back to update.' })
  @VersionColumn({ default: 1 })
  version: number;

  // Cell-key perturbation (metrics/perturbation.ts): set by the database, never selected, updated or exposed.
  @Column({ name: 'record_key', type: 'double precision', default: () => 'random()', select: false, insert: false, update: false })
  recordKey?: number;

  // Kind-specific columns live on the one table; each child type exposes its own.
  @Column({ type: 'text', nullable: true }) pseudonym: string | null;
  @Column({ name: 'display_name', type: 'text', nullable: true }) displayName: string | null;
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column({ name: 'birth_year', type: 'int', nullable: true }) birthYear: number | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) conditions: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) languages: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) expertise: string[];
  @Column({ name: 'disease_areas', type: 'text', array: true, default: () => "'{}'" }) diseaseAreas: string[];
  @Column({ type: 'text', nullable: true }) umbrella: string | null;
  @Column({ name: 'transparency_register_id', type: 'text', nullable: true }) transparencyRegisterId: string | null;
  @Column({ name: 'company_type', type: 'text', nullable: true }) companyType: CompanyType | null;
  @Column({ name: 'therapeutic_areas', type: 'text', array: true, default: () => "'{}'" }) therapeuticAreas: string[];
  @Column({ name: 'efpia_member', type: 'boolean', nullable: true }) efpiaMember: boolean | null;
  @Column({ type: 'text', nullable: true }) jurisdiction: string | null;
  @Column({ name: 'appraisal_scope', type: 'text', nullable: true }) appraisalScope: string | null;
  @Column({ name: 'agency_type', type: 'text', nullable: true }) agencyType: string | null;
  @Column({ name: 'research_kind', type: 'text', nullable: true }) researchKind: ResearchKind | null;
  /** When the patient's record was erased (GDPR Art. 17, src/modules/gdpr/): a tombstone since. */
  @Column({ name: 'erased_at', type: 'timestamptz', precision: 3, nullable: true }) erasedAt: Date | null;
}

@ObjectType({ implements: Stakeholder, description: 'A patient, known to the alliance by a pseudonym.' })
@ChildEntity(StakeholderKind.PATIENT)
export class Patient extends Stakeholder {
  // Identity, contact and health fields are classified in policy.ts: the schema build wraps each
  // (null unless the viewer may read it), whatever is declared here.
  @Field(() => String, { nullable: true, description: 'Sensitive (identity): the name the alliance knows this patient by.' })
  override pseudonym: string;
  @Field(() => String, { nullable: true, description: 'Sensitive (identity).' })
  override displayName: string | null;
  @Field(() => Int, { nullable: true, description: 'Sensitive (identity).' })
  override birthYear: number | null;
  @Field(() => GraphQLEmailAddress, { nullable: true, description: 'Sensitive (contact).' })
  override email: string | null;
  @Field(() => String, { nullable: true, description: 'Sensitive (contact).' })
  override phone: string | null;
  @Field(() => [String], { nullable: true, description: 'Sensitive (health).' })
  override conditions: string[];
  @Field(() => [String], { description: 'Languages the patient can take part in. Public profile.' })
  override languages: string[];
  @Field(() => [String], { description: 'e.g. EUPATI-trained.' })
  override expertise: string[];
  @Field(() => Date, {
    nullable: true,
    description: "When the record was erased at the patient's request (GDPR Art. 17): an anonymous tombstone since, its relationships kept.",
  })
  override erasedAt: Date | null;
  @Field(() => [String], { description: 'Sensitive fields of this patient that are hidden from you (they resolve to null).' })
  readonly redactedFields?: string[];
}

@ObjectType({ implements: Stakeholder, description: 'An organisation representing patients with a disease or condition, e.g. a national patient association.' })
@ChildEntity(StakeholderKind.PATIENT_ORGANISATION)
export class PatientOrganisation extends Stakeholder {
  @Field(() => [String], { description: 'Diseases or conditions the organisation represents.' })
  override diseaseAreas: string[];
  @Field(() => String, { nullable: true, description: 'e.g. a European federation.' })
  override umbrella: string | null;
  @Field(() => String, { nullable: true, description: 'EU Transparency Register id.' })
  override transparencyRegisterId: string | null;
}

@ObjectType({ implements: Stakeholder, description: 'A company developing medicines or serving those who do: pharma, biotech, medtech or a CRO.' })
@ChildEntity(StakeholderKind.COMPANY)
export class Company extends Stakeholder {
  @Field(() => CompanyType, { nullable: true, description: 'What the company does; null when not recorded.' })
  override companyType: CompanyType | null;
  @Field(() => [String], { description: 'Therapeutic areas the company works in.' })
  override therapeuticAreas: string[];
  @Field(() => Boolean, { nullable: true, description: 'Whether the company is a member of EFPIA; null when not recorded.' })
  override efpiaMember: boolean | null;
}

@ObjectType({ implements: Stakeholder, description: 'A health technology assessment body (NICE, G-BA, HAS, IQWiG …).' })
@ChildEntity(StakeholderKind.HTA_BODY)
export class HtaBody extends Stakeholder {
  @Field(() => String, { nullable: true, description: 'Country or region whose appraisals the body makes, e.g. England.' })
  override jurisdiction: string | null;
  @Field(() => String, { nullable: true, description: 'What the body appraises, free text (e.g. medicines and devices).' })
  override appraisalScope: string | null;
}

@ObjectType({ implements: Stakeholder, description: 'A medicines regulator (EMA, FDA, MHRA …).' })
@ChildEntity(StakeholderKind.REGULATOR)
export class Regulator extends Stakeholder {
  @Field(() => String, { nullable: true, description: 'Country or region the regulator covers, e.g. the EU.' })
  override jurisdiction: string | null;
  @Field(() => String, { nullable: true, description: 'What kind of agency it is, free text (e.g. national competent authority).' })
  override agencyType: string | null;
}

@ObjectType({ implements: Stakeholder, description: 'A research organisation: academic, hospital, research network or NGO.' })
@ChildEntity(StakeholderKind.RESEARCH_ORGANISATION)
export class ResearchOrganisation extends Stakeholder {
  @Field(() => ResearchKind, { nullable: true, description: 'What kind of research organisation it is; null when not recorded.' })
  override researchKind: ResearchKind | null;
}

export const STAKEHOLDER_CLASSES = [Patient, PatientOrganisation, Company, HtaBody, Regulator, ResearchOrganisation];

/** The entity class of each kind: inserts go through it so TypeORM writes the right discriminator. */
export const STAKEHOLDER_CLASS: Record<StakeholderKind, (typeof STAKEHOLDER_CLASSES)[number]> = {
  PATIENT: Patient,
  PATIENT_ORGANISATION: PatientOrganisation,
  COMPANY: Company,
  HTA_BODY: HtaBody,
  REGULATOR: Regulator,
  RESEARCH_ORGANISATION: ResearchOrganisation,
};

import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../node/node.interface';
import { Stakeholder } from '../stakeholder/stakeholder.entity';

export enum ConsentScope {
  IDENTITY = 'IDENTITY',
  CONTACT = 'CONTACT',
  HEALTH = 'HEALTH',
}
export enum ConsentPurpose {
  PARTNERSHIP_COORDINATION = 'PARTNERSHIP_COORDINATION',
  RESEARCH_DESIGN = 'RESEARCH_DESIGN',
  REGULATORY_HTA = 'REGULATORY_HTA',
  REPORTING = 'REPORTING',
}
registerEnumType(ConsentScope, {
  name: 'ConsentScope',
  description: 'Which sensitive fields of a patient a consent opens to the staff (ENGAGEMENT_MANAGER, PARTNER) of the organisations it is granted to.',
  valuesConfig: {
    IDENTITY: { description: 'Who the patient is: pseudonym (also shown as `name`), display name and birth year.' },
    CONTACT: { description: 'How to reach the patient: email and phone.' },
    HEALTH: { description: 'Health data: conditions, and affiliations to patient organisations (they reveal a condition).' },
  },
});
registerEnumType(ConsentPurpose, {
  name: 'ConsentPurpose',
  description: "A purpose of use. A request has one (the token's `purpose` claim, or the role's default); a consent applies only to requests whose purpose it lists.",
  valuesConfig: {
    PARTNERSHIP_COORDINATION: { description: 'Running partnerships and engagement; the default of every role but ANALYST.' },
    RESEARCH_DESIGN: { description: 'Designing research with patients (e.g. protocols).' },
    REGULATORY_HTA: { description: 'Regulatory submissions and HTA appraisals.' },
    REPORTING: { description: "Reporting and metrics; ANALYST's default." },
  },
});

const scopes = Object.values(ConsentScope).map((v) => `'${v}'`).join(',');
const purposes = Object.values(ConsentPurpose).map((v) => `'${v}'`).join(',');

/** A patient's grant to one organisation (or, with no grantee, to the whole alliance). */
@ObjectType({
  implements: Node,
  description:
    "A patient's consent: one organisation (or the whole alliance) may read the listed scopes of the patient's record, for the listed purposes, while it is active. Visible to the patient and ADMIN only.",
})
@Entity('consent')
@Check('consent_scopes_check', `cardinality(scopes) > 0 AND scopes <@ ARRAY[${scopes}]::text[]`)
@Check('consent_purposes_check', `cardinality(purposes) > 0 AND purposes <@ ARRAY[${purposes}]::text[]`)
@Check('consent_expiry_check', `expires_at IS NULL OR expires_at > granted_at`)
@Index('consent_patient_idx', ['patientId'])
@Index('consent_grantee_idx', ['granteeId'])
@Index('consent_created_idx', ['createdAt', 'id'])
export class Consent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  get globalId(): string {
    return toGlobalId('Consent', this.id);
  }

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId: string;
  @ManyToOne(() => Stakeholder, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id' })
  patientRel?: Stakeholder;

  /** NULL: the whole alliance. */
  @Column({ name: 'grantee_id', type: 'uuid', nullable: true })
  granteeId: string | null;
  @ManyToOne(() => Stakeholder, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'grantee_id' })
  granteeRel?: Stakeholder;

  @Field(() => [ConsentScope], { description: "The parts of the patient's record the grantee may read." })
  @Column({ type: 'text', array: true })
  scopes: ConsentScope[];

  @Field(() => [ConsentPurpose], { description: 'The purposes of use it covers: a request for any other purpose does not benefit from it.' })
  @Column({ type: 'text', array: true })
  purposes: ConsentPurpose[];

  @Field(() => Date, { description: 'When the patient granted it.' })
  @Column({ name: 'granted_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  grantedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it lapses of itself; null: it does not expire.' })
  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3, nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was withdrawn (effective from the next request); null while not withdrawn.' })
  @Column({ name: 'withdrawn_at', type: 'timestamptz', precision: 3, nullable: true })
  withdrawnAt: Date | null;

  @Field(() => Date, { description: 'When the record was created.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: 'When the record last changed.' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version: pass it back to withdraw the consent.' })
  @VersionColumn({ default: 1 })
  version: number;
}

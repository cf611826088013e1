import { GraphQLLocalDate } from 'graphql-scalars';
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
import { checkIn } from '../../shared/enum';
import { Node } from '../node/node.interface';
import { Stakeholder } from '../stakeholder/stakeholder.entity';

export enum PartnershipType {
  ALLIANCE = 'ALLIANCE',
  RESEARCH_COLLABORATION = 'RESEARCH_COLLABORATION',
  ADVISORY_BOARD = 'ADVISORY_BOARD',
  PATIENT_PANEL = 'PATIENT_PANEL',
  SPONSORSHIP = 'SPONSORSHIP',
  CONSORTIUM = 'CONSORTIUM',
  EARLY_DIALOGUE = 'EARLY_DIALOGUE',
}
export enum PartnershipStatus {
  PROPOSED = 'PROPOSED',
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  CONCLUDED = 'CONCLUDED',
}
export enum PartnershipVisibility {
  ALLIANCE = 'ALLIANCE',
  MEMBERS = 'MEMBERS',
}
export enum DevelopmentStage {
  DISCOVERY = 'DISCOVERY',
  PROTOCOL_DESIGN = 'PROTOCOL_DESIGN',
  TRIAL_CONDUCT = 'TRIAL_CONDUCT',
  REGULATORY_SUBMISSION = 'REGULATORY_SUBMISSION',
  HTA_APPRAISAL = 'HTA_APPRAISAL',
  POST_LAUNCH = 'POST_LAUNCH',
}
export enum MemberRole {
  LEAD = 'LEAD',
  MEMBER = 'MEMBER',
  PATIENT_PARTNER = 'PATIENT_PARTNER',
  ADVISOR = 'ADVISOR',
  OBSERVER = 'OBSERVER',
}
registerEnumType(PartnershipType, {
  name: 'PartnershipType',
  description: 'What kind of collaboration a partnership is.',
  valuesConfig: {
    ALLIANCE: { description: 'A lasting strategic alliance of organisations.' },
    RESEARCH_COLLABORATION: { description: 'Joint research, e.g. designing a study together with patients.' },
    ADVISORY_BOARD: { description: 'A board advising a member, e.g. on a trial protocol.' },
    PATIENT_PANEL: { description: 'A standing panel of patients consulted on a programme.' },
    SPONSORSHIP: { description: "One member funds another's activity." },
    CONSORTIUM: { description: 'A multi-party consortium, e.g. a public-private research project.' },
    EARLY_DIALOGUE: { description: 'Early advice from regulators or HTA bodies on a development plan.' },
  },
});
registerEnumType(PartnershipStatus, {
  name: 'PartnershipStatus',
  description: 'Where a partnership is in its lifecycle: PROPOSED, then ACTIVE, SUSPENDED and ACTIVE again as needed, and finally CONCLUDED.',
  valuesConfig: {
    PROPOSED: { description: 'Proposed, not started; can become ACTIVE or CONCLUDED.' },
    ACTIVE: { description: 'Under way; can become SUSPENDED or CONCLUDED.' },
    SUSPENDED: { description: 'Paused; can become ACTIVE again or CONCLUDED.' },
    CONCLUDED: { description: 'Ended for good: its status and membership no longer change, and makeCommitment no longer accepts it.' },
  },
});
registerEnumType(PartnershipVisibility, {
  name: 'PartnershipVisibility',
  description: 'Who may see a partnership.',
  valuesConfig: {
    ALLIANCE: { description: 'Visible to every member of the alliance.' },
    MEMBERS: { description: "Visible to the partnership's members only." },
  },
});
registerEnumType(DevelopmentStage, {
  name: 'DevelopmentStage',
  description: 'A stage of medicine development, from research to use after launch.',
  valuesConfig: {
    DISCOVERY: { description: 'Research into disease targets and candidate medicines.' },
    PROTOCOL_DESIGN: { description: 'Designing clinical trial protocols, endpoints and recruitment.' },
    TRIAL_CONDUCT: { description: 'Running clinical trials.' },
    REGULATORY_SUBMISSION: { description: 'Preparing or assessing a marketing-authorisation application.' },
    HTA_APPRAISAL: { description: 'Health technology assessment of value, for pricing and reimbursement.' },
    POST_LAUNCH: { description: 'After launch: access, real-world evidence and safety follow-up.' },
  },
});
registerEnumType(MemberRole, {
  name: 'MemberRole',
  description: "A member's role in a partnership.",
  valuesConfig: {
    LEAD: { description: 'Leads the partnership; a partnership always keeps at least one current LEAD.' },
    MEMBER: { description: 'A full member.' },
    PATIENT_PARTNER: { description: 'Takes part as a patient partner; counts towards the patient-involvement metrics.' },
    ADVISOR: { description: 'Advises the partnership.' },
    OBSERVER: { description: 'Follows the partnership without taking part in its work.' },
  },
});

/** Allowed status changes; anything else is a userError. */
export const PARTNERSHIP_TRANSITIONS: Record<PartnershipStatus, PartnershipStatus[]> = {
  PROPOSED: [PartnershipStatus.ACTIVE, PartnershipStatus.CONCLUDED],
  ACTIVE: [PartnershipStatus.SUSPENDED, PartnershipStatus.CONCLUDED],
  SUSPENDED: [PartnershipStatus.ACTIVE, PartnershipStatus.CONCLUDED],
  CONCLUDED: [],
};

@ObjectType({
  implements: Node,
  description:
    'A collaboration of two or more stakeholders, with its members, commitments, contracts and interactions. ' +
    "A members-only partnership is seen only by its current members' staff, its patient members and ADMIN.",
})
@Entity('partnership')
@Check('partnership_type_check', checkIn('type', PartnershipType))
@Check('partnership_status_check', checkIn('status', PartnershipStatus))
@Check('partnership_visibility_check', checkIn('visibility', PartnershipVisibility))
@Check('partnership_stage_check', checkIn('development_stage', DevelopmentStage, true))
@Check('partnership_dates_check', `end_date IS NULL OR start_date IS NULL OR end_date >= start_date`)
@Check('partnership_title_check', `length(btrim(title)) > 0`)
@Index('partnership_title_idx', ['title', 'id'])
@Index('partnership_created_idx', ['createdAt', 'id'])
@Index('partnership_start_idx', ['startDate', 'id'])
@Index('partnership_status_idx', ['status'])
@Index('partnership_type_idx', ['type'])
@Index('partnership_stage_idx', ['developmentStage'])
@Index('partnership_area_idx', ['therapeuticArea'])
@Index('partnership_title_trgm', { synchronize: false })
export class Partnership {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  get globalId(): string {
    return toGlobalId('Partnership', this.id);
  }

  @Field(() => String, { description: 'Short name of the partnership.' })
  @Column({ type: 'text' })
  title: string;

  @Field(() => String, { nullable: true, description: 'What the partnership is about, free text.' })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => PartnershipType, { description: 'What kind of collaboration it is.' })
  @Column({ type: 'text' })
  type: PartnershipType;

  @Field(() => PartnershipStatus, { description: 'Where the partnership is in its lifecycle; changed with changePartnershipStatus.' })
  @Column({ type: 'text', default: PartnershipStatus.PROPOSED })
  status: PartnershipStatus;

  @Field(() => PartnershipVisibility, { description: 'Whether the whole alliance or only its members see the partnership.' })
  @Column({ type: 'text', default: PartnershipVisibility.ALLIANCE })
  visibility: PartnershipVisibility;

  @Field(() => DevelopmentStage, { nullable: true, description: 'The stage of medicine development it contributes to; null when none in particular.' })
  @Column({ name: 'development_stage', type: 'text', nullable: true })
  developmentStage: DevelopmentStage | null;

  @Field(() => String, { nullable: true, description: 'Therapeutic area, free text (e.g. oncology); null when none.' })
  @Column({ name: 'therapeutic_area', type: 'text', nullable: true })
  therapeuticArea: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'First day; when empty, set to the day the partnership becomes ACTIVE.' })
  @Column({ name: 'start_date', type: 'date', nullable: true })
  startDate: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Last day; when empty, set to the day the partnership is CONCLUDED.' })
  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate: string | null;

  @Field(() => Date, { description: 'When the partnership was proposed.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: 'When the record last changed.' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version: pass it back to changePartnershipStatus or assessPartnershipQuality.' })
  @VersionColumn({ default: 1 })
  version: number;

  // Cell-key perturbation (metrics/perturbation.ts): set by the database, never selected, updated or exposed.
  @Column({ name: 'record_key', type: 'double precision', default: () => 'random()', select: false, insert: false, update: false })
  recordKey?: number;
}

/** A stakeholder's membership of a partnership; leaving keeps the row (`leftAt`) for history. */
@ObjectType({
  implements: Node,
  description: "A stakeholder's membership of a partnership, with its role; leaving keeps the membership, with its `leftAt`, for history.",
})
@Entity('partnership_member')
@Check('partnership_member_role_check', checkIn('role', MemberRole))
@Check('partnership_member_dates_check', `left_at IS NULL OR left_at >= joined_at`)
@Index('partnership_member_partnership_idx', ['partnershipId'])
@Index('partnership_member_stakeholder_idx', ['stakeholderId'])
// One current membership per stakeholder and partnership (re-joining after leaving is allowed).
@Index('partnership_member_current_uq', ['partnershipId', 'stakeholderId'], { unique: true, where: 'left_at IS NULL' })
export class PartnershipMember {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID of the membership (what removePartnershipMember takes).' })
  get globalId(): string {
    return toGlobalId('PartnershipMember', this.id);
  }

  @Column({ name: 'partnership_id', type: 'uuid' })
  partnershipId: string;
  @ManyToOne(() => Partnership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnership_id' })
  partnership?: Partnership;

  @Column({ name: 'stakeholder_id', type: 'uuid' })
  stakeholderId: string;
  @ManyToOne(() => Stakeholder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'stakeholder_id' })
  stakeholder?: Stakeholder;

  @Field(() => MemberRole, { description: "The member's role in the partnership." })
  @Column({ type: 'text' })
  role: MemberRole;

  @Field(() => GraphQLLocalDate, { description: 'The day the stakeholder joined.' })
  @Column({ name: 'joined_at', type: 'date', default: () => 'CURRENT_DATE' })
  joinedAt: string;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'The day the stakeholder left; null for a current member.' })
  @Column({ name: 'left_at', type: 'date', nullable: true })
  leftAt: string | null;
}

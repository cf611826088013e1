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
registerEnumType(PartnershipType, { name: 'PartnershipType' });
registerEnumType(PartnershipStatus, { name: 'PartnershipStatus' });
registerEnumType(PartnershipVisibility, {
  name: 'PartnershipVisibility',
  valuesConfig: {
    ALLIANCE: { description: 'Visible to every member of the alliance.' },
    MEMBERS: { description: "Visible to the partnership's members only." },
  },
});
registerEnumType(DevelopmentStage, { name: 'DevelopmentStage' });
registerEnumType(MemberRole, { name: 'MemberRole' });

/** Allowed status changes; anything else is a userError. */
export const PARTNERSHIP_TRANSITIONS: Record<PartnershipStatus, PartnershipStatus[]> = {
  PROPOSED: [PartnershipStatus.ACTIVE, PartnershipStatus.CONCLUDED],
  ACTIVE: [PartnershipStatus.SUSPENDED, PartnershipStatus.CONCLUDED],
  SUSPENDED: [PartnershipStatus.ACTIVE, PartnershipStatus.CONCLUDED],
  CONCLUDED: [],
};

@ObjectType({ implements: Node })
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

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Partnership', this.id);
  }

  @Field(() => String)
  @Column({ type: 'text' })
  title: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => PartnershipType)
  @Column({ type: 'text' })
  type: PartnershipType;

  @Field(() => PartnershipStatus)
  @Column({ type: 'text', default: PartnershipStatus.PROPOSED })
  status: PartnershipStatus;

  @Field(() => PartnershipVisibility)
  @Column({ type: 'text', default: PartnershipVisibility.ALLIANCE })
  visibility: PartnershipVisibility;

  @Field(() => DevelopmentStage, { nullable: true })
  @Column({ name: 'development_stage', type: 'text', nullable: true })
  developmentStage: DevelopmentStage | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'therapeutic_area', type: 'text', nullable: true })
  therapeuticArea: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @Column({ name: 'start_date', type: 'date', nullable: true })
  startDate: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate: string | null;

  @Field(() => Date)
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date)
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Int)
  @VersionColumn({ default: 1 })
  version: number;
}

/** A stakeholder's membership of a partnership; leaving keeps the row (`leftAt`) for history. */
@ObjectType({ implements: Node })
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

  @Field(() => ID, { name: 'id' })
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

  @Field(() => MemberRole)
  @Column({ type: 'text' })
  role: MemberRole;

  @Field(() => GraphQLLocalDate)
  @Column({ name: 'joined_at', type: 'date', default: () => 'CURRENT_DATE' })
  joinedAt: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  @Column({ name: 'left_at', type: 'date', nullable: true })
  leftAt: string | null;
}

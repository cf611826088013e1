import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { toGlobalId } from '../../graphql/global-id';
import { checkIn } from '../../shared/enum';
import { Partnership } from '../partnership/partnership.entity';
import { Node } from '../node/node.interface';
import { Stakeholder } from '../stakeholder/stakeholder.entity';

export enum InteractionKind {
  MEETING = 'MEETING',
  ADVISORY_BOARD = 'ADVISORY_BOARD',
  CONSULTATION = 'CONSULTATION',
  WORKSHOP = 'WORKSHOP',
  CALL = 'CALL',
  EMAIL = 'EMAIL',
  CONFERENCE = 'CONFERENCE',
}
registerEnumType(InteractionKind, {
  name: 'InteractionKind',
  description: 'The form an interaction took.',
  valuesConfig: {
    MEETING: { description: 'A meeting, in person or online.' },
    ADVISORY_BOARD: { description: 'An advisory board session.' },
    CONSULTATION: { description: 'A consultation, e.g. of patients on a protocol or of an HTA body on evidence.' },
    WORKSHOP: { description: 'A workshop or working session.' },
    CALL: { description: 'A phone or video call.' },
    EMAIL: { description: 'An exchange of emails.' },
    CONFERENCE: { description: 'A conference or congress.' },
  },
});

/** A recorded engagement between stakeholders, recorded by a user of one organisation. */
@ObjectType({
  implements: Node,
  description:
    'A recorded engagement between stakeholders (a meeting, a call, a workshop …), recorded by a user of one organisation. ' +
    'Outside a partnership only its participants, the recording organisation and ADMIN see it.',
})
@Entity('interaction')
@Check('interaction_kind_check', checkIn('kind', InteractionKind))
@Check('interaction_duration_check', `duration_minutes IS NULL OR duration_minutes BETWEEN 0 AND 10080`)
@Index('interaction_occurred_idx', ['occurredAt', 'id'])
@Index('interaction_created_idx', ['createdAt', 'id'])
@Index('interaction_partnership_idx', ['partnershipId'])
@Index('interaction_recorded_by_org_idx', ['recordedByOrgId'])
@Index('interaction_kind_idx', ['kind'])
export class Interaction {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  get globalId(): string {
    return toGlobalId('Interaction', this.id);
  }

  @Field(() => InteractionKind, { description: 'The form the interaction took.' })
  @Column({ type: 'text' })
  kind: InteractionKind;

  @Field(() => Date, { description: 'When the interaction took place.' })
  @Column({ name: 'occurred_at', type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @Field(() => Int, { nullable: true, description: 'How long it lasted, in minutes (0 to 10,080); null when not recorded.' })
  @Column({ name: 'duration_minutes', type: 'int', nullable: true })
  durationMinutes: number | null;

  @Column({ name: 'partnership_id', type: 'uuid', nullable: true })
  partnershipId: string | null;
  @ManyToOne(() => Partnership, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'partnership_id' })
  partnershipRel?: Partnership;

  @Field(() => String, { nullable: true, description: 'What was discussed, for everyone who sees the interaction; confidential remarks go in `notes`.' })
  @Column({ type: 'text', nullable: true })
  summary: string | null;

  // Classified fields (policy.ts): the schema build wraps them, so only the recording organisation and ADMIN read them.
  @Field(() => String, { nullable: true, description: 'Sensitive: the recording organisation and ADMIN.' })
  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @Field(() => String, { nullable: true, description: 'The user (token subject) who recorded it. Sensitive: the recording organisation and ADMIN.' })
  @Column({ name: 'recorded_by_user', type: 'text' })
  recordedByUser: string;

  @Field(() => [String], { description: 'Sensitive fields of this interaction that are hidden from you (they resolve to null).' })
  readonly redactedFields?: string[];

  @Column({ name: 'recorded_by_org_id', type: 'uuid', nullable: true })
  recordedByOrgId: string | null;
  @ManyToOne(() => Stakeholder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recorded_by_org_id' })
  recordedByOrgRel?: Stakeholder;

  @Field(() => Date, { description: 'When the interaction was recorded.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: 'When the record last changed.' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version of the record.' })
  @VersionColumn({ default: 1 })
  version: number;

  // Cell-key perturbation (metrics/perturbation.ts): set by the database, never selected, updated or exposed.
  @Column({ name: 'record_key', type: 'double precision', default: () => 'random()', select: false, insert: false, update: false })
  recordKey?: number;
}

@Entity('interaction_participant')
@Index('interaction_participant_stakeholder_idx', ['stakeholderId', 'interactionId'])
export class InteractionParticipant {
  @PrimaryColumn({ name: 'interaction_id', type: 'uuid' })
  interactionId: string;
  @ManyToOne(() => Interaction, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'interaction_id' })
  interactionRel?: Interaction;

  @PrimaryColumn({ name: 'stakeholder_id', type: 'uuid' })
  stakeholderId: string;
  @ManyToOne(() => Stakeholder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'stakeholder_id' })
  stakeholderRel?: Stakeholder;
}

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
import { Interaction } from '../interaction/interaction.entity';
import { Partnership } from '../partnership/partnership.entity';
import { Node } from '../node/node.interface';
import { Stakeholder } from '../stakeholder/stakeholder.entity';

export enum CommitmentStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  FULFILLED = 'FULFILLED',
  MISSED = 'MISSED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(CommitmentStatus, {
  name: 'CommitmentStatus',
  description: 'Where a commitment stands. OPEN and IN_PROGRESS are pending; the other three are final.',
  valuesConfig: {
    OPEN: { description: 'Made, not yet started; can move to any other status.' },
    IN_PROGRESS: { description: 'Being worked on; can become FULFILLED, MISSED or WITHDRAWN.' },
    FULFILLED: { description: 'Kept: fulfilledAt is recorded, with evidence if given. Final.' },
    MISSED: { description: 'Not kept. Final.' },
    WITHDRAWN: { description: 'Called off before it was kept. Final.' },
  },
});

export const COMMITMENT_TRANSITIONS: Record<CommitmentStatus, CommitmentStatus[]> = {
  OPEN: [CommitmentStatus.IN_PROGRESS, CommitmentStatus.FULFILLED, CommitmentStatus.MISSED, CommitmentStatus.WITHDRAWN],
  IN_PROGRESS: [CommitmentStatus.FULFILLED, CommitmentStatus.MISSED, CommitmentStatus.WITHDRAWN],
  FULFILLED: [],
  MISSED: [],
  WITHDRAWN: [],
};

/** A pledge by one stakeholder, optionally to another, usually inside a partnership. */
@ObjectType({
  implements: Node,
  description:
    'A pledge by one stakeholder (the committer), optionally to another (the beneficiary), usually inside a partnership. ' +
    "Outside a partnership only the committer, the beneficiary, ADMIN and, for a follow-up, the interaction's participants and recording organisation see it.",
})
@Entity('commitment')
@Check('commitment_status_check', checkIn('status', CommitmentStatus))
@Check('commitment_fulfilled_check', `(status = 'FULFILLED') = (fulfilled_at IS NOT NULL)`)
@Check('commitment_distinct_check', `beneficiary_id IS NULL OR beneficiary_id <> committer_id`)
@Check('commitment_title_check', `length(btrim(title)) > 0`)
@Index('commitment_committer_idx', ['committerId'])
@Index('commitment_beneficiary_idx', ['beneficiaryId'])
@Index('commitment_partnership_idx', ['partnershipId'])
@Index('commitment_interaction_idx', ['interactionId'])
@Index('commitment_due_idx', ['dueDate', 'id'])
@Index('commitment_created_idx', ['createdAt', 'id'])
@Index('commitment_status_idx', ['status'])
export class Commitment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  get globalId(): string {
    return toGlobalId('Commitment', this.id);
  }

  @Field(() => String, { description: 'What is pledged, in a line.' })
  @Column({ type: 'text' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Details of the pledge, free text.' })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'committer_id', type: 'uuid' })
  committerId: string;
  @ManyToOne(() => Stakeholder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'committer_id' })
  committerRel?: Stakeholder;

  @Column({ name: 'beneficiary_id', type: 'uuid', nullable: true })
  beneficiaryId: string | null;
  @ManyToOne(() => Stakeholder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'beneficiary_id' })
  beneficiaryRel?: Stakeholder;

  @Column({ name: 'partnership_id', type: 'uuid', nullable: true })
  partnershipId: string | null;
  @ManyToOne(() => Partnership, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'partnership_id' })
  partnershipRel?: Partnership;

  /** The interaction this commitment was a follow-up of, if any. */
  @Column({ name: 'interaction_id', type: 'uuid', nullable: true })
  interactionId: string | null;
  @ManyToOne(() => Interaction, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'interaction_id' })
  interactionRel?: Interaction;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'The day it is due; null when open-ended.' })
  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate: string | null;

  @Field(() => CommitmentStatus, { description: 'Where the commitment stands; changed with changeCommitmentStatus.' })
  @Column({ type: 'text', default: CommitmentStatus.OPEN })
  status: CommitmentStatus;

  @Field(() => Date, { nullable: true, description: 'When it was marked FULFILLED; null otherwise.' })
  @Column({ name: 'fulfilled_at', type: 'timestamptz', precision: 3, nullable: true })
  fulfilledAt: Date | null;

  @Field(() => String, { nullable: true, description: 'What shows the commitment was kept (a link, a document reference).' })
  @Column({ type: 'text', nullable: true })
  evidence: string | null;

  @Field(() => Date, { description: 'When the commitment was made.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: 'When the record last changed.' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version: pass it back to changeCommitmentStatus.' })
  @VersionColumn({ default: 1 })
  version: number;

  // Cell-key perturbation (metrics/perturbation.ts): set by the database, never selected, updated or exposed.
  @Column({ name: 'record_key', type: 'double precision', default: () => 'random()', select: false, insert: false, update: false })
  recordKey?: number;
}

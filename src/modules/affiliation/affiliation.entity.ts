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

export enum AffiliationKind {
  MEMBER_OF = 'MEMBER_OF',
  REPRESENTS = 'REPRESENTS',
  EMPLOYED_BY = 'EMPLOYED_BY',
  ADVISES = 'ADVISES',
  FUNDED_BY = 'FUNDED_BY',
}
registerEnumType(AffiliationKind, {
  name: 'AffiliationKind',
  description: 'How the `from` stakeholder of an affiliation relates to the `to` stakeholder.',
  valuesConfig: {
    MEMBER_OF: { description: '`from` is a member of `to`, e.g. a patient of a patient organisation, or an organisation of a federation.' },
    REPRESENTS: { description: '`from` speaks for `to`, e.g. a patient advocate for a patient organisation.' },
    EMPLOYED_BY: { description: '`from` works for `to`.' },
    ADVISES: { description: '`from` advises `to`.' },
    FUNDED_BY: { description: '`from` receives funding from `to`.' },
  },
});

/** A typed, time-bounded link from one stakeholder to another (`from` MEMBER_OF `to`). */
@ObjectType({
  implements: Node,
  description:
    "A typed, time-bounded link from one stakeholder to another (`from` MEMBER_OF `to`). A patient's affiliation to a patient organisation " +
    "reveals a condition: only the patient, ADMIN and organisations holding the patient's HEALTH consent see it.",
})
@Entity('affiliation')
@Check('affiliation_kind_check', checkIn('kind', AffiliationKind))
@Check('affiliation_dates_check', `until IS NULL OR since IS NULL OR until >= since`)
@Check('affiliation_distinct_check', `from_id <> to_id`)
@Index('affiliation_from_idx', ['fromId', 'kind'])
@Index('affiliation_to_idx', ['toId', 'kind'])
@Index('affiliation_created_idx', ['createdAt', 'id'])
export class Affiliation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  get globalId(): string {
    return toGlobalId('Affiliation', this.id);
  }

  @Field(() => AffiliationKind, { description: 'How `from` relates to `to`.' })
  @Column({ type: 'text' })
  kind: AffiliationKind;

  @Column({ name: 'from_id', type: 'uuid' })
  fromId: string;
  @ManyToOne(() => Stakeholder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_id' })
  fromStakeholder?: Stakeholder;

  @Column({ name: 'to_id', type: 'uuid' })
  toId: string;
  @ManyToOne(() => Stakeholder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_id' })
  toStakeholder?: Stakeholder;

  /** The patient of a patient ↔ patient-organisation link (health data about them), else null; set by a trigger. */
  @Column({ name: 'health_patient_id', type: 'uuid', nullable: true, insert: false, update: false })
  healthPatientId: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'First day of the affiliation; null when not known.' })
  @Column({ type: 'date', nullable: true })
  since: string | null;

  @Field(() => GraphQLLocalDate, {
    nullable: true,
    description: 'Last day of the affiliation; null while open-ended. The affiliation is current until that day ends (UTC).',
  })
  @Column({ type: 'date', nullable: true })
  until: string | null;

  @Field(() => Date, { description: 'When the affiliation was recorded.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: 'When the record last changed.' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version: pass it back to endAffiliation.' })
  @VersionColumn({ default: 1 })
  version: number;
}

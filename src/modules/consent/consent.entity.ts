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
registerEnumType(ConsentScope, { name: 'ConsentScope' });
registerEnumType(ConsentPurpose, { name: 'ConsentPurpose' });

const scopes = Object.values(ConsentScope).map((v) => `'${v}'`).join(',');
const purposes = Object.values(ConsentPurpose).map((v) => `'${v}'`).join(',');

/** A patient's grant to one organisation (or, with no grantee, to the whole alliance). */
@ObjectType({ implements: Node })
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

  @Field(() => ID, { name: 'id' })
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

  @Field(() => [ConsentScope])
  @Column({ type: 'text', array: true })
  scopes: ConsentScope[];

  @Field(() => [ConsentPurpose])
  @Column({ type: 'text', array: true })
  purposes: ConsentPurpose[];

  @Field(() => Date)
  @Column({ name: 'granted_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  grantedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3, nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'withdrawn_at', type: 'timestamptz', precision: 3, nullable: true })
  withdrawnAt: Date | null;

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

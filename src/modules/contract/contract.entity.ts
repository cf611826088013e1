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
import { Partnership } from '../partnership/partnership.entity';
import { Node } from '../node/node.interface';
import { Stakeholder } from '../stakeholder/stakeholder.entity';

export enum ContractKind {
  CONSULTANCY = 'CONSULTANCY',
  ADVISORY_BOARD = 'ADVISORY_BOARD',
  SPEAKER = 'SPEAKER',
  SPONSORSHIP = 'SPONSORSHIP',
  GRANT = 'GRANT',
  DATA_SHARING = 'DATA_SHARING',
  COLLABORATION = 'COLLABORATION',
}
export enum ContractStatus {
  DRAFT = 'DRAFT',
  AWAITING_SIGNATURES = 'AWAITING_SIGNATURES',
  ACTIVE = 'ACTIVE',
  TERMINATED = 'TERMINATED',
  EXPIRED = 'EXPIRED',
}
export enum ContractPartyRole {
  SPONSOR = 'SPONSOR',
  RECIPIENT = 'RECIPIENT',
  SERVICE_PROVIDER = 'SERVICE_PROVIDER',
  PARTNER = 'PARTNER',
}
registerEnumType(ContractKind, {
  name: 'ContractKind',
  description: 'What a contract is for.',
  valuesConfig: {
    CONSULTANCY: { description: 'Paid consultancy services, e.g. a patient expert reviewing a protocol.' },
    ADVISORY_BOARD: { description: 'Taking part in an advisory board.' },
    SPEAKER: { description: 'Speaking at a meeting or event.' },
    SPONSORSHIP: { description: 'Sponsorship of an event or an activity.' },
    GRANT: { description: 'A grant, e.g. to a patient organisation.' },
    DATA_SHARING: { description: 'An agreement to share data.' },
    COLLABORATION: { description: 'A collaboration agreement, e.g. for joint research.' },
  },
});
registerEnumType(ContractStatus, {
  name: 'ContractStatus',
  description: 'Where a contract stands: DRAFT, AWAITING_SIGNATURES, ACTIVE, then TERMINATED or EXPIRED.',
  valuesConfig: {
    DRAFT: { description: 'Drafted; no party has signed yet.' },
    AWAITING_SIGNATURES: { description: 'At least one party has signed; ACTIVE once every party has.' },
    ACTIVE: { description: 'Signed by every party and in force.' },
    TERMINATED: { description: 'Ended early with terminateContract; terminatedAt and terminationReason say when and why.' },
    EXPIRED: { description: 'Ran to the end of its term.' },
  },
});
registerEnumType(ContractPartyRole, {
  name: 'ContractPartyRole',
  description: "A party's role in a contract.",
  valuesConfig: {
    SPONSOR: { description: 'Pays: the transfer of value comes from this party.' },
    RECIPIENT: { description: 'Receives the transfer of value.' },
    SERVICE_PROVIDER: { description: 'Provides services under the contract, e.g. a patient consultant or speaker.' },
    PARTNER: { description: 'Takes part on an equal footing, e.g. in a collaboration or a data-sharing agreement.' },
  },
});

/** An agreement between two or more parties. */
@ObjectType({
  implements: Node,
  description:
    "An agreement between two or more parties. Only the parties (their organisations' users, a patient party) and ADMIN see it; " +
    "its value only the parties' engagement managers, a patient party and ADMIN.",
})
@Entity('contract')
@Check('contract_kind_check', checkIn('kind', ContractKind))
@Check('contract_status_check', checkIn('status', ContractStatus))
@Check('contract_dates_check', `effective_to IS NULL OR effective_from IS NULL OR effective_to >= effective_from`)
@Check('contract_value_check', `(value_amount IS NULL) = (value_currency IS NULL) AND (value_amount IS NULL OR value_amount BETWEEN 0 AND 9007199254740991)`)
@Check('contract_currency_check', `value_currency IS NULL OR value_currency ~ '^[A-Z]{3}$'`)
@Check('contract_title_check', `length(btrim(title)) > 0`)
@Index('contract_partnership_idx', ['partnershipId'])
@Index('contract_created_idx', ['createdAt', 'id'])
@Index('contract_effective_idx', ['effectiveFrom', 'id'])
@Index('contract_effective_to_idx', ['effectiveTo'])
@Index('contract_status_idx', ['status'])
@Index('contract_kind_idx', ['kind'])
export class Contract {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  get globalId(): string {
    return toGlobalId('Contract', this.id);
  }

  @Field(() => String, { description: 'Name of the contract.' })
  @Column({ type: 'text' })
  title: string;

  @Field(() => ContractKind, { description: 'What the contract is for.' })
  @Column({ type: 'text' })
  kind: ContractKind;

  @Field(() => ContractStatus, { description: 'Where the contract stands; it moves with signContract and terminateContract.' })
  @Column({ type: 'text', default: ContractStatus.DRAFT })
  status: ContractStatus;

  @Column({ name: 'partnership_id', type: 'uuid', nullable: true })
  partnershipId: string | null;
  @ManyToOne(() => Partnership, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'partnership_id' })
  partnershipRel?: Partnership;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'First day the contract is in effect; null when not set.' })
  @Column({ name: 'effective_from', type: 'date', nullable: true })
  effectiveFrom: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Last day the contract is in effect; null when open-ended.' })
  @Column({ name: 'effective_to', type: 'date', nullable: true })
  effectiveTo: string | null;

  /** Amount in minor units (cents); exposed as `value { amount currency }`. */
  @Column({ name: 'value_amount', type: 'bigint', nullable: true })
  valueAmount: number | null;

  @Column({ name: 'value_currency', type: 'char', length: 3, nullable: true })
  valueCurrency: string | null;

  @Field(() => [String], { description: 'Sensitive fields of this contract that are hidden from you (they resolve to null).' })
  readonly redactedFields?: string[];

  @Field(() => Boolean, { description: 'Whether the fee was checked against fair market value for the services.' })
  @Column({ name: 'fair_market_value_assessed', type: 'boolean', default: false })
  fairMarketValueAssessed: boolean;

  @Field(() => Boolean, { description: 'Whether the parties declared their conflicts of interest for this contract.' })
  @Column({ name: 'conflict_of_interest_declared', type: 'boolean', default: false })
  conflictOfInterestDeclared: boolean;

  @Field(() => Boolean, { description: 'A transfer of value under the EFPIA Disclosure Code.' })
  @Column({ type: 'boolean', default: false })
  disclosable: boolean;

  @Field(() => Date, { nullable: true, description: 'When the contract was terminated; null unless TERMINATED.' })
  @Column({ name: 'terminated_at', type: 'timestamptz', precision: 3, nullable: true })
  terminatedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the contract was terminated; null unless TERMINATED.' })
  @Column({ name: 'termination_reason', type: 'text', nullable: true })
  terminationReason: string | null;

  @Field(() => Date, { description: 'When the contract was drafted.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: 'When the record last changed.' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version: pass it back to signContract or terminateContract.' })
  @VersionColumn({ default: 1 })
  version: number;
}

@ObjectType({ implements: Node, description: "A stakeholder's part in a contract: its role, and when it signed." })
@Entity('contract_party')
@Check('contract_party_role_check', checkIn('role', ContractPartyRole))
@Index('contract_party_contract_idx', ['contractId', 'stakeholderId'], { unique: true })
@Index('contract_party_stakeholder_idx', ['stakeholderId'])
export class ContractParty {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  get globalId(): string {
    return toGlobalId('ContractParty', this.id);
  }

  @Column({ name: 'contract_id', type: 'uuid' })
  contractId: string;
  @ManyToOne(() => Contract, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contract_id' })
  contractRel?: Contract;

  @Column({ name: 'stakeholder_id', type: 'uuid' })
  stakeholderId: string;
  @ManyToOne(() => Stakeholder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'stakeholder_id' })
  stakeholderRel?: Stakeholder;

  @Field(() => ContractPartyRole, { description: "The party's role in the contract." })
  @Column({ type: 'text' })
  role: ContractPartyRole;

  @Field(() => Date, { nullable: true, description: 'When this party signed; null until it has.' })
  @Column({ name: 'signed_at', type: 'timestamptz', precision: 3, nullable: true })
  signedAt: Date | null;
}

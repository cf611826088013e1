import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** The first result of a create mutation under a client's idempotency key. */
@Entity('idempotency_key')
@Index('idempotency_key_created_idx', ['createdAt'])
export class IdempotencyKey {
  /** Keys are scoped to the user who sent them and whom they acted for. */
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId: string;

  /** `org:<id>`, `patient:<id>`, or '' for a viewer acting for no one (ADMIN without an organisation). */
  @PrimaryColumn({ name: 'acting_for', type: 'text', default: '' })
  actingFor: string;

  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  operation: string;

  /** SHA-256 of the canonical input: a different payload under the same key is refused. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  /** Ids of the records the first call created, to rebuild the payload on replay. */
  @Column({ type: 'jsonb' })
  result: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}

import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { toGlobalId } from '../../graphql/global-id';
import { ChangeEventType } from '../../shared/outbox';
import { Node } from '../node/node.interface';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not yet acknowledged: waiting for its first attempt or for a retry (see nextAttemptAt).' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    DEAD: { description: 'Dead-lettered: every retry for 24 hours failed; not tried again.' },
  },
});

/**
 * An organisation's subscription to change events by HTTPS callback. Every delivery executes
 * `selection` as the organisation's engagement managers see the graph at delivery time. The
 * signing secret never leaves the server after creation (or rotation).
 */
@ObjectType({
  implements: Node,
  description:
    "An organisation's webhook: the change events it is told of, by a signed POST to its URL, with each record read as the organisation sees it at delivery time.",
})
@Entity('webhook')
export class Webhook {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  get globalId(): string {
    return toGlobalId('Webhook', this.id);
  }

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Field(() => String, { description: 'Where deliveries are POSTed.' })
  @Column({ type: 'text' })
  url: string;

  @Field(() => [ChangeEventType], { description: 'The events delivered.' })
  @Column({ type: 'text', array: true })
  events: ChangeEventType[];

  @Field(() => String, { description: 'The GraphQL fragments executed on each changed record (one per record type, or one on Node).' })
  @Column({ type: 'text' })
  selection: string;

  /** The consent purpose deliveries read under: the creating token's. */
  @Column({ type: 'text' })
  purpose: string;

  /** Signing secret (HMAC-SHA256); shown once, never a field. */
  @Column({ type: 'text' })
  secret: string;

  /** The secret before the last rotation: deliveries carry its signature too until `previousSecretUntil`. */
  @Column({ name: 'previous_secret', type: 'text', nullable: true })
  previousSecret: string | null;

  @Field(() => Date, { nullable: true, description: 'Until when deliveries are also signed with the secret before the last rotation.' })
  @Column({ name: 'previous_secret_until', type: 'timestamptz', precision: 3, nullable: true })
  previousSecretUntil: Date | null;

  /** The user (token subject) who created it. */
  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Field(() => Date, { description: 'When the webhook was created.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: 'When the webhook last changed (its secret rotated).' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: 'Optimistic-concurrency version: pass it back to rotateWebhookSecret.' })
  @VersionColumn({ default: 1 })
  version: number;
}

/** One event for one webhook: claimed by a delivery worker, retried with backoff, delivered or dead-lettered. */
@ObjectType({ implements: Node, description: 'One change event sent (or to be sent) to a webhook, with its attempts.' })
@Entity('webhook_delivery')
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global ID (also sent as the X-Alliance-Delivery header).' })
  get globalId(): string {
    return toGlobalId('WebhookDelivery', this.id);
  }

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId: string;

  /** The outbox event (a bigint, as a string). */
  @Column({ name: 'event_id', type: 'bigint', transformer: { from: (v: unknown) => (v == null ? v : String(v)), to: (v: unknown) => v } })
  eventId: string;

  @Field(() => ChangeEventType, { description: 'What happened.' })
  @Column({ type: 'text' })
  event: ChangeEventType;

  @Column({ name: 'record_id', type: 'uuid' })
  recordId: string;

  @Field(() => Int, { name: 'version', description: "The changed record's version after the change (to deduplicate and order)." })
  @Column({ name: 'record_version', type: 'int' })
  recordVersion: number;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery stands.' })
  @Column({ type: 'text' })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far.' })
  @Column({ type: 'int' })
  attempts: number;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due; null once delivered or dead.' })
  get nextAttempt(): Date | null {
    return this.status === WebhookDeliveryStatus.PENDING ? this.nextAttemptAt : null;
  }

  @Column({ name: 'next_attempt_at', type: 'timestamptz', precision: 3 })
  nextAttemptAt: Date;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (HTTP status, timeout, refused address); null when none failed.' })
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status at the last attempt; null when it did not answer." })
  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Field(() => Date, { description: 'When the event was queued for this webhook.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the receiver acknowledged it.' })
  @Column({ name: 'delivered_at', type: 'timestamptz', precision: 3, nullable: true })
  deliveredAt: Date | null;
}

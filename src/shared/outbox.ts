import { registerEnumType } from 'type-graphql';
import type { EntityManager } from 'typeorm';
import type { Action } from '../access/actions';
import type { Viewer } from '../access/viewer';
import type { GlobalIdType } from '../graphql/global-id';

/**
 * The change feed's outbox (issue 11). Every mutation writes its change event in its own
 * transaction (runMutation), so nothing is published that did not commit and nothing that
 * committed is lost; `pg_notify` in the same transaction wakes every replica at commit (NOTIFY is
 * transactional). Webhook deliveries and subscriptions read the events from here.
 */
export enum ChangeEventType {
  STAKEHOLDER_CREATED = 'STAKEHOLDER_CREATED',
  STAKEHOLDER_UPDATED = 'STAKEHOLDER_UPDATED',
  STAKEHOLDER_ARCHIVED = 'STAKEHOLDER_ARCHIVED',
  PARTNERSHIP_PROPOSED = 'PARTNERSHIP_PROPOSED',
  PARTNERSHIP_STATUS_CHANGED = 'PARTNERSHIP_STATUS_CHANGED',
  PARTNERSHIP_MEMBER_ADDED = 'PARTNERSHIP_MEMBER_ADDED',
  PARTNERSHIP_MEMBER_REMOVED = 'PARTNERSHIP_MEMBER_REMOVED',
  PARTNERSHIP_QUALITY_ASSESSED = 'PARTNERSHIP_QUALITY_ASSESSED',
  COMMITMENT_MADE = 'COMMITMENT_MADE',
  COMMITMENT_STATUS_CHANGED = 'COMMITMENT_STATUS_CHANGED',
  CONTRACT_DRAFTED = 'CONTRACT_DRAFTED',
  CONTRACT_SIGNED = 'CONTRACT_SIGNED',
  CONTRACT_TERMINATED = 'CONTRACT_TERMINATED',
  INTERACTION_RECORDED = 'INTERACTION_RECORDED',
  AFFILIATION_ADDED = 'AFFILIATION_ADDED',
  AFFILIATION_ENDED = 'AFFILIATION_ENDED',
  CONSENT_GRANTED = 'CONSENT_GRANTED',
  CONSENT_WITHDRAWN = 'CONSENT_WITHDRAWN',
}
registerEnumType(ChangeEventType, {
  name: 'ChangeEventType',
  description: 'What happened to a record: one event per committed mutation (see README "Notifications").',
  valuesConfig: {
    STAKEHOLDER_CREATED: { description: 'A stakeholder was created (record: the Stakeholder).' },
    STAKEHOLDER_UPDATED: { description: "A stakeholder's profile changed (record: the Stakeholder)." },
    STAKEHOLDER_ARCHIVED: { description: 'A stakeholder was archived (record: the Stakeholder).' },
    PARTNERSHIP_PROPOSED: { description: 'A partnership was proposed (record: the Partnership).' },
    PARTNERSHIP_STATUS_CHANGED: { description: "A partnership's status changed (record: the Partnership)." },
    PARTNERSHIP_MEMBER_ADDED: { description: 'A member joined a partnership (record: the Partnership).' },
    PARTNERSHIP_MEMBER_REMOVED: { description: 'A member left a partnership (record: the Partnership).' },
    PARTNERSHIP_QUALITY_ASSESSED: { description: "A member assessed a partnership's quality (record: the Partnership, with its new quality)." },
    COMMITMENT_MADE: { description: 'A commitment was made (record: the Commitment).' },
    COMMITMENT_STATUS_CHANGED: { description: 'A commitment was started, fulfilled, missed or withdrawn (record: the Commitment).' },
    CONTRACT_DRAFTED: { description: 'A contract was drafted (record: the Contract).' },
    CONTRACT_SIGNED: { description: 'A party signed a contract (record: the Contract).' },
    CONTRACT_TERMINATED: { description: 'A contract was terminated (record: the Contract).' },
    INTERACTION_RECORDED: { description: 'An interaction was recorded (record: the Interaction).' },
    AFFILIATION_ADDED: { description: 'An affiliation was recorded (record: the Affiliation).' },
    AFFILIATION_ENDED: { description: 'An affiliation ended (record: the Affiliation).' },
    CONSENT_GRANTED: {
      description: 'A patient granted a consent (record: the Patient); only the organisation it was granted to hears of it (every one for an alliance-wide consent).',
    },
    CONSENT_WITHDRAWN: {
      description: 'A patient withdrew a consent (record: the Patient, as you may now see them); only the organisation it was granted to hears of it.',
    },
  },
});

/** The record an event is about, and who besides the record rule may hear of it. */
interface Subject {
  type: GlobalIdType;
  id: string;
  /** The record's version after the change; null: read it from `table`. */
  version: number | null;
  table: string;
  /** Organisations that may hear of it (the record rule still applies); null: whoever may see the record; 'patient': see below. */
  audience: string[] | null | 'patient';
}

type Written = {
  id: string;
  version?: number;
  kind?: string;
  patientId?: string;
  granteeId?: string | null;
  partnershipId?: string;
};

const own =
  (type: GlobalIdType, table: string) =>
  (r: Written): Subject => ({ type, id: r.id, version: r.version ?? null, table, audience: null });

/**
 * A patient's own record (their profile) is of concern only to the organisations they granted a
 * consent to: an event about it reaches no one else, even as a redacted patient (that a patient
 * changed their profile at 10:02 is not other organisations' business).
 */
const stakeholder = (r: Written): Subject => ({ ...own('Stakeholder', 'stakeholder')(r), audience: r.kind === 'PATIENT' ? 'patient' : null });
/** A consent is the patient's and the grantee's business: the event names the patient, and only the grantee hears of it. */
const consent = (r: Written): Subject => ({
  type: 'Stakeholder',
  id: r.patientId as string,
  version: null,
  table: 'stakeholder',
  audience: r.granteeId ? [r.granteeId] : null,
});
/** A membership change is a change of its partnership. */
const membership = (r: Written): Subject => ({
  type: 'Partnership',
  id: r.partnershipId as string,
  version: null,
  table: 'partnership',
  audience: null,
});

/** The event of each action, exhaustively: a new action must decide whether (and what) it publishes. */
const EVENTS: Record<Action, { type: ChangeEventType; subject: (record: Written) => Subject } | null> = {
  'stakeholder:create': { type: ChangeEventType.STAKEHOLDER_CREATED, subject: stakeholder },
  'stakeholder:update': { type: ChangeEventType.STAKEHOLDER_UPDATED, subject: stakeholder },
  'stakeholder:archive': { type: ChangeEventType.STAKEHOLDER_ARCHIVED, subject: stakeholder },
  'partnership:propose': { type: ChangeEventType.PARTNERSHIP_PROPOSED, subject: own('Partnership', 'partnership') },
  'partnership:changeStatus': { type: ChangeEventType.PARTNERSHIP_STATUS_CHANGED, subject: own('Partnership', 'partnership') },
  'partnership:addMember': { type: ChangeEventType.PARTNERSHIP_MEMBER_ADDED, subject: membership },
  'partnership:removeMember': { type: ChangeEventType.PARTNERSHIP_MEMBER_REMOVED, subject: membership },
  // The mutation writes the assessment and moves the partnership's version: the record is the Partnership.
  'partnership:assessQuality': { type: ChangeEventType.PARTNERSHIP_QUALITY_ASSESSED, subject: own('Partnership', 'partnership') },
  'commitment:make': { type: ChangeEventType.COMMITMENT_MADE, subject: own('Commitment', 'commitment') },
  'commitment:changeStatus': { type: ChangeEventType.COMMITMENT_STATUS_CHANGED, subject: own('Commitment', 'commitment') },
  'contract:draft': { type: ChangeEventType.CONTRACT_DRAFTED, subject: own('Contract', 'contract') },
  'contract:sign': { type: ChangeEventType.CONTRACT_SIGNED, subject: own('Contract', 'contract') },
  'contract:terminate': { type: ChangeEventType.CONTRACT_TERMINATED, subject: own('Contract', 'contract') },
  'interaction:record': { type: ChangeEventType.INTERACTION_RECORDED, subject: own('Interaction', 'interaction') },
  'affiliation:add': { type: ChangeEventType.AFFILIATION_ADDED, subject: own('Affiliation', 'affiliation') },
  'affiliation:end': { type: ChangeEventType.AFFILIATION_ENDED, subject: own('Affiliation', 'affiliation') },
  'consent:grant': { type: ChangeEventType.CONSENT_GRANTED, subject: consent },
  'consent:withdraw': { type: ChangeEventType.CONSENT_WITHDRAWN, subject: consent },
  // An erasure leaves nothing to show, and telling every organisation that some patient was
  // erased would itself be a disclosure.
  'patient:erase': null,
  // Subscribing to notifications is not itself a change of the alliance graph.
  'webhook:create': null,
  'webhook:rotateSecret': null,
  'webhook:delete': null,
  // A bulk import publishes no event per row: 100,000 rows would be 100,000 webhook deliveries per
  // subscribed organisation, queued synchronously in the import's transaction. Receivers that need
  // the imported records read them (or an export) after the import (docs/decisions.md, issue 14).
  'transfer:import': null,
};

/** The type of record each event names (a consent's event names its patient). */
export const EVENT_RECORD_TYPES: Record<ChangeEventType, GlobalIdType> = {
  STAKEHOLDER_CREATED: 'Stakeholder',
  STAKEHOLDER_UPDATED: 'Stakeholder',
  STAKEHOLDER_ARCHIVED: 'Stakeholder',
  PARTNERSHIP_PROPOSED: 'Partnership',
  PARTNERSHIP_STATUS_CHANGED: 'Partnership',
  PARTNERSHIP_MEMBER_ADDED: 'Partnership',
  PARTNERSHIP_MEMBER_REMOVED: 'Partnership',
  PARTNERSHIP_QUALITY_ASSESSED: 'Partnership',
  COMMITMENT_MADE: 'Commitment',
  COMMITMENT_STATUS_CHANGED: 'Commitment',
  CONTRACT_DRAFTED: 'Contract',
  CONTRACT_SIGNED: 'Contract',
  CONTRACT_TERMINATED: 'Contract',
  INTERACTION_RECORDED: 'Interaction',
  AFFILIATION_ADDED: 'Affiliation',
  AFFILIATION_ENDED: 'Affiliation',
  CONSENT_GRANTED: 'Stakeholder',
  CONSENT_WITHDRAWN: 'Stakeholder',
};

/** The NOTIFY channel every replica listens on. */
export const CHANGE_CHANNEL = 'alliance_change';

/** An event as the feed carries it (outbox row, NOTIFY payload, subscription root value). */
export interface ChangeEvent {
  /** Outbox sequence number (a string: bigint). */
  id: string;
  type: ChangeEventType;
  recordType: GlobalIdType;
  recordId: string;
  version: number;
  actingOrgId: string | null;
  /** Organisations that may hear of it besides the record rule; null: anyone the rule lets see the record. */
  audience: string[] | null;
  occurredAt: Date;
}

/** The event of `action` on the written `record`, in the mutation's transaction, with the NOTIFY that publishes it at commit. */
export async function appendChange(tx: EntityManager, action: Action, record: object | null, viewer: Viewer | null): Promise<void> {
  const event = EVENTS[action];
  if (!event || !record) return;
  const s = event.subject(record as Written);
  const params: unknown[] = [event.type, s.type, s.id, viewer?.orgId ?? null];
  const param = (value: unknown, cast: string): string => `$${params.push(value)}::${cast}`;
  // Table names come from the table above, never from input.
  const version = s.version === null ? `(SELECT version FROM ${s.table} WHERE id = $3)` : param(s.version, 'int');
  const audience =
    s.audience === 'patient'
      ? `(SELECT CASE WHEN bool_or(c.grantee_id IS NULL) THEN NULL ELSE coalesce(array_agg(DISTINCT c.grantee_id), '{}') END
          FROM consent c WHERE c.patient_id = $3 AND c.withdrawn_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now()))`
      : param(s.audience, 'uuid[]');
  await tx.query(
    `WITH e AS (
       INSERT INTO outbox (event, record_type, record_id, version, acting_org_id, audience)
       VALUES ($1, $2, $3, ${version}, $4, ${audience})
       RETURNING id, event, record_type, record_id, version, acting_org_id, audience, occurred_at)
     SELECT pg_notify('${CHANGE_CHANNEL}', json_build_object('id', e.id::text, 'type', e.event, 'recordType', e.record_type,
       'recordId', e.record_id, 'version', e.version, 'actingOrgId', e.acting_org_id, 'audience', e.audience,
       'occurredAt', e.occurred_at)::text) FROM e`,
    params,
  );
}

/** A NOTIFY payload or outbox row, as an event. */
export function parseChangeEvent(json: string): ChangeEvent {
  const raw = JSON.parse(json) as Omit<ChangeEvent, 'occurredAt'> & { occurredAt: string };
  return { ...raw, occurredAt: new Date(raw.occurredAt) };
}

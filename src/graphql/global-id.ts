/**
 * Opaque global IDs: base64url of `Type:uuid`. Clients must treat them as opaque strings;
 * `fromGlobalId` refuses anything that is not one of ours.
 */
export type GlobalIdType =
  | 'Stakeholder'
  | 'Affiliation'
  | 'Partnership'
  | 'PartnershipMember'
  | 'Commitment'
  | 'Contract'
  | 'ContractParty'
  | 'Interaction'
  | 'Consent'
  | 'Webhook'
  | 'WebhookDelivery';

export const GLOBAL_ID_TYPES: readonly GlobalIdType[] = [
  'Stakeholder',
  'Affiliation',
  'Partnership',
  'PartnershipMember',
  'Commitment',
  'Contract',
  'ContractParty',
  'Interaction',
  'Consent',
  'Webhook',
  'WebhookDelivery',
];
const TYPES = new Set<string>(GLOBAL_ID_TYPES);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function toGlobalId(type: GlobalIdType, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/** Decodes a global ID; returns null for anything malformed or of another type than `expected`. */
export function fromGlobalId(globalId: string, expected?: GlobalIdType): { type: GlobalIdType; id: string } | null {
  if (typeof globalId !== 'string' || globalId.length > 200) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep < 0) return null;
  const type = decoded.slice(0, sep);
  const id = decoded.slice(sep + 1);
  if (!TYPES.has(type) || !UUID.test(id)) return null;
  if (expected && type !== expected) return null;
  return { type: type as GlobalIdType, id };
}

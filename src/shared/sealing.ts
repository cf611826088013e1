import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption (AES-256-GCM) for values the API hands out but must not reveal:
 * cursors, and the organisation-specific ids of redacted patients. Keys derive from ID_SECRET,
 * set once at boot; a development default keeps `npm start` and tests configuration-free.
 */
const DEV_SECRET = 'alliance-graph-development-id-secret-change-me';
let master = DEV_SECRET;

export function configureSealing(secret: string | undefined): void {
  master = secret ?? DEV_SECRET;
}

/** The secret sealing uses now: a worker thread of this process seals with the same (notifications/webhook-thread.ts). */
export function sealingSecret(): string {
  return master;
}

const key = (purpose: string): Buffer => createHmac('sha256', master).update(`alliance-graph:${purpose}`).digest();

/**
 * Encrypts `plain` bound to `context` (the additional authenticated data). Deterministic: the
 * same plain text and context always give the same output (the IV is a keyed hash of both),
 * so an id stays stable; another context cannot open it.
 */
export function sealDeterministic(purpose: string, plain: Buffer, context: string): string {
  const k = key(purpose);
  const iv = createHmac('sha256', k).update(context).update('\0').update(plain).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', k, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Encrypts with a random IV (cursors: nothing to keep stable). */
export function sealRandom(purpose: string, plain: Buffer, context = ''): string {
  const k = key(purpose);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a sealed value; null when it was not sealed by us for this purpose and context. */
export function unseal(purpose: string, sealed: string, context = ''): Buffer | null {
  if (typeof sealed !== 'string' || sealed.length > 2000) return null;
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < 12 + 16) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(purpose), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
  } catch {
    return null;
  }
}

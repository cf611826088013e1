import type * as Jose from 'jose';
import type { Config } from '../config';
import { fromGlobalId } from '../graphql/global-id';
import { ConsentPurpose } from '../modules/consent/consent.entity';
import { requireEsm } from '../shared/esm';
import { UNPAIRED_SURROGATE } from '../shared/text';
import { claimShapeError } from './claims';
import { DEFAULT_PURPOSE, Role, type Viewer } from './viewer';

const jose = requireEsm<typeof Jose>('jose');

export class InvalidTokenError extends Error {}

/** Organisation and patient claims may be raw stakeholder ids or their global IDs. */
function stakeholderId(value: unknown, claim: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new InvalidTokenError(`claim ${claim} must be a string`);
  if (/^[0-9a-f-]{36}$/i.test(value)) return value.toLowerCase();
  const decoded = fromGlobalId(value, 'Stakeholder');
  if (!decoded) throw new InvalidTokenError(`claim ${claim} is not a stakeholder id`);
  return decoded.id;
}

// Control characters (a subject must be printable).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `value` is one of the enum's own values ('constructor' or '__proto__' are not roles). */
const isMember = (enumObject: object, value: unknown): boolean => typeof value === 'string' && Object.hasOwn(enumObject, value);

export function viewerFromClaims(claims: Jose.JWTPayload): Viewer {
  const role = claims.role;
  if (!isMember(Role, role)) throw new InvalidTokenError('claim role is missing or unknown');
  if (typeof claims.exp !== 'number') throw new InvalidTokenError('claim exp is missing: tokens must expire');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new InvalidTokenError('claim sub is missing');
  // The subject is stored (idempotency keys) and used as a rate-limit key: printable and bounded.
  if (claims.sub.length > 255 || CONTROL.test(claims.sub) || UNPAIRED_SURROGATE.test(claims.sub)) {
    throw new InvalidTokenError('claim sub must be at most 255 printable characters');
  }
  const purpose = claims.purpose ?? DEFAULT_PURPOSE[role as Role];
  if (!isMember(ConsentPurpose, purpose)) throw new InvalidTokenError('claim purpose is unknown');
  const viewer: Viewer = {
    userId: claims.sub,
    role: role as Role,
    orgId: stakeholderId(claims.org, 'org'),
    patientId: stakeholderId(claims.patient, 'patient'),
    purpose: purpose as ConsentPurpose,
  };
  const misfit = claimShapeError(viewer);
  if (misfit) throw new InvalidTokenError(misfit);
  return viewer;
}

export type TokenVerifier = (token: string) => Promise<Viewer>;

/** HS256 with the configured secret (development, tests), or RS/ES keys from a JWKS URL (production). */
export function createTokenVerifier(config: Pick<Config, 'jwtSecret' | 'jwksUrl' | 'jwtIssuer' | 'jwtAudience'>): TokenVerifier {
  const options: Jose.JWTVerifyOptions = {
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    clockTolerance: 5,
  };
  const jwks = config.jwksUrl ? jose.createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;
  // A portal sends the same token with every request: a verified token is remembered until it
  // expires (or falls out of a bounded cache), so its signature is checked once, not per request.
  const verified = new Map<string, { viewer: Viewer; until: number }>();
  return async (token) => {
    const known = verified.get(token);
    if (known && Date.now() < known.until) return known.viewer;
    if (known) verified.delete(token);
    try {
      const { payload } = jwks
        ? await jose.jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] })
        : await jose.jwtVerify(token, secret as Uint8Array, { ...options, algorithms: ['HS256'] });
      const viewer = viewerFromClaims(payload);
      if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value as string);
      verified.set(token, { viewer, until: Math.min((payload.exp as number) * 1000, Date.now() + VERIFIED_FOR_MS) });
      return viewer;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      throw new InvalidTokenError('invalid or expired token');
    }
  };
}

/** At most this many verified tokens are remembered (the oldest goes first), each at most this long. */
const VERIFIED_TOKENS = 10_000;
const VERIFIED_FOR_MS = 5 * 60_000;

export interface TokenClaims {
  sub?: string;
  role: Role;
  org?: string;
  patient?: string;
  purpose?: ConsentPurpose;
}

/** Mints a development token (HS256). Production tokens come from the identity provider. */
export async function mintDevToken(
  claims: TokenClaims,
  config: Pick<Config, 'jwtSecret' | 'jwtIssuer' | 'jwtAudience'>,
  expiresIn = '12h',
): Promise<string> {
  if (!config.jwtSecret) throw new Error('no JWT_SECRET configured: development tokens need one');
  let jwt = new jose.SignJWT({ role: claims.role, org: claims.org, patient: claims.patient, purpose: claims.purpose })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? `dev-${claims.role.toLowerCase()}`)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (config.jwtIssuer) jwt = jwt.setIssuer(config.jwtIssuer);
  if (config.jwtAudience) jwt = jwt.setAudience(config.jwtAudience);
  return jwt.sign(new TextEncoder().encode(config.jwtSecret));
}

import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { checkClaims } from '../access/claims';
import { Scope } from '../access/scope';
import type { TokenVerifier } from '../access/token';
import type { Viewer } from '../access/viewer';
import { appError, ErrorCode } from './errors';
import { createLoaders, type Loaders } from './loaders';

/** What the request log and metrics say about one request; filled in as it runs. Never personal data. */
export interface RequestReport {
  operation?: string;
  role?: string;
  /** Global id of the viewer's organisation (an organisation, never a patient). */
  org?: string;
  outcome?: 'ok' | 'partial' | 'error';
  errorCodes?: string[];
}

export interface Context {
  requestId: string;
  report: RequestReport;
  /** null: no token was sent (only public fields resolve). */
  viewer: Viewer | null;
  /** The one data path: every read carries the record rules, writes run in its transactions. */
  scope: Scope;
  loaders: Loaders;
}

/**
 * The context of one request as `viewer`, whose claims were already checked (buildContext does
 * that for a bearer token; tests and tools that run operations in process build viewers by hand).
 */
export function contextFor(db: DataSource, viewer: Viewer | null, requestId: string = randomUUID(), options: { audit?: boolean } = {}): Context {
  const scope = new Scope(db, viewer, { requestId, audit: options.audit ?? true });
  return {
    requestId,
    report: viewer ? { role: viewer.role, ...(viewer.orgId ? { org: viewer.orgId } : {}) } : {},
    viewer,
    scope,
    loaders: createLoaders(scope),
  };
}

export interface ContextDeps {
  db: DataSource;
  verifyToken: TokenVerifier;
  /** Write the audit trail (AUDIT_ENABLED; on unless switched off). */
  audit?: boolean;
}

/**
 * Builds the per-request context: verifies the bearer token, checks its claims against the role
 * and the database (before any resolver runs: a bad claim is a 401, never honoured), and
 * creates fresh loaders.
 */
export async function buildContext(deps: ContextDeps, authorization: string | undefined, requestId?: string): Promise<Context> {
  let viewer: Viewer | null = null;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>".');
    try {
      viewer = await deps.verifyToken(match[1]);
    } catch (error) {
      throw unauthorized(`Invalid token: ${(error as Error).message}.`);
    }
    const refused = await checkClaims(deps.db, viewer);
    if (refused) throw unauthorized(`Invalid token: ${refused}.`);
  }
  return contextFor(deps.db, viewer, requestId, { audit: deps.audit ?? true });
}

/** Refused before any field runs: HTTP 401 with a bearer challenge. */
const unauthorized = (message: string): ReturnType<typeof appError> =>
  appError(ErrorCode.UNAUTHENTICATED, message, {
    http: { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) },
  });

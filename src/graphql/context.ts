import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { recordVisibility, type RecordVisibility } from '../access/record-visibility';
import type { TokenVerifier } from '../access/token';
import type { Viewer } from '../access/viewer';
import { appError, ErrorCode } from './errors';
import { createLoaders, type Loaders } from './loaders';

export interface Context {
  requestId: string;
  /** null: no token was sent (only public fields resolve). */
  viewer: Viewer | null;
  db: DataSource;
  /** SQL predicates that keep records the viewer may not see in the database. */
  visibility: RecordVisibility;
  loaders: Loaders;
}

/** The context of one request as `viewer` (also used by tests and tools that run operations in process). */
export function contextFor(db: DataSource, viewer: Viewer | null, requestId: string = randomUUID()): Context {
  const visibility = recordVisibility(viewer);
  return { requestId, viewer, db, visibility, loaders: createLoaders(db, { viewer, visibility }) };
}

export interface ContextDeps {
  db: DataSource;
  verifyToken: TokenVerifier;
}

/** Builds the per-request context: verifies the bearer token and creates fresh loaders. */
export async function buildContext(deps: ContextDeps, authorization: string | undefined, requestId?: string): Promise<Context> {
  let viewer: Viewer | null = null;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw appError(ErrorCode.UNAUTHENTICATED, 'The Authorization header must be "Bearer <token>".');
    try {
      viewer = await deps.verifyToken(match[1]);
    } catch (error) {
      throw appError(ErrorCode.UNAUTHENTICATED, `Invalid token: ${(error as Error).message}.`);
    }
  }
  return contextFor(deps.db, viewer, requestId);
}

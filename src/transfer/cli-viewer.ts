import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { checkClaims } from '../access/claims';
import { createTokenVerifier } from '../access/token';
import type { Viewer } from '../access/viewer';
import { loadConfig } from '../config';
import { createDataSource } from '../database/data-source';
import { configureSealing } from '../shared/sealing';

/**
 * The import and export CLIs act as the holder of a bearer token, checked exactly as the API
 * checks it (signature or JWKS, expiry, claims against the database): the command line grants no
 * right the token would not have over HTTP. DATABASE_URL names the database (as for gdpr:export).
 */
export async function openAs(token: string | undefined, applicationName: string): Promise<{ db: DataSource; viewer: Viewer }> {
  if (!token) throw new Error('--token is required: the command runs as the token\'s holder, with the API\'s permissions (npm run token mints one in development).');
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL (the database to work on).');
  const config = loadConfig();
  // Redacted patient ids and cursors are sealed with ID_SECRET: the same as the server's, or ids would not match.
  configureSealing(config.idSecret);
  let viewer: Viewer;
  try {
    viewer = await createTokenVerifier(config)(token);
  } catch (error) {
    throw new Error(`Invalid token: ${(error as Error).message}.`);
  }
  const db = createDataSource({ url, poolSize: 2, applicationName });
  await db.initialize();
  const refused = await checkClaims(db, viewer);
  if (refused) {
    await db.destroy();
    throw new Error(`Invalid token: ${refused}.`);
  }
  return { db, viewer };
}

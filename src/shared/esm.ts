import { createRequire } from 'node:module';

/**
 * Loads an ESM-only package from this CommonJS project. Node >= 20.19 can require() an ES
 * module; Node's own require is used (not a test runner's module registry) so that tests load it
 * exactly as the server does.
 */
export function requireEsm<T>(name: string): T {
  return createRequire(__filename)(name) as T;
}

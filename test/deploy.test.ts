import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../src/config';

/**
 * The container files, checked statically (no Docker daemon runs here or in CI): the Dockerfile
 * builds in one stage and runs in another as a non-root user with production dependencies only,
 * checks /readyz, and starts the server as `npm start` does; compose.yaml runs two replicas
 * behind the proxy on PostgreSQL 18 and Redis, with an environment the server's own
 * configuration accepts; the README tells the same commands.
 */
const ROOT = path.join(__dirname, '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  op: string;
  args: string;
}
/** The Dockerfile's instructions (continuation lines joined, comments dropped), per stage. */
function stages(dockerfile: string): Instruction[][] {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const result: Instruction[][] = [];
  for (const line of lines) {
    const [op, ...rest] = line.split(/\s+/);
    const instruction = { op: op.toUpperCase(), args: rest.join(' ') };
    if (instruction.op === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

describe('Dockerfile', () => {
  const all = stages(read('Dockerfile'));
  const runtime = all.at(-1)!;
  const args = (op: string, stage = runtime): string[] => stage.filter((i) => i.op === op).map((i) => i.args);

  it('builds in one stage and runs from another, on the Node the project supports', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) expect(stage[0].args).toMatch(/^node:20\.(19|[2-9]\d)/);
    expect(args('RUN', all[0]).join(' ')).toContain('npm run build');
    expect(args('COPY').some((a) => a.startsWith('--from=build'))).toBe(true);
  });

  it('installs production dependencies only, runs as a non-root user, and checks /readyz', () => {
    expect(args('RUN').join(' ')).toMatch(/npm ci --omit=dev/);
    const user = args('USER');
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(args('HEALTHCHECK').join(' ')).toContain('/readyz');
    expect(args('ENV').join(' ')).toContain('NODE_ENV=production');
  });

  it('starts the server with the command of npm start', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    const command = start.split('&&').at(-1)!.trim();
    expect(JSON.parse(args('CMD')[0]) as string[]).toEqual(command.split(/\s+/));
  });

  it('copies only what exists, and the ignore file keeps local state out of the context', () => {
    for (const stage of all) {
      for (const copy of args('COPY', stage).filter((a) => !a.startsWith('--from'))) {
        for (const source of copy.split(/\s+/).slice(0, -1)) expect({ source, exists: existsSync(path.join(ROOT, source)) }).toEqual({ source, exists: true });
      }
    }
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.data', '.env']));
  });
});

describe('compose.yaml', () => {
  type Service = { image?: string; build?: string; deploy?: { replicas?: number }; environment?: Record<string, string>; volumes?: string[] };
  const compose = parseYaml(read('compose.yaml')) as { services: Record<string, Service> };
  const { postgres, redis, api, proxy } = compose.services;
  /** `${NAME:-default}` as compose resolves it when NAME is unset. */
  const resolved = (value: string): string => value.replace(/\$\{\w+:-([^}]*)\}/g, '$1');

  it('runs PostgreSQL 18, Redis, two API replicas built from this Dockerfile, and a reverse proxy', () => {
    expect(postgres.image).toMatch(/^postgres:18/);
    expect(redis.image).toMatch(/^redis:/);
    expect(api.build).toBe('.');
    expect(api.deploy?.replicas).toBe(2);
    const config = proxy.volumes?.find((v) => v.startsWith('./deploy/'))?.split(':')[0];
    expect(config && existsSync(path.join(ROOT, config))).toBe(true);
    expect(read(config!)).toContain('proxy_pass http://api');
  });

  it("gives the API an environment its own configuration accepts: production, the database and Redis of the file, one proxy hop", () => {
    const env = Object.fromEntries(Object.entries(api.environment ?? {}).map(([k, v]) => [k, resolved(String(v))]));
    const config = loadConfig(env);
    expect(config.nodeEnv).toBe('production');
    expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(config.rateLimit.redisUrl).toBe('redis://redis:6379');
    expect(config.http.trustProxy).toBe(1);
    // Every variable set is one the server reads (a misspelt one would be ignored silently).
    const known = new Set([...read('src/config.ts').matchAll(/(?:int|bool|url|origins)\('([A-Z_]+)'|env\.([A-Z_]+)/g)].map((m) => m[1] ?? m[2]));
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
  });
});

it('README "Deploying" tells the same commands', () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Deploying'));
  expect(readme).toContain('## Deploying');
  expect(section).toContain('docker compose up --build');
  expect(section).toContain('docker build');
  for (const variable of ['DATABASE_URL', 'JWT_SECRET', 'JWKS_URL', 'ID_SECRET', 'REDIS_URL', 'TRUST_PROXY_HOPS']) expect(section).toContain(variable);
});

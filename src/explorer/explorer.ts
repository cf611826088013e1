import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';
import { mintDevToken } from '../access/token';
import { Role } from '../access/viewer';
import type { Config } from '../config';

/**
 * The graph explorer at GET /explore: one HTML page and its script, bundled by esbuild from
 * explorer/ (browser code, its own tsconfig) into memory on the first request, once per process.
 * In development only, POST /explore/dev-token mints a token (mintDevToken) for the page's form;
 * elsewhere it answers 404 like any unknown path.
 */
export function explorerRouter(config: Config): Router {
  const router = express.Router();
  const development = config.nodeEnv === 'development';
  let bundle: Promise<string> | undefined;

  router.get('/explore', (_req, res) => {
    res.type('html').set('cache-control', 'no-store').send(page(development));
  });
  router.get('/explore/app.js', async (_req, res, next) => {
    try {
      bundle ??= bundleExplorer();
      res.type('application/javascript').set('cache-control', 'no-cache').send(await bundle);
    } catch (error) {
      bundle = undefined;
      next(error);
    }
  });
  router.post('/explore/dev-token', express.json({ limit: 4096 }), async (req, res, next) => {
    if (!development) return next(); // the server's 404
    const body = (req.body ?? {}) as { role?: unknown; org?: unknown };
    const role = typeof body.role === 'string' ? body.role.toUpperCase() : '';
    if (!Object.hasOwn(Role, role)) {
      res.status(400).json({ error: `role must be one of ${Object.values(Role).join(', ')}` });
      return;
    }
    const org = typeof body.org === 'string' && body.org.trim() !== '' ? body.org.trim() : undefined;
    if ((role === Role.PARTNER || role === Role.ENGAGEMENT_MANAGER) && !org) {
      res.status(400).json({ error: `a ${role} token needs an organisation id` });
      return;
    }
    res.json({ token: await mintDevToken({ role: role as Role, org }, config) });
  });
  return router;
}

/** The project root: the nearest folder above this file holding explorer/main.ts (src/ under ts-node, dist/src/ once built). */
export function explorerRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'explorer', 'main.ts'))) return join(dir, 'explorer');
    if (dirname(dir) === dir) throw new Error('the explorer sources (explorer/main.ts) are not in this installation');
  }
}

async function bundleExplorer(): Promise<string> {
  const root = explorerRoot();
  // Loaded here so a server that never serves the page never loads esbuild.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(root, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const KINDS = ['PATIENT', 'PATIENT_ORGANISATION', 'COMPANY', 'HTA_BODY', 'REGULATOR', 'RESEARCH_ORGANISATION'];

function page(development: boolean): string {
  const mint = development
    ? `<form id="mint"><h2>Development token</h2>
  <label>Role <select id="mint-role">${Object.values(Role).map((r) => `<option>${r}</option>`).join('')}</select></label>
  <label>Organisation id <input id="mint-org" placeholder="global id or uuid"></label>
  <button type="submit">Mint</button></form>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Alliance graph explorer</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 0; font: 14px system-ui, sans-serif; display: grid; grid-template-columns: 300px 1fr 300px; height: 100vh; }
  aside { padding: 10px; overflow: auto; border-right: 1px solid #ddd; }
  #panel { border-left: 1px solid #ddd; border-right: 0; overflow-wrap: anywhere; }
  #graph { position: relative; width: 100%; height: 100vh; }
  textarea { width: 100%; height: 80px; font: 11px monospace; }
  label { display: block; margin: 6px 0; } select, input { width: 100%; }
  h2 { font-size: 14px; margin: 12px 0 4px; } #status { color: #555; margin-top: 8px; white-space: pre-wrap; }
  .legend span { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 5px; }
</style></head>
<body>
<aside>
  <h1 style="font-size:16px">Graph explorer</h1>
  <form id="load"><label>Bearer token <textarea id="token" spellcheck="false" autocomplete="off"></textarea></label>
  <button type="submit">Load graph</button></form>
  ${mint}
  <h2>Shortest path</h2>
  <label>From <select id="path-from"></select></label>
  <label>To <select id="path-to"></select></label>
  <button id="path-go" type="button">Highlight shortest path</button>
  <div id="status"></div>
  <h2>Kinds</h2><div class="legend" id="legend" data-kinds="${KINDS.join(',')}"></div>
</aside>
<main id="graph"></main>
<aside id="panel"><p>Click a node to see its fields and relationships.</p></aside>
<script src="/explore/app.js"></script>
</body></html>`;
}

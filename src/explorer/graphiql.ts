import { join } from 'node:path';
import express, { type Request, type Router } from 'express';
import { explorerRoot } from './explorer';

/**
 * GraphiQL at GET /graphql for a browser (a GET that prefers text/html), in development only
 * (http/server.ts mounts this router before the GraphQL endpoint when NODE_ENV=development).
 * Its code and stylesheet are bundled by esbuild from explorer/graphiql.tsx (GraphiQL 3, React 18)
 * into memory on the first request, once per process, and served at /graphiql/app.js and
 * /graphiql/app.css: the page loads nothing from another host, so it works offline. Any other
 * request to /graphql (POST, or a GET from a client that does not prefer HTML) goes on to Apollo.
 */
export function graphiqlRouter(): Router {
  const router = express.Router();
  let bundle: Promise<Bundle> | undefined;
  const built = async (): Promise<Bundle> => {
    bundle ??= bundleGraphiql();
    try {
      return await bundle;
    } catch (error) {
      bundle = undefined;
      throw error;
    }
  };

  router.get('/graphql', (req, res, next) => {
    if (!prefersHtml(req)) return next();
    res.type('html').set('cache-control', 'no-store').send(PAGE);
  });
  router.get('/graphiql/app.js', async (_req, res, next) => {
    try {
      res.type('application/javascript').set('cache-control', 'no-cache').send((await built()).js);
    } catch (error) {
      next(error);
    }
  });
  router.get('/graphiql/app.css', async (_req, res, next) => {
    try {
      res.type('text/css').set('cache-control', 'no-cache').send((await built()).css);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/**
 * As Apollo decides whether to show its landing page: a GET whose Accept header prefers text/html
 * over JSON (a browser's navigation); `*\/*`, no Accept header or a JSON type is an API client.
 */
function prefersHtml(req: Request): boolean {
  if (!req.headers.accept) return false;
  return req.accepts(['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html']) === 'text/html';
}

interface Bundle {
  js: string;
  css: string;
}

async function bundleGraphiql(): Promise<Bundle> {
  const root = explorerRoot();
  // Loaded here so a server that never serves the page never loads esbuild.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(root, 'graphiql.tsx')],
    bundle: true,
    write: false,
    // Not written: the output files' names only tell the script from the stylesheet.
    outdir: '/graphiql',
    entryNames: 'app',
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    // Fonts and images the stylesheet refers to travel inside it, never fetched from elsewhere.
    loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'silent',
  });
  const output = (extension: string): string => {
    const file = result.outputFiles.find((f) => f.path.endsWith(extension));
    if (!file) throw new Error(`esbuild produced no ${extension} for GraphiQL`);
    return file.text;
  };
  return { js: output('.js'), css: output('.css') };
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL · Alliance graph</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/graphiql/app.css">
<style>html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; }</style>
</head>
<body><div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/app.js"></script>
</body></html>`;

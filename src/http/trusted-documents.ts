import { createHash } from 'node:crypto';
import { Kind, parse } from 'graphql';
import type { RequestHandler, Response } from 'express';
import type { DataSource } from 'typeorm';

/**
 * Trusted documents (persisted operations, issue 12): production clients register their
 * operations at build time (`npm run documents:push -- manifest.json`) and then send
 * `{ "documentId": "sha256:<hex>", "variables": … }` instead of the text, as the GraphQL-over-HTTP
 * persisted documents convention says (Apollo's `extensions.persistedQuery.sha256Hash` form is
 * understood too). The server puts the registered text in the request before Apollo sees it, so
 * a trusted document is parsed, validated, limited and authorised like any other. With
 * TRUSTED_DOCUMENTS=required, a request that carries its own text is refused.
 */
export type TrustedDocumentsMode = 'off' | 'allowed' | 'required';

export const documentIdOf = (body: string): string => `sha256:${createHash('sha256').update(body, 'utf8').digest('hex')}`;

/** A document as a client's manifest names it. */
export interface ManifestDocument {
  /** The id the client will send: must be the SHA-256 of the body (bare hex or `sha256:`-prefixed). */
  id: string;
  body: string;
}

/**
 * The documents of a manifest, in any of the formats clients emit: Apollo's persisted query
 * manifest (`{ format: "apollo-persisted-query-manifest", operations: [{ id, body }] }`), or a map
 * of id to text (GraphQL Codegen's client preset `persisted-documents.json`, Relay's
 * `persisted_queries.json` with a SHA-256 hash function).
 */
export function manifestDocuments(manifest: unknown): ManifestDocument[] {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) throw new Error('The manifest must be a JSON object.');
  const m = manifest as Record<string, unknown>;
  if (m.format === 'apollo-persisted-query-manifest') {
    if (!Array.isArray(m.operations)) throw new Error('An Apollo manifest needs an "operations" array.');
    return m.operations.map((op: unknown, i) => {
      const o = op as { id?: unknown; body?: unknown };
      if (typeof o.id !== 'string' || typeof o.body !== 'string') throw new Error(`operations[${i}] needs a string "id" and "body".`);
      return { id: o.id, body: o.body };
    });
  }
  return Object.entries(m).map(([id, body]) => {
    if (typeof body !== 'string') throw new Error(`The document "${id}" is not a string.`);
    return { id, body };
  });
}

/** What registering a manifest did. */
export interface PushReport {
  registered: number;
  alreadyKnown: number;
}

/**
 * Registers a manifest's documents, all or none: each must parse as GraphQL with named
 * operations, and its id must be the SHA-256 of its text (a client would otherwise send an id
 * the server does not know).
 */
export async function pushDocuments(db: DataSource, documents: ManifestDocument[], clientName: string | null): Promise<PushReport> {
  const rows = documents.map(({ id, body }, i) => {
    const expected = documentIdOf(body);
    const given = id.startsWith('sha256:') ? id : `sha256:${id}`;
    if (given.toLowerCase() !== expected) {
      throw new Error(`Document ${i + 1} ("${id}"): its id is not the SHA-256 of its text (${expected}); configure the client to hash with SHA-256.`);
    }
    let operation: string | null = null;
    try {
      const definitions = parse(body).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
      if (definitions.length === 0 || definitions.some((d) => !d.name)) throw new Error('every operation needs a name');
      operation = definitions.map((d) => d.name!.value).join(',');
    } catch (error) {
      throw new Error(`Document ${i + 1} ("${id}") is not a registrable GraphQL document: ${(error as Error).message}.`);
    }
    return { id: expected, body, operation };
  });
  return db.transaction(async (tx) => {
    let registered = 0;
    for (const row of rows) {
      const inserted = (await tx.query(
        `INSERT INTO trusted_document (id, body, client_name, operation_name) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [row.id, row.body, clientName, row.operation],
      )) as unknown[];
      registered += inserted.length;
    }
    return { registered, alreadyKnown: rows.length - registered };
  });
}

export interface TrustedDocuments {
  mode: TrustedDocumentsMode;
  /** The text of a registered document, or null (a bounded in-memory cache in front of the table). */
  lookup(documentId: string): Promise<string | null>;
}

const CACHE_LIMIT = 5_000;

export function createTrustedDocuments(db: DataSource, mode: TrustedDocumentsMode): TrustedDocuments {
  const cache = new Map<string, string>();
  return {
    mode,
    async lookup(documentId) {
      const id = documentId.startsWith('sha256:') ? documentId.toLowerCase() : `sha256:${documentId.toLowerCase()}`;
      if (!/^sha256:[0-9a-f]{64}$/.test(id)) return null;
      const cached = cache.get(id);
      if (cached !== undefined) return cached;
      const [row] = (await db.query('SELECT body FROM trusted_document WHERE id = $1', [id])) as { body: string }[];
      if (!row) return null;
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
      cache.set(id, row.body);
      return row.body;
    },
  };
}

/**
 * Express middleware in front of Apollo: a request naming a registered document (`documentId`, or
 * Apollo's `extensions.persistedQuery.sha256Hash`) gets the document's text as its `query`, by
 * POST body or GET query string; an unknown id is refused, and so, in `required` mode, is a
 * document sent as text. `refuse` answers 400 with the message.
 */
export function trustedDocumentsMiddleware(trusted: TrustedDocuments, refuse: (res: Response, message: string) => void): RequestHandler {
  return async (req, res, next) => {
    if (trusted.mode === 'off') return next();
    const url = req.method === 'GET' ? new URL(req.url, 'http://localhost') : null;
    const body = (url ? null : req.body) as Record<string, unknown> | null | undefined;
    const field = (name: string): unknown => (url ? url.searchParams.get(name) : body?.[name]);
    let extensions = field('extensions');
    if (typeof extensions === 'string') {
      try {
        extensions = JSON.parse(extensions) as unknown;
      } catch {
        extensions = undefined;
      }
    }
    const ext = typeof extensions === 'object' && extensions !== null ? (extensions as Record<string, unknown>) : null;
    const hash = (ext?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
    const named = field('documentId');
    const documentId = typeof named === 'string' ? named : typeof hash === 'string' ? hash : null;
    if (documentId === null) {
      if (trusted.mode === 'required' && field('query') != null) {
        return refuse(res, 'This server runs trusted documents only: send the "documentId" ("sha256:…") of a registered operation instead of its text.');
      }
      return next();
    }
    const text = await trusted.lookup(documentId);
    if (text === null) return refuse(res, 'Unknown documentId: no trusted document has this id (register it with npm run documents:push).');
    const rest = ext ? Object.fromEntries(Object.entries(ext).filter(([k]) => k !== 'persistedQuery')) : {};
    const keepExtensions = Object.keys(rest).length > 0;
    if (url) {
      url.searchParams.delete('documentId');
      url.searchParams.set('query', text);
      if (keepExtensions) url.searchParams.set('extensions', JSON.stringify(rest));
      else url.searchParams.delete('extensions');
      req.url = `${url.pathname}${url.search}`;
    } else {
      const { documentId: _id, extensions: _ext, ...others } = body ?? {};
      req.body = { ...others, query: text, ...(keepExtensions ? { extensions: rest } : {}) };
    }
    next();
  };
}

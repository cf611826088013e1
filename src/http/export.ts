import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Router, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { checkClaims } from '../access/claims';
import { contextFor } from '../graphql/context';
import { ErrorCode } from '../graphql/errors';
import { exportGraph, openExportLink } from '../modules/transfer/transfer.export';
import { ExportFormat } from '../modules/transfer/transfer.inputs';
import type { Logger } from '../shared/logger';
import { safeError } from './graphql-observer';

/** Writes a chunk, waiting for the socket to drain when it is full: a slow client holds back the export, not the memory. */
const writeTo = (res: Response) => async (chunk: string): Promise<void> => {
  if (!res.write(chunk)) await once(res, 'drain');
};

/**
 * `GET /export/<link>`: the download behind an `exportGraph` link. The link carries the viewer
 * (sealed, expiring); their claims are checked again against the database as for any request,
 * and the export runs as them through the API's own read path (modules/transfer/transfer.export.ts).
 */
export function exportRouter(deps: { db: DataSource; schema: GraphQLSchema; audit: boolean; logger: Logger }): Router {
  const router = Router();
  router.get('/export/:link', async (req, res) => {
    const link = openExportLink(req.params.link);
    const refused = link ? await checkClaims(deps.db, link.viewer) : 'the link is unknown or has expired';
    if (!link || refused) {
      res.status(404).json({ errors: [{ message: 'This export link is unknown or has expired; ask exportGraph for a new one.', extensions: { code: ErrorCode.NOT_FOUND } }] });
      return;
    }
    const graphml = link.format === ExportFormat.GRAPHML;
    res.status(200).set({
      'content-type': graphml ? 'application/graphml+xml; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="alliance-graph.${graphml ? 'graphml' : 'jsonl'}"`,
      'cache-control': 'no-store',
    });
    const requestId = String(req.id ?? randomUUID());
    try {
      await exportGraph(() => contextFor(deps.db, link.viewer, requestId, { audit: deps.audit }), deps.schema, link.format, { write: writeTo(res) });
      res.end();
    } catch (error) {
      // The status line has gone: cut the body short, so the client sees an incomplete download rather than a complete-looking one.
      deps.logger.error({ reqId: requestId, err: safeError(error) }, 'export failed');
      res.destroy();
    }
  });
  return router;
}

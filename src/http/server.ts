import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { DataSource } from 'typeorm';
import { connectionStringOf } from '../database/data-source';
import type { TokenVerifier } from '../access/token';
import type { Config } from '../config';
import { buildContext, type Context, type RequestReport } from '../graphql/context';
import { appError, ErrorCode } from '../graphql/errors';
import { createApolloServer } from '../graphql/server';
import { buildAppSchema } from '../graphql/schema';
import { ChangeFeed } from '../notifications/change-feed';
import { changeReader } from '../notifications/change-execution';
import { configureWebhooks } from '../modules/webhook/webhook.service';
import { startWebhookThread } from '../notifications/webhook-thread';
import type { WebhookWorker } from '../notifications/webhook-worker';
import { attachSubscriptions } from './subscriptions';
import { explorerRouter } from '../explorer/explorer';
import { graphiqlRouter } from '../explorer/graphiql';
import { createLogger, type Logger } from '../shared/logger';
import { graphqlObserver, safeError } from './graphql-observer';
import { createMetrics, type Metrics } from './metrics';
import { createRateLimits } from './rate-limit';
import { traceRequest, tracingEnabled } from '../observability/tracing';
import { createReadiness, type Readiness } from './readiness';
import { createTrustedDocuments, trustedDocumentsMiddleware } from './trusted-documents';
import { exportRouter } from './export';

export interface HttpServer {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** http://localhost:<port>, for /healthz, /readyz and /metrics. */
  origin: string;
  readiness: Readiness;
  metrics: Metrics;
  /** /readyz answers 503 from now on; requests are still served. */
  markDraining(): void;
  /** Stops accepting, lets in-flight requests finish (up to the drain timeout), then resolves. */
  stop(): Promise<void>;
  /** This process's webhook delivery worker (null when WEBHOOK_WORKER is off). */
  webhooks: WebhookWorker | null;
}

export interface HttpServerOptions {
  db: DataSource;
  verifyToken: TokenVerifier;
  config: Config;
  /** Defaults to JSON lines on stdout at config.logLevel. */
  logger?: Logger;
  port?: number;
  host?: string;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * Express 5 in front of Apollo: request ids and the request log, health, readiness and metrics,
 * the per-IP rate limit (before the body is read), the body limit, then GraphQL with the per-user
 * rate limit in the context. Every refusal is a JSON GraphQL error with a stable code.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { config, db } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics(db);
  const rateLimits = createRateLimits(config.rateLimit, logger);
  await rateLimits.ready();
  const readiness = createReadiness(db, connectionStringOf(db));
  const production = config.nodeEnv === 'production';

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  const httpServer = createServer(app);
  // One schema for HTTP, subscriptions and webhook deliveries: the same rules, policy and audit.
  const schema = await buildAppSchema();
  const apollo = await createApolloServer({
    schema,
    introspection: !production,
    production,
    limits: config.limits,
    // Fail closed: the response was withheld; this is an outage of the audit trail, logged and counted.
    onAuditFailure: (error, ctx) => {
      metrics.auditFailed();
      logger.error({ reqId: ctx.requestId, err: safeError(error) }, 'audit trail could not be written: response withheld');
    },
    plugins: [
      graphqlObserver(metrics, logger),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.http.drainTimeoutMs }),
    ],
  });
  await apollo.start();

  // The change feed (README "Notifications"): subscriptions on this server, deliveries by its worker.
  configureWebhooks({ production, limits: config.limits });
  const feed = new ChangeFeed(connectionStringOf(db), logger);
  await feed.start();
  const reader = changeReader(db, schema, config.audit.enabled);

  app.use(requestLog(logger));
  // A span per GraphQL request (OTEL_EXPORTER_OTLP_ENDPOINT set): its statements and root fields nest in it.
  if (tracingEnabled) {
    app.use('/graphql', (req, res, next) => traceRequest(`${req.method} /graphql`, String(req.id), (end) => res.on('finish', () => end(res.statusCode)), next));
  }
  // Responses above 1 KB, gzip or brotli, when the client accepts it (a portal page is 40–70 KB of JSON).
  app.use(compression({ threshold: 1024 }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const state = await readiness.check();
    res.status(state.ready ? 200 : 503).json(state.ready ? { status: 'ready' } : { status: 'unavailable', reason: state.reason });
  });
  app.get('/metrics', async (req, res) => {
    if (config.http.metricsToken && req.headers.authorization !== `Bearer ${config.http.metricsToken}`) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: 'metrics need the metrics token' });
      return;
    }
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // A request refused before GraphQL ran: counted, and said in its log line.
  const recordRejection = (report: RequestReport, code: string): void => {
    Object.assign(report, { operation: '(rejected)', outcome: 'error', errorCodes: [code] });
    metrics.observe('(rejected)', 'rejected', 0, [code]);
  };
  const refuse = (res: Response, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): void => {
    recordRejection(res.locals.report as RequestReport, code);
    res.status(status).set(headers).json({ errors: [{ message, extensions: { code } }] });
  };

  // Development: GraphiQL (bundled from npm packages, no CDN) for a browser's GET /graphql;
  // every other /graphql request goes on to Apollo below.
  if (config.nodeEnv === 'development') app.use(graphiqlRouter());
  // Browser portals on other origins (CORS_ORIGINS; none by default): exact origins, no
  // credentials (the token travels in the Authorization header), preflights answered and cached
  // for 10 minutes. Apollo's CSRF prevention stays on: a simple cross-site request still needs a
  // JSON content type or a preflight header.
  if (config.http.corsOrigins.length > 0) {
    app.use(
      '/graphql',
      cors({
        origin: config.http.corsOrigins,
        credentials: false,
        methods: ['GET', 'POST'],
        allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'],
        exposedHeaders: ['x-request-id', 'retry-after'],
        maxAge: 600,
      }),
    );
  }
  // Per IP address, before anything is read: the API and the export downloads (whose link is their credential).
  app.use(['/graphql', '/export'], async (req, res, next) => {
    const decision = await rateLimits.consumeIp(req.ip ?? 'unknown');
    if (decision.allowed) return next();
    refuse(res, 429, ErrorCode.RATE_LIMITED, 'Too many requests from this address; slow down.', {
      'retry-after': String(decision.retryAfterSeconds),
    });
  });
  app.use('/graphql', express.json({ limit: config.http.bodyLimitBytes, strict: true }));
  // Trusted documents: a registered document's text goes into the request before Apollo reads it.
  const trusted = createTrustedDocuments(db, config.http.trustedDocuments);
  const subscriptions = attachSubscriptions(httpServer, {
    reader,
    feed,
    verifyToken: options.verifyToken,
    limits: config.limits,
    rateLimits,
    trusted,
    production,
    logger,
  });
  // The delivery worker, in a thread of its own (the event loop of requests never runs deliveries).
  const webhooks = config.webhooks.worker
    ? startWebhookThread(
        { databaseUrl: connectionStringOf(db), db: config.db, settings: { ...config.webhooks, production }, audit: config.audit.enabled, logLevel: logger.level },
        feed,
        logger,
      )
    : null;
  app.use('/graphql', trustedDocumentsMiddleware(trusted, (res, message) => refuse(res, 400, ErrorCode.BAD_USER_INPUT, message)));
  app.use('/graphql', (req, _res, next) => {
    // Apollo answers a missing or non-JSON body itself (400), or CSRF prevention does.
    if (!('body' in req)) (req as { body?: unknown }).body = undefined;
    next();
  });
  app.use(
    '/graphql',
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<Context> => {
        const report = res.locals.report as RequestReport;
        try {
          const context = await buildContext({ db, verifyToken: options.verifyToken, audit: config.audit.enabled }, req.headers.authorization, String(req.id));
          context.report = Object.assign(report, context.report);
          if (context.viewer) {
            const decision = await rateLimits.consumeUser(`${context.viewer.role}:${context.viewer.userId}`);
            if (!decision.allowed) {
              throw appError(ErrorCode.RATE_LIMITED, 'Too many requests; slow down.', {
                http: { status: 429, headers: new Map([['retry-after', String(decision.retryAfterSeconds)]]) },
              });
            }
          }
          return context;
        } catch (error) {
          // Refused before GraphQL runs (bad token, rate limit): Apollo answers; count and log it here.
          recordRejection(report, String((error as { extensions?: { code?: unknown } }).extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR));
          throw error;
        }
      },
    }),
  );
  // Downloads behind exportGraph's links (GET /export/<link>, README "Import and export").
  app.use(exportRouter({ db, schema, audit: config.audit.enabled, logger }));
  // The graph explorer page (GET /explore; a dev-token endpoint in development only).
  app.use(explorerRouter(config));
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found: GraphQL is served at /graphql.', extensions: { code: ErrorCode.NOT_FOUND } }] });
  });
  // Body-parser and anything else that fails before Apollo: a JSON error, never an HTML page or a stack.
  app.use((error: { status?: number; statusCode?: number; type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = error.status ?? error.statusCode ?? 500;
    if (status === 413) return refuse(res, 413, ErrorCode.BAD_USER_INPUT, 'The request body is too large.');
    if (status >= 400 && status < 500) {
      const message = error.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : 'The request could not be read.';
      return refuse(res, status, ErrorCode.BAD_USER_INPUT, message);
    }
    logger.error({ reqId: req.id, err: safeError(error) }, 'unexpected HTTP error');
    return refuse(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.');
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? config.port, options.host ?? config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const origin = `http://localhost:${port}`;
  return {
    url: `${origin}/graphql`,
    origin,
    readiness,
    metrics,
    webhooks,
    markDraining: () => readiness.markDraining(),
    async stop() {
      readiness.markDraining();
      // Sockets first (they would hold the HTTP server open), then in-flight requests, then the
      // deliveries in flight (a delivery stopped midway is another replica's, or the next start's).
      await subscriptions.close();
      await apollo.stop(); // drains the HTTP server first (ApolloServerPluginDrainHttpServer)
      await webhooks?.stop();
      await feed.close();
      await rateLimits.close();
    },
  };
}

/**
 * One JSON line per request (pino-http): id (also returned as X-Request-Id), method, path without
 * the query string (GET variables may carry personal data), status, duration, and the GraphQL
 * report (operation, role, organisation, outcome, error codes). No headers, no bodies.
 */
function requestLog(logger: Logger): ReturnType<typeof pinoHttp<IncomingMessage, ServerResponse>> {
  return pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      (res as unknown as Response).locals.report = {};
      return id;
    },
    quietReqLogger: true,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ method: req.method, path: (req.url ?? '').split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: safeError,
    },
    // Called at the start (nothing to say yet) and at the end of the request.
    customProps: (_req, res) => (res.headersSent ? { graphql: (res as unknown as Response).locals?.report ?? {} } : {}),
    // 503 is the database being away (said once per request, logged in detail nowhere else).
    customLogLevel: (_req, res, error) => (error || (res.statusCode >= 500 && res.statusCode !== 503) ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    // pino-http invents an Error (with its own stack) for a 5xx status; unexpected errors are
    // logged where they happen (graphql-observer), so the request line carries no error object.
    customErrorObject: (_req, _res, _error, value: Record<string, unknown>) => {
      const { err: _ignored, ...rest } = value;
      return rest;
    },
    autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes((req.url ?? '').split('?')[0]) },
  });
}


import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DocumentNode } from 'graphql';
import { Pool, type PoolClient } from 'pg';
import { FEED_RECORD_TYPES, organisationAudience } from '../access/record-rules';
import { webhookViewer } from '../access/viewer';
import type { ConsentPurpose } from '../modules/consent/consent.entity';
import { toGlobalId, type GlobalIdType } from '../graphql/global-id';
import type { Logger } from '../shared/logger';
import type { ChangeEvent, ChangeEventType } from '../shared/outbox';
import type { ChangeFeed } from './change-feed';
import { executeChanges, type ChangeReader } from './change-execution';
import { DELIVERY_OPERATION, deliveryDocument } from '../modules/webhook/webhook.selection';
import { SIGNATURE_HEADER, signatureHeader } from '../modules/webhook/webhook.signature';
import { deliveryAgents } from '../modules/webhook/webhook.url';

export interface WebhookWorkerSettings {
  /** Batches in flight at once (each holds its deliveries' row locks on a connection of the worker's pool). */
  concurrency: number;
  /** First retry after about this long; each next one twice as long (with jitter), up to maxDelayMs. */
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** Retried this long after the event was queued, then dead-lettered. */
  retryForMs: number;
  /** A receiver must answer within this (well under the database's idle-in-transaction timeout). */
  timeoutMs: number;
  /**
   * Due retries are looked for at least this often (NOTIFY wakes the worker for new events). Under
   * a steady stream of commits, rounds also start at most this often: each round has fixed costs
   * (the fan-out, and per webhook a claim, the reads, the outcome, each a round trip to the
   * database) that a round of many events shares. A lone event goes out WAKE_DELAY_MS after its
   * commit; under load, within about pollMs.
   */
  pollMs: number;
  /** Production: public https addresses only, checked at connect time. */
  production: boolean;
}

export interface WebhookWorker {
  /** Look for work now. */
  wake(): void;
  stop(): Promise<void>;
}

interface Claimed {
  delivery_id: string;
  attempts: number;
  created_at: Date;
  webhook_id: string;
  organisation_id: string;
  url: string;
  selection: string;
  purpose: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
  event_id: string;
  event: ChangeEventType;
  record_type: GlobalIdType;
  record_id: string;
  version: number;
  acting_org_id: string | null;
  audience: string[] | null;
  occurred_at: Date;
}

/**
 * Who may see each claimed event's record now, as rows (event, org, purpose) of the record rules'
 * set form (`organisationAudience`: org or purpose NULL for any): deliveries are queued only
 * where they may be sent (the delivery checks again, as the organisation sees the record then).
 */
const AUDIENCE = FEED_RECORD_TYPES.map(
  (type) =>
    `SELECT o.id AS event_id, o.event, a.org, a.purpose FROM claimed o CROSS JOIN LATERAL (${organisationAudience(type, 'o.record_id')}) a WHERE o.record_type = '${type}'`,
).join('\n UNION ALL ');

/** Deliveries of one webhook claimed, read and recorded together. */
const BATCH = 50;

/** A round delivers a webhook's further full batches for this long, then fans out again. */
const ROUND_MS = 1_000;

/** How long a wake waits to gather the events committed meanwhile. */
const WAKE_DELAY_MS = 200;

/** Delivered and dead events (and their deliveries) are kept this long for the organisations to look at, then pruned. */
export const OUTBOX_RETENTION_DAYS = 30;

/** Outbox events one fan-out statement takes. */
const DISPATCH_LIMIT = 1000;

/** Only one replica fans out at a time, so deliveries are queued in outbox order. */
const DISPATCH_LOCK = 0x616c6c69; // 'alli'

/**
 * The delivery worker of one replica (in a thread of the API process, webhook-thread.ts, or a
 * process of its own, worker.main.ts). Each round: fan-out, in one statement under an advisory
 * lock, turns the outbox's new events into one delivery row per webhook whose organisation may
 * see the record, and names the webhooks with due deliveries; then `concurrency` slots each claim
 * a batch of one of those webhooks with FOR UPDATE SKIP LOCKED — per record only its earliest
 * pending delivery, so a record's events arrive in version order — read the records as the
 * organisation sees them now, POST them signed, and record the outcomes in the same transaction.
 * If the process dies mid-delivery its connection closes, the locks go with it, and another
 * replica delivers the events: exactly once normally, at least once under crashes.
 */
export function startWebhookWorker(reader: ChangeReader, connectionString: string, feed: ChangeFeed | null, settings: WebhookWorkerSettings, logger: Logger): WebhookWorker {
  const pool = new Pool({
    connectionString,
    max: settings.concurrency + 1,
    // Names the process: which replica holds which delivery shows in pg_stat_activity.
    application_name: `alliance-graph-webhooks/${process.pid}`,
    // A delivery holds its transaction open while the receiver answers: this pool's sessions
    // allow that long (and a little more), whatever the request pool's timeout is.
    // A delivery's own bookkeeping (claim, outcome) commits without waiting for the WAL flush: a
    // status lost in a database crash means the event is sent again, which at-least-once allows.
    // The audit of what it read is written by the API's pool, durably, before the POST.
    // No bitmap scans: the queue's partial indexes (pending deliveries, undispatched events) keep
    // an entry for every row that has left the queue until VACUUM. A plain index scan marks such
    // entries dead as it passes (and later scans skip them); a bitmap scan cannot, so a claim
    // read all of them each time: 2 ms at 14,000 delivered rows since the last VACUUM, 0.36 ms
    // with index scans (the planner picks the bitmap because the statistics call the queue small).
    options: `-c TimeZone=UTC -c jit=off -c enable_bitmapscan=off -c synchronous_commit=off -c idle_in_transaction_session_timeout=${settings.timeoutMs + 5_000}`,
  });
  // A connection lost while idle, or while checked out (its query fails on its own): not a crash.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const agents = deliveryAgents(settings.production);
  const documents = new Map<string, DocumentNode>();
  let stopped = false;
  let running = false;
  let wanted = false;
  let idle: (() => void) | null = null;

  /**
   * Fan-out, in one statement (its own transaction): under the dispatch lock, the outbox's new
   * events become one delivery per matching webhook, in outbox order. Returns the webhooks that
   * have due deliveries (retries due first, then those just queued), and whether the outbox had
   * more new events than one statement takes. A replica that does not get the lock queues
   * nothing (the one holding it does) and still learns what is due.
   */
  const dispatch = async (): Promise<{ webhooks: string[]; more: boolean; events: number }> => {
    const { rows } = await pool.query<{ webhooks: string[] | null; events: number }>({
      name: 'webhooks-dispatch',
      text: `WITH locked AS (SELECT pg_try_advisory_xact_lock(${DISPATCH_LOCK}) AS ok),
         claimed AS (
           SELECT id, event, record_type, record_id, version, audience FROM outbox
            WHERE dispatched_at IS NULL AND (SELECT ok FROM locked) ORDER BY id LIMIT ${DISPATCH_LIMIT} FOR UPDATE SKIP LOCKED),
         audience AS MATERIALIZED (${AUDIENCE}),
         -- The webhooks of the organisations named, and every webhook where the record is everyone's to see.
         matched AS (
           SELECT a.event_id, w.id AS webhook_id FROM audience a JOIN webhook w ON w.organisation_id = a.org
            WHERE a.event = ANY(w.events) AND (a.purpose IS NULL OR w.purpose = a.purpose)
           UNION
           SELECT a.event_id, w.id FROM audience a JOIN webhook w ON a.org IS NULL AND a.event = ANY(w.events) AND (a.purpose IS NULL OR w.purpose = a.purpose)),
         queued AS (
           INSERT INTO webhook_delivery (webhook_id, event_id, event, record_id, record_version)
           SELECT w.id, o.id, o.event, o.record_id, o.version FROM matched m JOIN claimed o ON o.id = m.event_id JOIN webhook w ON w.id = m.webhook_id
            WHERE o.audience IS NULL OR w.organisation_id = ANY(o.audience)
           ORDER BY o.id
           ON CONFLICT DO NOTHING
           RETURNING webhook_id),
         marked AS (UPDATE outbox o SET dispatched_at = now() FROM claimed c WHERE o.id = c.id),
         due AS (
           SELECT webhook_id, min(next_attempt_at) AS due_at FROM webhook_delivery
            WHERE status = 'PENDING' AND next_attempt_at <= now() GROUP BY webhook_id
           UNION ALL SELECT DISTINCT webhook_id, now() FROM queued)
       SELECT (SELECT count(*)::int FROM claimed) AS events,
              (SELECT array_agg(webhook_id ORDER BY due_at) FROM (SELECT webhook_id, min(due_at) AS due_at FROM due GROUP BY webhook_id) w) AS webhooks`,
    });
    return { webhooks: rows[0].webhooks ?? [], more: rows[0].events >= DISPATCH_LIMIT, events: rows[0].events };
  };

  /**
   * Claims up to BATCH due deliveries of one webhook, in event order, each the earliest delivery
   * still pending for its record: a record's events go in version order (a later one waits while
   * an earlier one is pending, retried later or being delivered by another slot or replica). The
   * heads are found in one pass over the webhook's pending deliveries; the status and due time
   * are checked again on each row as it is locked (another replica may have delivered it
   * meanwhile). The claimed rows are found by key (`= ANY` of the heads) and not joined to the
   * queue again: a queue's statistics are often stale (taken when nothing was pending), and the
   * joins of the earlier form became nested loops over the whole table (4.9 ms per claim of
   * about 30 rows in the benchmark).
   */
  const claim = async (client: PoolClient, webhookId: string): Promise<Claimed[]> => {
    const { rows } = await client.query<Claimed>({
      name: 'webhooks-claim',
      text: `WITH heads AS MATERIALIZED (
         SELECT DISTINCT ON (record_id) id, event_id, next_attempt_at FROM webhook_delivery
          WHERE webhook_id = $1 AND status = 'PENDING' ORDER BY record_id, event_id),
       claimed AS (
         SELECT d.id, d.attempts, d.created_at, d.event_id FROM webhook_delivery d
          WHERE d.id = ANY (ARRAY(SELECT id FROM heads WHERE next_attempt_at <= now()))
            AND d.status = 'PENDING' AND d.next_attempt_at <= now()
          ORDER BY d.event_id
          LIMIT ${BATCH}
          FOR UPDATE OF d SKIP LOCKED)
       SELECT c.id AS delivery_id, c.attempts, c.created_at, w.id AS webhook_id, w.organisation_id, w.url, w.selection, w.purpose,
              w.secret, w.previous_secret, w.previous_secret_until, o.id::text AS event_id, o.event, o.record_type, o.record_id,
              o.version, o.acting_org_id, o.audience, o.occurred_at
         FROM claimed c CROSS JOIN (SELECT * FROM webhook WHERE id = $1) w
         JOIN outbox o ON o.id = c.event_id
        ORDER BY c.event_id`,
      values: [webhookId],
    });
    return rows;
  };

  /**
   * The bodies of a webhook's claimed deliveries, read together as its organisation sees the
   * graph now (one context, so the records and their relations load in one batch); null where
   * the organisation may not (or no longer) see the record.
   */
  const payloads = async (batch: Claimed[]): Promise<(string | null)[]> => {
    const [first] = batch;
    let document = documents.get(first.webhook_id + first.selection);
    if (!document) {
      document = deliveryDocument(first.selection, first.selection);
      documents.set(first.webhook_id + first.selection, document);
    }
    // As the organisation's engagement managers see the graph, under the creator's purpose of use.
    const viewer = webhookViewer(first.webhook_id, first.organisation_id, first.purpose as ConsentPurpose);
    const events = batch.map(
      (c): ChangeEvent => ({
        id: c.event_id,
        type: c.event,
        recordType: c.record_type,
        recordId: c.record_id,
        version: c.version,
        actingOrgId: c.acting_org_id,
        audience: c.audience,
        occurredAt: c.occurred_at,
      }),
    );
    const results = await executeChanges(reader, viewer, { document, operationName: DELIVERY_OPERATION }, events);
    return results.map((result, i) => {
      if (!result) return null;
      const c = batch[i];
      const data = result.data as { changes?: { record?: unknown } } | null | undefined;
      return JSON.stringify({
        delivery: toGlobalId('WebhookDelivery', c.delivery_id),
        event: { id: c.event_id, type: c.event, recordType: c.record_type, version: c.version, occurredAt: c.occurred_at.toISOString() },
        record: data?.changes?.record ?? null,
        ...(result.errors ? { errors: result.errors } : {}),
      });
    });
  };

  const post = (c: Claimed, body: string): Promise<{ status: number | null; error: string | null }> =>
    new Promise((resolve) => {
      const now = Math.floor(Date.now() / 1000);
      const secrets = [c.secret, ...(c.previous_secret && c.previous_secret_until && c.previous_secret_until > new Date() ? [c.previous_secret] : [])];
      const send = c.url.startsWith('https:') ? httpsRequest : httpRequest;
      let settled = false;
      const done = (status: number | null, error: string | null): void => {
        if (settled) return;
        settled = true;
        resolve({ status, error });
      };
      const req = send(
        c.url,
        {
          method: 'POST',
          agent: agents.agentFor(c.url),
          timeout: settings.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'AllianceGraph-Webhooks/1',
            [SIGNATURE_HEADER]: signatureHeader(secrets, now, body),
            'x-alliance-event': c.event,
            'x-alliance-event-id': c.event_id,
            'x-alliance-delivery': toGlobalId('WebhookDelivery', c.delivery_id),
          },
        },
        (res: IncomingMessage) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            done(status, status >= 200 && status < 300 ? null : `HTTP ${status}`);
          });
          res.on('error', () => done(res.statusCode ?? null, 'the response broke off'));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        done(null, `no answer within ${settings.timeoutMs} ms`);
      }, settings.timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (error: NodeJS.ErrnoException) => done(null, describe(error)));
      req.end(body);
    });

  /**
   * One batch of one webhook, start to end, in one transaction that holds its row locks: read,
   * POST (the batch's requests in parallel), record every outcome in one statement. `full` is
   * called as soon as a full batch is claimed (the webhook may have more due).
   */
  const deliverBatch = async (webhookId: string, full: () => void): Promise<void> => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const batch = await claim(client, webhookId);
      if (batch.length === 0) {
        await client.query('COMMIT');
        return;
      }
      if (batch.length === BATCH) full();
      const bodies = await payloads(batch);
      // Not (or no longer) visible to the organisation: never sent, and never listed.
      const hidden = batch.filter((_c, i) => bodies[i] === null).map((c) => c.delivery_id);
      if (hidden.length) await client.query('DELETE FROM webhook_delivery WHERE id = ANY($1)', [hidden]);
      const sent = batch.flatMap((c, i) => (bodies[i] === null ? [] : [{ c, body: bodies[i] as string }]));
      const outcomes = await Promise.all(sent.map(({ c, body }) => post(c, body)));
      const rows = sent.map(({ c }, i) => {
        const { status, error } = outcomes[i];
        if (!error) return { id: c.delivery_id, status: 'DELIVERED', code: status, error: null, delay: 0 };
        const delay = backoff(c.attempts + 1, settings);
        const dead = Date.now() + delay - c.created_at.getTime() > settings.retryForMs;
        if (dead) logger.warn({ webhook: c.webhook_id, event: c.event_id, attempts: c.attempts + 1 }, 'webhook delivery dead-lettered');
        return { id: c.delivery_id, status: dead ? 'DEAD' : 'PENDING', code: status, error, delay };
      });
      if (rows.length) {
        await client.query({
          name: 'webhooks-record',
          text: `UPDATE webhook_delivery d SET status = v.status, attempts = d.attempts + 1, last_status_code = v.code, last_error = v.error,
             delivered_at = CASE WHEN v.status = 'DELIVERED' THEN now() END, next_attempt_at = now() + v.delay * interval '1 millisecond'
           FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[]) AS v(id, status, code, error, delay) WHERE d.id = v.id`,
          values: [rows.map((r) => r.id), rows.map((r) => r.status), rows.map((r) => r.code), rows.map((r) => r.error), rows.map((r) => r.delay)],
        });
      }
      await client.query('COMMIT');
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(broken);
    }
  };

  let prunedAt = 0;
  const prune = async (): Promise<void> => {
    if (Date.now() - prunedAt < 3_600_000) return;
    prunedAt = Date.now();
    await pool.query(`DELETE FROM outbox WHERE dispatched_at < now() - make_interval(days => $1)`, [OUTBOX_RETENTION_DAYS]);
  };

  /**
   * One round: fan out, then deliver every due batch, `concurrency` at a time (a slow receiver
   * holds one slot). A full batch puts its webhook back in the queue as soon as it is claimed, so
   * that free slots deliver its next batches meanwhile; for at most ROUND_MS, then the next round
   * fans out what committed since. True: a limit was reached and more work is waiting.
   */
  const round = async (): Promise<boolean> => {
    await prune();
    const { webhooks, more, events } = await dispatch();
    if (events > 0 || webhooks.length > 0) busyAt = roundAt;
    const started = Date.now();
    const queue = [...webhooks];
    let again = more;
    let active = 0;
    let failure: unknown = null;
    await new Promise<void>((resolve) => {
      const next = (): void => {
        while (active < settings.concurrency && queue.length > 0 && !stopped && failure === null) {
          const webhookId = queue.shift() as string;
          active += 1;
          const full = (): void => {
            again = true;
            if (Date.now() - started < ROUND_MS) {
              queue.push(webhookId);
              next();
            }
          };
          deliverBatch(webhookId, full)
            .catch((error: unknown) => {
              failure ??= error;
            })
            .finally(() => {
              active -= 1;
              next();
            });
        }
        if (active === 0) resolve();
      };
      next();
    });
    if (failure !== null) throw failure;
    return again;
  };

  let pending: NodeJS.Timeout | null = null;
  /** When the current (or last) round began, and the last round that found events or due deliveries. */
  let roundAt = 0;
  let busyAt = 0;
  const loop = async (): Promise<void> => {
    let again = false;
    try {
      again = await round();
    } catch (error) {
      if (!stopped) logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'webhook worker: a round failed');
    }
    running = false;
    if (stopped) idle?.();
    // A backlog: at once. Commits meanwhile: after the gathering delay, like any wake.
    else if (again) start();
    else if (wanted) schedule();
  };
  const start = (): void => {
    wanted = false;
    running = true;
    roundAt = Date.now();
    void loop();
  };
  // Commits come in bursts: a wake waits a little so that one round serves many events, and
  // under a steady stream the next round waits until pollMs after the last busy one began.
  const schedule = (): void => {
    pending = setTimeout(
      () => {
        pending = null;
        if (!stopped && !running) start();
      },
      Math.max(WAKE_DELAY_MS, busyAt + settings.pollMs - Date.now()),
    );
  };
  const wake = (): void => {
    wanted = true;
    if (stopped || running || pending) return;
    schedule();
  };

  const unsubscribe = feed?.subscribe(() => wake());
  const poll = setInterval(wake, settings.pollMs);
  poll.unref();
  wake();

  return {
    wake,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (pending) clearTimeout(pending);
      clearInterval(poll);
      unsubscribe?.();
      if (running) await new Promise<void>((resolve) => (idle = resolve));
      agents.destroy();
      await pool.end();
    },
  };
}

/** Exponential backoff with jitter: about base·2^(n−1), capped, each between half and all of it. */
export function backoff(attempt: number, settings: Pick<WebhookWorkerSettings, 'retryBaseMs' | 'retryMaxDelayMs'>): number {
  const ceiling = Math.min(settings.retryMaxDelayMs, settings.retryBaseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** A transport failure, said without the address it went to. */
function describe(error: NodeJS.ErrnoException): string {
  if (/is not allowed/i.test(error.message)) return 'refused: the host resolves to an address that is not public';
  return error.code ? `connection failed (${error.code})` : 'connection failed';
}

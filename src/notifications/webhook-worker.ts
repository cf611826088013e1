import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DocumentNode } from 'graphql';
import { Pool, type PoolClient } from 'pg';
import { organisationRule } from '../access/record-rules';
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
  /** Deliveries in flight at once (each holds its row lock on a connection of the worker's pool). */
  concurrency: number;
  /** First retry after about this long; each next one twice as long (with jitter), up to maxDelayMs. */
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** Retried this long after the event was queued, then dead-lettered. */
  retryForMs: number;
  /** A receiver must answer within this (well under the database's idle-in-transaction timeout). */
  timeoutMs: number;
  /** Due retries are looked for at least this often (NOTIFY wakes the worker at once for new events). */
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
 * Whether webhook `w`'s organisation may see outbox event `o`'s record now, by the record rules
 * themselves: deliveries are queued only where they may be sent (the delivery checks again, as
 * the organisation sees the record then).
 */
const VISIBLE_TO_WEBHOOK = `CASE o.record_type ${(
  [
    ['Stakeholder', 'stakeholder'],
    ['Partnership', 'partnership'],
    ['Commitment', 'commitment'],
    ['Contract', 'contract'],
    ['Interaction', 'interaction'],
    ['Affiliation', 'affiliation'],
  ] as const
)
  .map(([type, table]) => `WHEN '${type}' THEN EXISTS (SELECT 1 FROM ${table} r WHERE r.id = o.record_id AND ${organisationRule(type, 'r', 'w.organisation_id', 'w.purpose')})`)
  .join(' ')} ELSE FALSE END`;

/** Deliveries of one webhook claimed, read and recorded together. */
const BATCH = 50;

/** How long a wake waits to gather the events committed meanwhile. */
const WAKE_DELAY_MS = 200;

/** Delivered and dead events (and their deliveries) are kept this long for the organisations to look at, then pruned. */
export const OUTBOX_RETENTION_DAYS = 30;

/** Only one replica fans out at a time, so deliveries are queued in outbox order. */
const DISPATCH_LOCK = 0x616c6c69; // 'alli'

/**
 * The delivery worker of one replica. Fan-out: the outbox's new events become one delivery row per
 * matching webhook (in one statement, under an advisory lock). Delivery: each slot claims one due
 * delivery with FOR UPDATE SKIP LOCKED — none whose record has an earlier delivery still pending
 * for the same webhook, so a record's events arrive in version order — reads the record as the
 * organisation sees it now, POSTs it signed, and records the outcome in the same transaction. If
 * the process dies mid-delivery its connection closes, the lock goes with it, and another
 * replica delivers the event: exactly once normally, at least once under crashes.
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
    options: `-c TimeZone=UTC -c jit=off -c synchronous_commit=off -c idle_in_transaction_session_timeout=${settings.timeoutMs + 5_000}`,
  });
  // A connection lost while idle, or while checked out (its query fails on its own): not a crash.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const agents = deliveryAgents(settings.production);
  const documents = new Map<string, DocumentNode>();
  let stopped = false;
  let running = 0;
  let wanted = false;
  let idle: (() => void) | null = null;

  const dispatch = async (): Promise<number> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [DISPATCH_LOCK]);
      if (!rows[0].locked) {
        await client.query('ROLLBACK');
        return 0;
      }
      const result = await client.query(
        `WITH claimed AS (SELECT id FROM outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED),
         queued AS (
           INSERT INTO webhook_delivery (webhook_id, event_id, event, record_id, record_version)
           SELECT w.id, o.id, o.event, o.record_id, o.version FROM outbox o JOIN claimed c ON c.id = o.id
             JOIN webhook w ON o.event = ANY(w.events) AND (o.audience IS NULL OR w.organisation_id = ANY(o.audience))
           WHERE ${VISIBLE_TO_WEBHOOK}
           ORDER BY o.id
           ON CONFLICT DO NOTHING)
         UPDATE outbox SET dispatched_at = now() WHERE id IN (SELECT id FROM claimed)`,
      );
      await client.query('COMMIT');
      return result.rowCount ?? 0;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  /**
   * Claims up to BATCH due deliveries of one webhook (the one whose delivery is due first), none
   * whose record has an earlier delivery still pending: a record's events go in version order.
   */
  const claim = async (client: PoolClient): Promise<Claimed[]> => {
    const due = `d.status = 'PENDING' AND d.next_attempt_at <= now()
          AND NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.webhook_id = d.webhook_id AND e.record_id = d.record_id
                            AND e.status = 'PENDING' AND e.event_id < d.event_id)`;
    const { rows } = await client.query<Claimed>(
      `WITH first AS (
         SELECT d.webhook_id FROM webhook_delivery d WHERE ${due} ORDER BY d.next_attempt_at, d.event_id LIMIT 1 FOR UPDATE OF d SKIP LOCKED)
       SELECT d.id AS delivery_id, d.attempts, d.created_at, w.id AS webhook_id, w.organisation_id, w.url, w.selection, w.purpose,
              w.secret, w.previous_secret, w.previous_secret_until, o.id::text AS event_id, o.event, o.record_type, o.record_id,
              o.version, o.acting_org_id, o.audience, o.occurred_at
         FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id JOIN outbox o ON o.id = d.event_id
        WHERE d.webhook_id = (SELECT webhook_id FROM first) AND ${due}
        ORDER BY d.event_id
        LIMIT ${BATCH}
        FOR UPDATE OF d SKIP LOCKED`,
    );
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
   * One batch, start to end, in one transaction that holds its row locks: read, POST (the
   * batch's requests in parallel), record every outcome in one statement. False: nothing was due.
   */
  const deliverBatch = async (): Promise<boolean> => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const batch = await claim(client);
      if (batch.length === 0) {
        await client.query('COMMIT');
        return false;
      }
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
        await client.query(
          `UPDATE webhook_delivery d SET status = v.status, attempts = d.attempts + 1, last_status_code = v.code, last_error = v.error,
             delivered_at = CASE WHEN v.status = 'DELIVERED' THEN now() END, next_attempt_at = now() + v.delay * interval '1 millisecond'
           FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[]) AS v(id, status, code, error, delay) WHERE d.id = v.id`,
          [rows.map((r) => r.id), rows.map((r) => r.status), rows.map((r) => r.code), rows.map((r) => r.error), rows.map((r) => r.delay)],
        );
      }
      await client.query('COMMIT');
      return true;
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

  const loop = async (): Promise<void> => {
    while (!stopped && wanted) {
      wanted = false;
      try {
        await prune();
        await dispatch();
        // One batch first; the other slots only when there was one.
        if (await deliverBatch()) {
          const slots = Array.from({ length: settings.concurrency }, async () => {
            while (!stopped && (await deliverBatch()));
          });
          await Promise.all(slots);
        }
      } catch (error) {
        if (!stopped) logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'webhook worker: a round failed');
      }
    }
    running -= 1;
    if (running === 0) idle?.();
  };

  // Commits come in bursts: a wake waits a few milliseconds so one round serves many events.
  let pending: NodeJS.Timeout | null = null;
  const wake = (): void => {
    wanted = true;
    if (stopped || running > 0 || pending) return;
    pending = setTimeout(() => {
      pending = null;
      if (stopped || running > 0) return;
      running += 1;
      void loop();
    }, WAKE_DELAY_MS);
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
      if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
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

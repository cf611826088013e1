import { Client } from 'pg';
import type { Logger } from '../shared/logger';
import { CHANGE_CHANNEL, parseChangeEvent, type ChangeEvent } from '../shared/outbox';

type Listener = (event: ChangeEvent) => void;

/**
 * This replica's ear on the change feed: one connection LISTENing on the outbox's NOTIFY channel
 * (NOTIFY is sent at commit, so only committed events arrive, in commit order). When the
 * connection drops it reconnects with backoff and reads the events it missed from the outbox, so
 * a live subscription skips none while the database stays up.
 */
export class ChangeFeed {
  private client: Client | null = null;
  private readonly listeners = new Set<Listener>();
  private lastId = 0n;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  /** Calls `listener` with every committed event from now on; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.listeners.clear();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private emit(event: ChangeEvent): void {
    const id = BigInt(event.id);
    if (id <= this.lastId) return;
    this.lastId = id;
    for (const listener of this.listeners) listener(event);
  }

  private async connect(attempt = 0): Promise<void> {
    const client = new Client({ connectionString: this.connectionString, application_name: 'alliance-graph-feed', keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload) this.emit(parseChangeEvent(message.payload));
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (this.lastId === 0n) {
        const { rows } = await client.query<{ id: string | null }>('SELECT max(id)::text AS id FROM outbox');
        this.lastId = BigInt(rows[0].id ?? 0);
      } else {
        await this.catchUp(client);
      }
      this.client = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (attempt === 0 && this.lastId === 0n) throw error;
      this.reconnect(attempt + 1);
    }
  }

  /** Events committed while the connection was down, in order. */
  private async catchUp(client: Client): Promise<void> {
    const { rows } = await client.query<{ event: string }>(
      `SELECT json_build_object('id', id::text, 'type', event, 'recordType', record_type, 'recordId', record_id, 'version', version,
         'actingOrgId', acting_org_id, 'audience', audience, 'occurredAt', occurred_at)::text AS event
         FROM outbox WHERE id > $1 ORDER BY id LIMIT 10000`,
      [this.lastId.toString()],
    );
    for (const row of rows) this.emit(parseChangeEvent(row.event));
  }

  private lost(client: Client): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    this.logger.warn('change feed: connection lost, reconnecting');
    void client.end().catch(() => undefined);
    this.reconnect(1);
  }

  private reconnect(attempt: number): void {
    if (this.closed) return;
    const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7));
    this.retry = setTimeout(() => void this.connect(attempt), delay);
    this.retry.unref();
  }
}

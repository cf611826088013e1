// The peer of `npm run bench -- --peer`: PostGraphile v5 with the Amber preset (no permissions)
// on the benchmark's database, in production mode. bench/run.ts starts it with the Node 22
// binary of the `node` devDependency (PostGraphile 5 needs Node >= 22; the project runs on 20).
// Like bench/server-process.ts it answers 'stats' and 'stop' over IPC. Its CPU time is read by
// the parent from /proc/<pid>/stat, its statements from pg_stat_statements (see bench/run.ts).
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { printSchema } from 'postgraphile/graphql';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const connectionString = process.env.BENCH_PEER_DB_URL;
if (!connectionString) throw new Error('BENCH_PEER_DB_URL is set by bench/run.ts');

const pgService = makePgService({ connectionString, schemas: ['public'], pubsub: false, poolConfig: { max: 10 } });
const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [pgService],
  grafserv: { graphiql: false, watch: false, websockets: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
await serv.addTo(server);
if (process.env.BENCH_PEER_SCHEMA) writeFileSync(process.env.BENCH_PEER_SCHEMA, printSchema(await pgl.getSchema()));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const { pool } = pgService.adaptorSettings;
process.on('message', (message) => {
  if (message === 'stats') {
    process.send({ rss: process.memoryUsage().rss, busy: pool.totalCount - pool.idleCount + pool.waitingCount });
  } else if (message === 'stop') {
    server.close();
    void pgl.release().then(() => process.exit(0));
  }
});
process.send({ ready: `http://127.0.0.1:${server.address().port}/graphql` });

import 'reflect-metadata';
import { createTokenVerifier } from './access/token';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './database/database';
import { takeOverSignals } from './database/embedded';
import { startHttpServer } from './graphql/http';
import { configureSealing } from './shared/sealing';
import { isDatabaseEmpty, seedDemo } from '../seeds/demo';

/** Bootstrap only: config → database → server, and a clean stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  configureSealing(config.idSecret);
  const database = await openDatabase(config);
  const db = database.dataSource;
  if (config.seedOnEmpty && (await isDatabaseEmpty(db))) {
    const report = await seedDemo(db);
    console.log(`empty database: loaded the demo alliance (${report.rows} rows in ${report.ms} ms)`);
  }
  const verifyToken = createTokenVerifier(config);
  const http = await startHttpServer({
    db,
    verifyToken,
    port: config.port,
    host: config.host,
    introspection: config.nodeEnv !== 'production',
  });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining requests and stopping`);
    const force = setTimeout(() => {
      console.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      await http.stop();
      await database.close();
      process.exit(0);
    } catch (error) {
      console.error('error while stopping', error);
      process.exit(1);
    }
  };
  takeOverSignals();
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  console.log(
    [
      '',
      `Alliance Graph is serving GraphQL at ${http.url}`,
      `  database: ${database.description}`,
      '  open that address in a browser for the explorer; every data field needs a bearer token:',
      '    npm run --silent token -- --role ADMIN',
      `  then send the header  Authorization: Bearer <token>`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

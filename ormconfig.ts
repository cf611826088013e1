// DataSource for the TypeORM CLI (`npm run migration:run|revert|generate`). It needs
// DATABASE_URL; `npm start` applies migrations by itself, embedded database included.
import 'reflect-metadata';
import { createDataSource } from './src/database/data-source';

const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('Set DATABASE_URL for the TypeORM CLI (npm start needs no setup: it migrates on its own).');
}

export const dataSource = createDataSource({ url, logSql: true });

import type { DataSource } from 'typeorm';

export function createAffiliationLoaders(_db: DataSource) {
  return {};
}

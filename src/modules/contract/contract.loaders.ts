import type { DataSource } from 'typeorm';

export function createContractLoaders(_db: DataSource) {
  return {};
}

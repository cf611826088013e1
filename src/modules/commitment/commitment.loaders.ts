import type { DataSource } from 'typeorm';

export function createCommitmentLoaders(_db: DataSource) {
  return {};
}

import type { DataSource } from 'typeorm';

export function createInteractionLoaders(_db: DataSource) {
  return {};
}

import type { DataSource } from 'typeorm';

export function createPartnershipLoaders(_db: DataSource) {
  return {};
}

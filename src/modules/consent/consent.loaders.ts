import type { DataSource } from 'typeorm';

export function createConsentLoaders(_db: DataSource) {
  return {};
}

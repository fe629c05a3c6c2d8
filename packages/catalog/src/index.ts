// The database-free rules (names, Delta types, privileges, grant resolution, the snapshot schema).

export * from './alert-rules.js';
export * from './audit.js';
export * from './catalogs.js';
export * from './contract.js';
export * from './credentials.js';
export * from './deletion-impact.js';
export * from './grants.js';
export * from './ingest-nodes.js';
export * from './metric-history.js';
export * from './open-catalog.js';
export * from './principals.js';
export * from './producer-access.js';
export * as schema from './schema.js';
export * from './schema-versions.js';
export { hashSecret, verifySecret } from './secret-hash.js';
export * from './snapshot.js';
export * from './stream-history.js';
export * from './tables.js';

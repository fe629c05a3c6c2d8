// The catalog's test helpers (`@lakestream/catalog/test-support`; source only, never built): a throwaway
// PostgreSQL server, fresh databases on it, and the catalog on the engine of the current vitest project.

export {
  createDatabase,
  findPostgresBin,
  type PostgresServer,
  startPostgresServer,
} from './postgres-server.js';
export { ADMIN, seededCatalog } from './seed.js';
export { openTestCatalog, sqlRows, TEMPLATE_DATABASE, testEngine } from './test-catalog.js';

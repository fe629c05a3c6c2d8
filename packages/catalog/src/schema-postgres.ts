import { toPostgresTables } from './db/postgres-tables.js';
import * as schema from './schema.js';

/*
 * schema.ts on PostgreSQL, for drizzle-kit (`drizzle-pg.config.ts`): the same tables, turned into pg-core ones
 * by `toPostgresTables`. The catalog itself uses `postgresTables` (db/postgres-driver.ts), built the same way.
 */
export const {
  Catalogs,
  Schemas,
  Tables,
  Columns,
  TableSchemaVersions,
  Principals,
  Grants,
  Credentials,
  AuditLog,
  CatalogVersion,
  StreamHistory,
  IngestNodes,
  IngestNodeLoad,
  MetricHistory,
  AlertRules,
  AlertEvents,
} = toPostgresTables(schema);

/**
 * `@lakestream/catalog/contract`: the catalog's rules that need no database, for every side of the contract —
 * the catalog itself, ingest nodes (which validate the provisioned snapshot and decide writes with the same
 * grant resolution) and the console's browser code (which offers the same privileges, types and alert kinds). Loads no
 * SQLite, drizzle or Node built-ins: only zod and `@lakestream/delta/schema`.
 */
export * from './alert-kinds.js';
export * from './catalog-error.js';
export * from './column-diff.js';
export * from './delta-types.js';
export * from './grant-resolution.js';
export * from './names.js';
export * from './snapshot-schema.js';

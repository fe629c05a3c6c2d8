/**
 * packages/catalog as the console uses it, loaded by Node at run time instead of bundled by Next.
 *
 * Why: the catalog finds its migrations with `new URL('../drizzle', import.meta.url)`, which a bundler
 * rewrites (Turbopack fails the build on it), and `serverExternalPackages` does not apply to workspace
 * packages, which resolve outside node_modules (vercel/next.js#84388). An import the bundler is told to
 * ignore is resolved by Node from the server chunk, through the workspace's node_modules link. Server code
 * imports catalog values from here; types may come from '@lakestream/catalog' directly.
 */
import type * as CatalogModule from '@lakestream/catalog';

const catalog: typeof CatalogModule = await import(
  /* turbopackIgnore: true */ /* webpackIgnore: true */ '@lakestream/catalog'
);

export const {
  ANONYMOUS,
  PRIVILEGES,
  SECURABLE_TYPES,
  SYSTEM_ACTOR,
  USER_ROLES,
  addColumns,
  assertRole,
  buildProvisioningSnapshot,
  canWrite,
  columnsSchema,
  createCatalog,
  createCredential,
  createSchema,
  createServicePrincipal,
  createTable,
  createUser,
  effectivePermissions,
  findPrincipal,
  formatTableName,
  getCatalogVersion,
  getCredential,
  getPrincipal,
  getRegisteredNode,
  getTable,
  grantPrivilege,
  grantProducerAccess,
  isCatalogError,
  isNodeReachable,
  lastStoredSeq,
  lastStreamErrors,
  listAuditLog,
  listCatalogs,
  listCredentials,
  listGrants,
  listRegisteredNodes,
  listPrincipals,
  listSchemas,
  listSchemaVersions,
  listStreamHistory,
  listTables,
  mayStream,
  missingPrivileges,
  NODE_STATES,
  nodeLoadHistory,
  openCatalog,
  parseColumns,
  parseTableName,
  pruneRegisteredNodes,
  pruneStreamHistory,
  recordHeartbeat,
  recordEndedStreams,
  recordEvent,
  revokeCredential,
  revokePrivilege,
  rotateCredential,
  setPrincipalDisabled,
  setUserRole,
  toDeltaSchema,
  toPostgresTables,
  verifyClientSecret,
} = catalog;

/** The provisioned catalog of an ingest node: snapshot format, read model, on-disk store. */

export {
  type ApplyResult,
  type CatalogStore,
  type CatalogStoreOptions,
  openCatalogStore,
} from './catalog-store.js';
export type * from './catalog-view.js';
export { createCatalogView } from './create-catalog-view.js';
export { createMemoryCatalogSource, type MemoryCatalogSource } from './memory-catalog-source.js';
export { isProvisioningError, ProvisioningError, type ProvisioningErrorCode } from './provisioning-error.js';
export { snapshotFixture } from './snapshot-fixture.js';
export {
  type CatalogSnapshot,
  type CatalogSnapshotInput,
  catalogSnapshotSchema,
  emptyCatalogSnapshot,
  PRIVILEGES,
  type Privilege,
  parseCatalogSnapshot,
} from './snapshot-schema.js';

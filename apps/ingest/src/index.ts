/** The ingest node as a library: open a node, its authenticator, catalog store, config, metrics and logger. */
export { type AuthenticatorOptions, createAuthenticator, createProducerToken } from './auth/index.js';
export type { ProvisionedTable } from './catalog/catalog-view.js';
export {
  type CatalogStore,
  type CatalogStoreOptions,
  createMemoryCatalogSource,
  type MemoryCatalogSource,
  openCatalogStore,
} from './catalog/index.js';
export {
  CONFIG_OPTIONS,
  type ConfigOption,
  type IngestConfig,
  type LoadedConfig,
  loadConfig,
} from './config.js';
export { createLogger, createMetrics, type IngestMetrics } from './metrics/index.js';
export { type DataFileOptions, DEFAULT_DATA_FILE_OPTIONS } from './publish/table-publisher.js';
export { type IngestNode, type IngestNodeOptions, type NodeMetrics, openIngestNode } from './server-node.js';

/** The ingest node as a library: open a node, its authenticator, catalog store, config, metrics and logger. */
export { type AuthenticatorOptions, createAuthenticator } from './auth/create-authenticator.js';
export { createProducerToken } from './auth/producer-token.js';
export { type CatalogStore, type CatalogStoreOptions, openCatalogStore } from './catalog/catalog-store.js';
export type { ProvisionedTable } from './catalog/catalog-view.js';
export { createMemoryCatalogSource, type MemoryCatalogSource } from './catalog/memory-catalog-source.js';
export {
  CONFIG_OPTIONS,
  type ConfigOption,
  type IngestConfig,
  type LoadedConfig,
  loadConfig,
} from './config.js';
export { createMetrics, type IngestMetrics } from './metrics/create-metrics.js';
export { createLogger } from './metrics/logger.js';
export { type DataFileOptions, DEFAULT_DATA_FILE_OPTIONS } from './publish/table-publisher.js';
export { type IngestNode, type IngestNodeOptions, type NodeMetrics, openIngestNode } from './server-node.js';

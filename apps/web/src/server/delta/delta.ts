/**
 * packages/delta as the console uses it (table history, previews and the record browser, table locations), loaded by Node at run time instead of
 * bundled by Next — for the same reason as catalog.ts: Turbopack bundles workspace packages even when listed
 * in `serverExternalPackages`, and delta starts its Parquet workers from a file it finds by `import.meta.url`.
 * Server code imports delta values from here; types may come from '@lakestream/delta' directly.
 */
import type * as DeltaModule from '@lakestream/delta';

const delta: typeof DeltaModule = await import(
  /* turbopackIgnore: true */ /* webpackIgnore: true */ '@lakestream/delta'
);

export const {
  deleteTableFiles,
  encodeParquetStream,
  isDeltaError,
  openStorage,
  openTable,
  parseJson,
  parseStorageLocation,
  readDataFile,
  resolveTableLocation,
} = delta;

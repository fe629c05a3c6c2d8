import type { CatalogSource, ProvisionedCatalog } from './catalog-view.js';
import { createCatalogView } from './create-catalog-view.js';
import { parseCatalogSnapshot } from './snapshot-schema.js';

/** A catalog source held in memory only; `replace` swaps the snapshot and tells the subscribers. */
export interface MemoryCatalogSource extends CatalogSource<ProvisionedCatalog> {
  /** Validates `snapshot` (throws `ProvisioningError('INVALID_SNAPSHOT')`) and makes it current. No version rules. */
  replace(snapshot: unknown): void;
}

/**
 * A `CatalogSource` over a snapshot in memory, with no disk and no version rules: for tests of the stream
 * handlers and the authenticator, and for embedding. Throws `ProvisioningError('INVALID_SNAPSHOT')` for a bad one.
 */
export function createMemoryCatalogSource(snapshot: unknown): MemoryCatalogSource {
  let view = createCatalogView(parseCatalogSnapshot(snapshot));
  const listeners = new Set<(view: ProvisionedCatalog) => void>();
  return {
    current: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    replace(next) {
      view = createCatalogView(parseCatalogSnapshot(next));
      for (const listener of [...listeners]) listener(view);
    },
  };
}

import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE } from '../base/file-modes.js';
import { isAtomicTempFile, writeFileAtomic } from '../base/write-file-atomic.js';
import { toCanonicalJson } from './canonical-json.js';
import type { CatalogSource, ProvisionedCatalog } from './catalog-view.js';
import { createCatalogView } from './create-catalog-view.js';
import { isProvisioningError, ProvisioningError } from './provisioning-error.js';
import { type CatalogSnapshot, emptyCatalogSnapshot, parseCatalogSnapshot } from './snapshot-schema.js';

/** Options of `openCatalogStore`. */
export interface CatalogStoreOptions {
  /** The node's data directory; the snapshot lives at `<dataDir>/catalog/snapshot.json`. */
  readonly dataDir: string;
  /**
   * A snapshot file (same JSON) for development and tests. Used when its version is at least the stored
   * one's; a later push with a higher version wins over it. It is read once, at open.
   */
  readonly provisioningFile?: string | undefined;
  /** Where an exception thrown by a subscriber goes (default: `process.emitWarning`). Others still run. */
  readonly onListenerError?: (error: unknown) => void;
}

/** What `apply` did. */
export interface ApplyResult {
  /** The node's catalog version after the call. */
  readonly version: number;
  /** False when the snapshot was the one already in force (same version, same content). */
  readonly changed: boolean;
}

/** The node's provisioned catalog: the current snapshot, kept on disk, replaced by pushes. */
export interface CatalogStore extends CatalogSource<ProvisionedCatalog> {
  /**
   * Validates a pushed snapshot (parsed JSON), refuses a version below the current one (`STALE_VERSION`;
   * an equal version is accepted as a no-op only with equal content), writes it atomically, then makes it
   * current and calls the subscribers. Calls are applied one at a time, in call order.
   * Throws `ProvisioningError` `INVALID_SNAPSHOT`, `STALE_VERSION` or `IO` (nothing changes then).
   */
  apply(snapshot: unknown): Promise<ApplyResult>;
  /** Where the snapshot is stored. */
  readonly snapshotPath: string;
}

/**
 * Opens the catalog of a node: loads `<dataDir>/catalog/snapshot.json` (the last pushed snapshot; survives
 * restarts, so the node keeps serving while the control plane is down) and, when given, the provisioning
 * file; the higher version wins (the file on a tie). With neither, the catalog is the empty version 0, which
 * refuses every token and table until the first push. Throws `ProvisioningError` when a file exists but is not
 * a valid snapshot (`INVALID_SNAPSHOT`) or cannot be read (`IO`).
 */
export async function openCatalogStore(options: CatalogStoreOptions): Promise<CatalogStore> {
  const dir = join(options.dataDir, 'catalog');
  const snapshotPath = join(dir, 'snapshot.json');
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    for (const name of await readdir(dir)) {
      if (isAtomicTempFile(name, 'snapshot.json')) await rm(join(dir, name), { force: true });
    }
  } catch (error) {
    throw new ProvisioningError('IO', `cannot prepare the catalog directory ${dir}: ${describe(error)}`, {
      cause: error,
    });
  }

  let snapshot = (await readSnapshotFile(snapshotPath, 'stored snapshot')) ?? emptyCatalogSnapshot();
  if (options.provisioningFile !== undefined) {
    const provisioned = await readSnapshotFile(options.provisioningFile, 'provisioning file');
    if (provisioned === undefined) {
      throw new ProvisioningError('IO', `the provisioning file ${options.provisioningFile} does not exist`);
    }
    if (provisioned.version >= snapshot.version) snapshot = provisioned;
  }

  let canonical = toCanonicalJson(snapshot);
  let view = createCatalogView(snapshot);
  const listeners = new Set<(view: ProvisionedCatalog) => void>();
  const onListenerError =
    options.onListenerError ??
    ((error: unknown) => process.emitWarning(`catalog subscriber failed: ${describe(error)}`));
  let queue: Promise<unknown> = Promise.resolve();

  const applyNow = async (value: unknown): Promise<ApplyResult> => {
    const next = parseCatalogSnapshot(value);
    const nextCanonical = toCanonicalJson(next);
    if (next.version < view.version) {
      throw new ProvisioningError(
        'STALE_VERSION',
        `snapshot version ${next.version} is older than the node's catalog version ${view.version}`,
      );
    }
    if (next.version === view.version) {
      if (nextCanonical === canonical) return { version: view.version, changed: false };
      throw new ProvisioningError(
        'STALE_VERSION',
        `snapshot version ${next.version} is already in force with different content; push a higher version`,
      );
    }
    try {
      await writeFileAtomic(snapshotPath, `${toCanonicalJson(next, 2)}\n`);
    } catch (error) {
      throw new ProvisioningError(
        'IO',
        `cannot write the catalog snapshot ${snapshotPath}: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
    canonical = nextCanonical;
    view = createCatalogView(next);
    for (const listener of [...listeners]) {
      try {
        listener(view);
      } catch (error) {
        onListenerError(error);
      }
    }
    return { version: view.version, changed: true };
  };

  return {
    snapshotPath,
    current: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    apply(value) {
      const result = queue.then(() => applyNow(value));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

/** Reads and validates a snapshot file; `undefined` when it does not exist. */
async function readSnapshotFile(path: string, what: string): Promise<CatalogSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ProvisioningError('IO', `cannot read the ${what} ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProvisioningError('INVALID_SNAPSHOT', `the ${what} ${path} is not JSON: ${describe(error)}`, {
      cause: error,
    });
  }
  try {
    return parseCatalogSnapshot(value);
  } catch (error) {
    if (isProvisioningError(error)) {
      throw new ProvisioningError('INVALID_SNAPSHOT', `the ${what} ${path} is refused: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import { DeltaError } from '../errors.js';
import { LOG_DIR } from '../log/log-paths.js';
import { assertCanRead } from '../log/protocol.js';
import { openStorage } from '../storage/open-storage.js';
import type { ObjectInfo, Storage } from '../storage/storage.js';
import {
  createReferenceCache,
  type ReferenceCache,
  readReferences,
  referencesAfter,
} from './log-references.js';

/**
 * The default age (7 days) a file must reach before `removeOrphanFiles` may delete it — the retention Delta's
 * own VACUUM applies to files the log does not track, for the same reason: a data file not yet committed may
 * belong to a writer that is still working. Our writers commit seconds after writing a file, but another
 * engine's job (a Spark `OPTIMIZE` or `MERGE`, a batch append) writes its files for as long as it runs and
 * commits them at the end; deleting one of them before its commit would make that commit point at a missing
 * file. A leftover of a crash costs a few megabytes until then.
 */
export const DEFAULT_ORPHAN_MIN_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Options of {@link removeOrphanFiles}. */
export interface RemoveOrphanFilesOptions {
  /**
   * Only files last modified at least this long before `now` are removed (default
   * {@link DEFAULT_ORPHAN_MIN_AGE_MS}, 7 days). Must exceed the longest time any writer of the table takes
   * between writing a data file and committing it; `0` removes every unreferenced file at once (tests, or a
   * table nothing writes to).
   */
  minAgeMs?: number;
  /** The current time, ms since the epoch (default `Date.now()`). */
  now?: number;
  /**
   * What earlier runs read of this table's log (see {@link createReferenceCache}): a periodic caller keeps
   * one per table, so a run reads only the log files written since the last. Default: a fresh one.
   */
  cache?: ReferenceCache;
  /** Stops the run between reads and deletions (it rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** One file `removeOrphanFiles` deleted. */
export interface RemovedFile {
  /** Relative to the table root. */
  readonly path: string;
  readonly bytes: number;
  /** `temp`: an interrupted write's temp file; `data`: a Parquet file no version of the table references. */
  readonly kind: 'temp' | 'data';
}

/** What a `removeOrphanFiles` run did. */
export interface OrphanFilesReport {
  /** The table. */
  readonly location: string;
  readonly removed: readonly RemovedFile[];
  readonly removedBytes: number;
  /**
   * Files left alone, by reason: `referenced` (data files some version references), `young` (temp or
   * unreferenced data files younger than `minAgeMs`), `other` (files in the table root that are neither:
   * not `*.parquet`, or named `_…`). The log itself (`_delta_log/`) is never a candidate and not counted.
   */
  readonly kept: { readonly referenced: number; readonly young: number; readonly other: number };
  /** Deletions that failed (the storage's message); the rest went ahead. */
  readonly failed: readonly { readonly path: string; readonly message: string }[];
  /** Log files (commits, checkpoints) read by this run. */
  readonly logFilesRead: number;
}

/** A data file of the table root as this library and Spark write them: `*.parquet`, not hidden, not `_…`. */
function isDataFile(path: string): boolean {
  return !path.includes('/') && path.endsWith('.parquet') && !path.startsWith('_') && !path.startsWith('.');
}

/**
 * Removes what crashed writers leave in a table (a location `openStorage` takes, or a {@link Storage} with `listDetailed`):
 * temp files of interrupted writes (in the root and `_delta_log/`), and data files in the table root that no
 * version of the table references — no `add` or `remove` in any commit or checkpoint still in `_delta_log/`
 * (a file some version references is kept even after its removal, for time travel; VACUUM of removed files
 * is not done here) — each only once it is `minAgeMs` old (default 7 days, see
 * {@link DEFAULT_ORPHAN_MIN_AGE_MS}). Nothing in `_delta_log/` other than temp files is ever deleted, nor
 * anything in a subfolder (partitioned tables' files are left alone).
 *
 * Order makes it safe beside writers: the files are listed before the log is read, so a file committed before
 * the log is read is seen as referenced; commits made while the run works are read again just before
 * deleting; and a file still being written or waiting for its commit is younger than `minAgeMs`.
 *
 * Errors (and then nothing is deleted): `INVALID_ARGUMENT` (a storage without `listDetailed`, a bad
 * `minAgeMs`, a cache of another table), `TABLE_NOT_FOUND`, `CORRUPT_LOG` (the log cannot be read whole),
 * `UNSUPPORTED_FEATURE` (a table this library cannot read: its references might be where it does not look),
 * `STORAGE`. A failed deletion is reported in `failed`, not thrown.
 */
export async function removeOrphanFiles(
  target: Storage | string,
  options: RemoveOrphanFilesOptions = {},
): Promise<OrphanFilesReport> {
  const storage = typeof target === 'string' ? openStorage(target) : target;
  const location = storage.location;
  const minAgeMs = options.minAgeMs ?? DEFAULT_ORPHAN_MIN_AGE_MS;
  if (!Number.isFinite(minAgeMs) || minAgeMs < 0) {
    throw new DeltaError(
      'INVALID_ARGUMENT',
      `minAgeMs must be a number ≥ 0, got ${minAgeMs} (table ${location})`,
    );
  }
  if (storage.listDetailed === undefined) {
    throw new DeltaError(
      'INVALID_ARGUMENT',
      `the storage of table ${location} cannot list modification times (no listDetailed), so orphan files cannot be told from files being written`,
    );
  }
  const { signal } = options;
  const cutoff = (options.now ?? Date.now()) - minAgeMs;
  const old = (o: ObjectInfo): boolean => o.modifiedMs <= cutoff;

  // The table's files first, the log second: whatever was committed before the log is read counts.
  const rootObjects = await storage.listDetailed('');
  const logObjects = await storage.listDetailed(LOG_DIR);
  signal?.throwIfAborted();
  const refs = await readReferences(storage, options.cache ?? createReferenceCache(), logObjects, signal);
  assertCanRead(refs.protocol, location);

  const kept = { referenced: 0, young: 0, other: 0 };
  const candidates: { info: ObjectInfo; kind: RemovedFile['kind'] }[] = [];
  for (const info of [...rootObjects, ...logObjects]) {
    if (info.temp) {
      if (old(info)) candidates.push({ info, kind: 'temp' });
      else kept.young++;
    } else if (info.path.startsWith(LOG_DIR)) {
      // The log: never a candidate.
    } else if (!isDataFile(info.path)) kept.other++;
    else if (refs.paths.has(info.path)) kept.referenced++;
    else if (!old(info)) kept.young++;
    else candidates.push({ info, kind: 'data' });
  }

  signal?.throwIfAborted();
  // Commits that landed while this ran (a writer that kept a file longer than minAgeMs before committing).
  const late = candidates.some((c) => c.kind === 'data')
    ? await referencesAfter(storage, refs.latest)
    : new Set<string>();
  const removed: RemovedFile[] = [];
  const failed: { path: string; message: string }[] = [];
  for (const { info, kind } of candidates) {
    if (late.has(info.path)) {
      kept.referenced++;
      continue;
    }
    signal?.throwIfAborted();
    try {
      await storage.delete(info.path);
      removed.push({ path: info.path, bytes: info.size, kind });
    } catch (err) {
      failed.push({ path: info.path, message: (err as Error).message });
    }
  }
  return {
    location,
    removed,
    removedBytes: removed.reduce((n, f) => n + f.bytes, 0),
    kept,
    failed,
    logFilesRead: refs.filesRead,
  };
}

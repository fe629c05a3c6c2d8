import {
  createReferenceCache,
  DEFAULT_ORPHAN_MIN_AGE_MS,
  isDeltaError,
  type OrphanFilesReport,
  openStorage,
  type ReferenceCache,
  removeOrphanFiles,
  type Storage,
} from '@lakestream/delta';
import type { Log } from '../base/log.js';
import type { CatalogSource } from '../catalog/catalog-view.js';
import { tableLocation } from '../catalog/table-location.js';

/** The defaults of the table cleanup, read by the code and by `--help` (`src/config.ts`). */
export const ORPHAN_CLEANUP_DEFAULTS = {
  /**
   * `--orphan-file-age-ms`: delta's `DEFAULT_ORPHAN_MIN_AGE_MS`, 7 days — what Delta's VACUUM keeps of files
   * the log does not track, because another engine's job (a Spark OPTIMIZE, MERGE or batch append on the same
   * table) writes its files for as long as it runs and commits them at the end. This node's own files wait
   * seconds for their commit (minutes under a long encoder queue); a crash leftover costs one commit's data.
   */
  minAgeMs: DEFAULT_ORPHAN_MIN_AGE_MS,
  /**
   * `--orphan-cleanup-interval-ms`: hourly. A run lists each table's root and log folders and reads only the
   * log files written since the last run; leftovers are rare (a crash, a failed commit) and wait for their age
   * anyway, so running more often gains nothing.
   */
  intervalMs: 60 * 60 * 1000,
} as const;

/** How the node cleans its tables (`--orphan-file-age-ms`, `--orphan-cleanup-interval-ms`). */
export interface OrphanCleanupOptions {
  /** Files younger than this are never removed (default {@link ORPHAN_CLEANUP_DEFAULTS}`.minAgeMs`). */
  readonly minAgeMs?: number | undefined;
  /** Time between the end of a run and the next; 0 turns the table cleanup off (default: an hour). */
  readonly intervalMs?: number | undefined;
}

/** The counters the cleanups update (`lakestream_orphan_files_removed_total`, `…_bytes_…`), by kind. */
export interface OrphanCleanupMetrics {
  /** `kind`: `data` (unreferenced data files), `temp` (tables' temp files), `state_temp` (the node's own). */
  readonly orphanFilesRemoved: { inc(labels: { kind: string }, value: number): void };
  readonly orphanBytesRemoved: { inc(labels: { kind: string }, value: number): void };
}

/** The periodic cleanup of a node's tables. */
export interface OrphanCleanup extends AsyncDisposable {
  /** Cleans every table now (after a run in progress); one report per table it could clean. */
  run(): Promise<OrphanFilesReport[]>;
  /** Stops the timer, aborts a run in progress and waits for it. */
  close(): Promise<void>;
}

/** Paths logged per table and run at most (the counts are always complete). */
const LOGGED_PATHS = 20;

/**
 * Starts removing crash leftovers from the tables the node publishes to (`tables()`, asked at each run, the
 * names resolved through the catalog): delta's `removeOrphanFiles` — temp files of interrupted writes and
 * data files no version of the table references, once `minAgeMs` old — one table at a time, first right
 * away (in the background: call it once the node serves, it never delays readiness), then `intervalMs`
 * after each run ends. Each table keeps a reference cache, so later runs read only the new log files.
 * A table whose log cannot be read (missing, corrupt, a feature delta cannot read) is left alone with a
 * warning; what was removed is logged (count, bytes, the first paths) and counted.
 */
export function startOrphanCleanup(parts: {
  readonly dataDir: string;
  readonly catalog: CatalogSource;
  readonly tables: () => Iterable<string>;
  readonly log: Log;
  readonly metrics?: OrphanCleanupMetrics | undefined;
  readonly options?: OrphanCleanupOptions | undefined;
  /** The first run waits for it (the node's WAL replay: only then has every table it holds records of a
   * publisher, so `tables()` names them). Default: start at once. */
  readonly startAfter?: Promise<unknown> | undefined;
}): OrphanCleanup {
  const { log, metrics } = parts;
  const minAgeMs = parts.options?.minAgeMs ?? ORPHAN_CLEANUP_DEFAULTS.minAgeMs;
  const intervalMs = parts.options?.intervalMs ?? ORPHAN_CLEANUP_DEFAULTS.intervalMs;
  const abort = new AbortController();
  const tables = new Map<string, { storage: Storage; cache: ReferenceCache }>();
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const report = (table: string, r: OrphanFilesReport): void => {
    for (const kind of ['data', 'temp'] as const) {
      const files = r.removed.filter((f) => f.kind === kind);
      if (files.length === 0) continue;
      metrics?.orphanFilesRemoved.inc({ kind }, files.length);
      metrics?.orphanBytesRemoved.inc(
        { kind },
        files.reduce((n, f) => n + f.bytes, 0),
      );
    }
    const summary = {
      table,
      location: r.location,
      files: r.removed.length,
      bytes: r.removedBytes,
      kept: r.kept,
      logFilesRead: r.logFilesRead,
    };
    if (r.removed.length > 0) {
      const paths = r.removed.slice(0, LOGGED_PATHS).map((f) => f.path);
      log.info({ ...summary, paths }, 'removed orphan files');
    } else log.debug(summary, 'no orphan files');
    if (r.failed.length > 0) {
      log.warn({ table, failed: r.failed.slice(0, LOGGED_PATHS) }, 'could not remove some orphan files');
    }
  };

  const cleanTable = async (name: string): Promise<OrphanFilesReport | undefined> => {
    const table = parts.catalog.current().table(name);
    if (table === undefined) return undefined;
    let location: string;
    let entry: { storage: Storage; cache: ReferenceCache } | undefined;
    try {
      // A location delta refuses, or an object store without credentials: logged, the other tables go on.
      location = tableLocation(parts.dataDir, table);
      entry = tables.get(location) ?? { storage: openStorage(location), cache: createReferenceCache() };
      tables.set(location, entry);
    } catch (err) {
      log.warn({ table: name, location: table.location, err }, 'orphan-file cleanup cannot open the table');
      return undefined;
    }
    try {
      const r = await removeOrphanFiles(entry.storage, {
        minAgeMs,
        cache: entry.cache,
        signal: abort.signal,
      });
      report(name, r);
      return r;
    } catch (err) {
      if (abort.signal.aborted) throw err;
      if (isDeltaError(err, 'TABLE_NOT_FOUND')) log.debug({ table: name, location }, 'no table yet to clean');
      else log.warn({ table: name, location, err }, 'orphan-file cleanup left the table alone');
      return undefined;
    }
  };

  const runAll = async (): Promise<OrphanFilesReport[]> => {
    const reports: OrphanFilesReport[] = [];
    for (const name of new Set(parts.tables())) {
      if (abort.signal.aborted) break;
      const r = await cleanTable(name);
      if (r !== undefined) reports.push(r);
    }
    return reports;
  };

  const run = (): Promise<OrphanFilesReport[]> => {
    const next = chain.then(runAll);
    chain = next.catch(() => undefined);
    return next;
  };

  const schedule = (delayMs: number): void => {
    if (closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      run()
        .catch((err: unknown) => {
          if (!abort.signal.aborted) log.warn({ err }, 'orphan-file cleanup failed');
        })
        .finally(() => schedule(intervalMs));
    }, delayMs);
    timer.unref();
  };
  if (intervalMs > 0) void (parts.startAfter ?? Promise.resolve()).then(() => schedule(0));

  const close = async (): Promise<void> => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    abort.abort(new Error('the node is stopping'));
    await chain;
  };
  return { run, close, [Symbol.asyncDispose]: close };
}

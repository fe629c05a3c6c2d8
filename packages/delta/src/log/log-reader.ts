import { DeltaError } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { Storage } from '../storage/storage.js';
import { type Action, parseCommit } from './actions.js';
import { actionsFromCheckpoint, readLastCheckpoint } from './checkpoint.js';
import { commitPath, LOG_DIR, type LogFile, padVersion, parseLogPath } from './log-paths.js';
import { applyActions, assertComplete, createLogState, type LogState } from './log-state.js';

const READ_CONCURRENCY = 16;

/** Reads and parses commit `version`; `undefined` when the file does not exist. */
export async function readCommit(storage: Storage, version: number): Promise<Action[] | undefined> {
  const bytes = await storage.read(commitPath(version));
  if (bytes === undefined) return undefined;
  return parseCommit(new TextDecoder().decode(bytes), `${storage.location}/${commitPath(version)}`);
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

/** The commit versions and complete checkpoints found by one listing of `_delta_log/`. */
interface LogListing {
  commits: number[];
  checkpoints: Map<number, string[]>;
}

async function listLog(storage: Storage, startAfter?: string): Promise<LogListing> {
  const paths = await storage.list(LOG_DIR, startAfter === undefined ? {} : { startAfter });
  const commits: number[] = [];
  const parts = new Map<number, LogFile[]>();
  for (const p of paths) {
    const file = parseLogPath(p);
    if (file === undefined) continue;
    if (file.kind === 'commit') commits.push(file.version);
    else parts.set(file.version, [...(parts.get(file.version) ?? []), file]);
  }
  const checkpoints = new Map<number, string[]>();
  for (const [version, files] of parts) {
    const single = files.find((f) => f.kind === 'checkpoint' && f.parts === undefined);
    if (single !== undefined) {
      checkpoints.set(version, [single.path]);
      continue;
    }
    // Multi-part: usable only when every part is there.
    const first = files[0];
    const total = first?.kind === 'checkpoint' ? first.parts : undefined;
    const group = files.filter((f) => f.kind === 'checkpoint' && f.parts === total);
    if (total !== undefined && group.length === total) {
      checkpoints.set(
        version,
        group.map((f) => f.path),
      );
    }
  }
  commits.sort((a, b) => a - b);
  return { commits, checkpoints };
}

/**
 * Replays the log into a {@link LogState} at `version` (default: the latest): the newest complete checkpoint
 * at or below it, then every later commit in order. Errors: `TABLE_NOT_FOUND` (no log), `VERSION_NOT_FOUND`
 * (beyond the latest, or before the oldest version still reconstructible), `CORRUPT_LOG` (a gap in commits,
 * unreadable files, no protocol/metaData).
 */
export async function loadLogState(storage: Storage, version?: number): Promise<LogState> {
  const last = await readLastCheckpoint(storage);
  // Listing from the last checkpoint keeps snapshot loads cheap on object stores with long logs.
  const fromLast = last !== undefined && (version === undefined || version >= last.version);
  let listing = await listLog(
    storage,
    fromLast ? `${LOG_DIR}${padVersion(last.version - 1)}.zzzz` : undefined,
  );
  if (fromLast && !listing.checkpoints.has(last.version)) listing = await listLog(storage);

  const latest = Math.max(-1, ...listing.commits.slice(-1), ...listing.checkpoints.keys());
  if (latest < 0) {
    throw new DeltaError(
      'TABLE_NOT_FOUND',
      `no Delta table at ${storage.location}: _delta_log has no commits`,
    );
  }
  const target = version ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) {
    throw new DeltaError(
      'VERSION_NOT_FOUND',
      `table ${storage.location} has no version ${version}; the latest is ${latest}`,
    );
  }
  const cpVersion = Math.max(-1, ...[...listing.checkpoints.keys()].filter((v) => v <= target));
  const state = createLogState();
  const available = new Set(listing.commits);
  const needed: number[] = [];
  for (let v = cpVersion + 1; v <= target; v++) {
    if (!available.has(v)) {
      const code = cpVersion < 0 && v === 0 ? 'VERSION_NOT_FOUND' : 'CORRUPT_LOG';
      throw new DeltaError(
        code,
        code === 'VERSION_NOT_FOUND'
          ? `table ${storage.location} cannot be read at version ${target}: its early commits were cleaned up and no checkpoint covers it`
          : `table ${storage.location} is missing commit ${v} (needed for version ${target})`,
      );
    }
    needed.push(v);
  }
  const [cpParts, commits] = await Promise.all([
    cpVersion < 0
      ? Promise.resolve([])
      : mapLimited(listing.checkpoints.get(cpVersion) ?? [], READ_CONCURRENCY, async (p) => {
          const bytes = await storage.read(p);
          if (bytes === undefined) {
            throw new DeltaError(
              'CORRUPT_LOG',
              `checkpoint ${storage.location}/${p} disappeared while reading`,
            );
          }
          return bytes;
        }),
    mapLimited(needed, READ_CONCURRENCY, (v) => readCommit(storage, v)),
  ]);
  if (cpVersion >= 0) {
    applyActions(
      state,
      actionsFromCheckpoint(cpParts, `${storage.location}/${LOG_DIR} checkpoint ${cpVersion}`),
      cpVersion,
    );
  }
  commits.forEach((actions, i) => {
    const v = needed[i] as number;
    if (actions === undefined) {
      throw new DeltaError(
        'CORRUPT_LOG',
        `commit ${v} of table ${storage.location} disappeared while reading`,
      );
    }
    applyActions(state, actions, v);
  });
  assertComplete(state, storage.location);
  return state;
}

/** One entry of a table's history: a commit and its `commitInfo` (empty when the writer wrote none). */
export interface HistoryEntry {
  version: number;
  timestamp: number | undefined;
  operation: string | undefined;
  commitInfo: JsonObject;
  /** The data files the commit added: how many, their bytes, and their rows (undefined when a file has no stats). */
  added: { files: number; bytes: number; records: number | undefined };
  /** The `txn.appId` of the commit (the writer that made it idempotent), if it has one. */
  txnAppId: string | undefined;
}

/** `numRecords` of an add's statistics, undefined when it has none. */
function recordsOf(stats: string | undefined): number | undefined {
  if (stats === undefined) return undefined;
  const n = (JSON.parse(stats) as { numRecords?: unknown }).numRecords;
  return typeof n === 'number' ? n : undefined;
}

/**
 * The commits still in the log, newest first (at most `limit`). Versions whose JSON was cleaned up after a
 * checkpoint are absent.
 */
export async function readHistory(storage: Storage, limit?: number): Promise<HistoryEntry[]> {
  const { commits } = await listLog(storage);
  if (commits.length === 0) {
    throw new DeltaError(
      'TABLE_NOT_FOUND',
      `no Delta table at ${storage.location}: _delta_log has no commits`,
    );
  }
  const versions = commits.reverse().slice(0, limit ?? commits.length);
  const entries = await mapLimited(versions, READ_CONCURRENCY, async (version): Promise<HistoryEntry> => {
    const actions = (await readCommit(storage, version)) ?? [];
    let commitInfo: JsonObject = {};
    let txnAppId: string | undefined;
    const added = { files: 0, bytes: 0, records: 0 as number | undefined };
    for (const a of actions) {
      if ('commitInfo' in a) commitInfo = a.commitInfo;
      else if ('txn' in a) txnAppId = a.txn.appId;
      else if ('add' in a) {
        const records = recordsOf(a.add.stats);
        added.files += 1;
        added.bytes += a.add.size;
        added.records =
          records === undefined || added.records === undefined ? undefined : added.records + records;
      }
    }
    const ts = commitInfo.timestamp;
    return {
      version,
      timestamp: typeof ts === 'number' ? ts : undefined,
      operation: typeof commitInfo.operation === 'string' ? commitInfo.operation : undefined,
      commitInfo,
      added,
      txnAppId,
    };
  });
  return entries;
}

import { DeltaError } from '../errors.js';
import type { Action, ProtocolAction } from '../log/actions.js';
import { actionsFromCheckpoint } from '../log/checkpoint.js';
import { commitPath, LOG_DIR, type LogFile, parseLogPath } from '../log/log-paths.js';
import { readCommit } from '../log/log-reader.js';
import type { ObjectInfo, Storage } from '../storage/storage.js';

/**
 * What `removeOrphanFiles` learnt of one table's log, kept by the caller between runs so that each log file
 * is read once per process (commits and checkpoints never change once written). Create one per table with
 * {@link createReferenceCache}; it binds to the first table it is used with. A log file whose size or
 * modification time changed since it was read (the table was dropped and created again at the same place)
 * empties the cache, and everything is read again.
 */
export interface ReferenceCache {
  /** The table the cache belongs to; `undefined` before its first use. */
  readonly location: string | undefined;
  /** Data-file paths (as the log spells them, and percent-decoded) known to be referenced. */
  readonly referencedPaths: number;
  /** Log files read into it so far. */
  readonly logFiles: number;
}

/** The cache's contents (the exported interface shows only its counts). */
interface CacheState extends ReferenceCache {
  location: string | undefined;
  /** Log files read, with the size and modification time they had then. */
  read: Map<string, { size: number; modifiedMs: number }>;
  /** Versions of the commits read. */
  commits: Set<number>;
  paths: Set<string>;
  /** The newest protocol seen, and the version it is from. */
  protocol: { version: number; action: ProtocolAction } | undefined;
}

/** An empty {@link ReferenceCache}. */
export function createReferenceCache(): ReferenceCache {
  const state: CacheState = {
    location: undefined,
    read: new Map(),
    commits: new Set(),
    paths: new Set(),
    protocol: undefined,
    get referencedPaths() {
      return state.paths.size;
    },
    get logFiles() {
      return state.read.size;
    },
  };
  return state;
}

const READ_CONCURRENCY = 16;

/** The spellings of a referenced path a file name can match: as written, percent-decoded, and for an
 * absolute URI its last segment (conservative: keeping a file by mistake is harmless, deleting one is not). */
function referenceForms(path: string): string[] {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Not valid percent-encoding: the path as written is all there is.
  }
  const forms = [path, decoded];
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || path.startsWith('/')) {
    forms.push(decoded.slice(decoded.lastIndexOf('/') + 1));
  }
  return forms;
}

/** Adds the add/remove paths of `actions` to `into`; returns the protocol among them, if any. */
function collect(actions: readonly Action[], into: Set<string>): ProtocolAction | undefined {
  let protocol: ProtocolAction | undefined;
  for (const a of actions) {
    if ('add' in a) for (const f of referenceForms(a.add.path)) into.add(f);
    else if ('remove' in a) for (const f of referenceForms(a.remove.path)) into.add(f);
    else if ('protocol' in a) protocol = a.protocol;
  }
  return protocol;
}

/** Runs `fn` over `items`, at most `READ_CONCURRENCY` at once, checking `signal` before each. */
async function forEachLimited<T>(
  items: readonly T[],
  fn: (item: T) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      signal?.throwIfAborted();
      await fn(items[next++] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, run));
}

/**
 * Brings `cache` up to date with the log as `logListing` (a `listDetailed` of `_delta_log/`) shows it and
 * returns the referenced paths and how many log files were read. Read: every commit not read before, and
 * each checkpoint the known commits do not cover — a checkpoint is the replay of the commits up to it, so
 * one is read only when commits between the previous source and it are gone (log cleanup), which is how a
 * file referenced only by a checkpoint stays referenced.
 *
 * Errors, before anything is deleted: `TABLE_NOT_FOUND` (no commits, no checkpoint), `CORRUPT_LOG` (a
 * commit that does not parse or vanished while being read, an unreadable checkpoint, a version that neither
 * a commit nor a later checkpoint covers, no protocol), `UNSUPPORTED_FEATURE` (the newest protocol needs a
 * reader feature this library lacks: its files may be referenced in ways it cannot see, e.g. v2 checkpoint
 * sidecars), `STORAGE`.
 */
export async function readReferences(
  storage: Storage,
  cache: ReferenceCache,
  logListing: readonly ObjectInfo[],
  signal?: AbortSignal,
): Promise<{ paths: ReadonlySet<string>; filesRead: number; latest: number; protocol: ProtocolAction }> {
  const state = cache as CacheState;
  const where = storage.location;
  if (state.location !== undefined && state.location !== where) {
    throw new DeltaError(
      'INVALID_ARGUMENT',
      `this reference cache belongs to table ${state.location}, not ${where}; use one cache per table`,
    );
  }
  state.location = where;
  const logFiles: { file: LogFile; info: ObjectInfo }[] = [];
  for (const info of logListing) {
    const file = info.temp ? undefined : parseLogPath(info.path);
    if (file === undefined) continue;
    const seen = state.read.get(info.path);
    if (seen !== undefined && (seen.size !== info.size || seen.modifiedMs !== info.modifiedMs)) {
      // Rewritten since it was read: not the log the cache knows. Start over.
      state.read.clear();
      state.commits.clear();
      state.paths.clear();
      state.protocol = undefined;
    }
    logFiles.push({ file, info });
  }
  let filesRead = 0;
  const noteProtocol = (version: number, action: ProtocolAction | undefined): void => {
    if (action !== undefined && (state.protocol === undefined || version >= state.protocol.version)) {
      state.protocol = { version, action };
    }
  };

  const commits = logFiles.filter((f) => f.file.kind === 'commit' && !state.read.has(f.info.path));
  await forEachLimited(
    commits,
    async ({ file, info }) => {
      const actions = await readCommit(storage, file.version);
      if (actions === undefined) {
        throw new DeltaError(
          'CORRUPT_LOG',
          `commit ${file.version} of table ${where} disappeared while it was read (is a log cleanup running?); nothing was removed`,
        );
      }
      noteProtocol(file.version, collect(actions, state.paths));
      state.read.set(info.path, { size: info.size, modifiedMs: info.modifiedMs });
      state.commits.add(file.version);
      filesRead++;
    },
    signal,
  );

  // Checkpoints by version: their files, and whether one of them is whole (single file, or every part).
  const checkpoints = new Map<number, { parts: ObjectInfo[]; complete: boolean }>();
  const partCounts = new Map<string, number>();
  for (const { file, info } of logFiles) {
    if (file.kind !== 'checkpoint') continue;
    const entry = checkpoints.get(file.version) ?? { parts: [], complete: false };
    entry.parts.push(info);
    if (file.parts === undefined) entry.complete = true;
    else {
      const key = `${file.version}/${file.parts}`;
      const count = (partCounts.get(key) ?? 0) + 1;
      partCounts.set(key, count);
      if (count === file.parts) entry.complete = true;
    }
    checkpoints.set(file.version, entry);
  }
  // Walk the versions: `covered` is the highest version up to which every reference is known.
  const versions = [...new Set([...state.commits, ...checkpoints.keys()])].sort((a, b) => a - b);
  let covered = -1;
  const needed: ObjectInfo[] = [];
  for (const v of versions) {
    if (state.commits.has(v) && covered === v - 1) covered = v;
    const cp = checkpoints.get(v);
    if (cp !== undefined && covered < v) {
      needed.push(...cp.parts.filter((p) => !state.read.has(p.path)));
      if (cp.complete) covered = v;
    }
  }
  await forEachLimited(
    needed,
    async (info) => {
      const bytes = await storage.read(info.path);
      if (bytes === undefined) {
        throw new DeltaError(
          'CORRUPT_LOG',
          `checkpoint ${where}/${info.path} disappeared while it was read (is a log cleanup running?); nothing was removed`,
        );
      }
      const actions = actionsFromCheckpoint([bytes], `${where}/${info.path}`);
      noteProtocol(parseLogPath(info.path)?.version ?? 0, collect(actions, state.paths));
      state.read.set(info.path, { size: info.size, modifiedMs: info.modifiedMs });
      filesRead++;
    },
    signal,
  );

  const latest = versions[versions.length - 1];
  if (latest === undefined) {
    throw new DeltaError('TABLE_NOT_FOUND', `no Delta table at ${where}: _delta_log has no commits`);
  }
  if (covered < latest) {
    throw new DeltaError(
      'CORRUPT_LOG',
      `table ${where} is missing commit ${covered + 1} and no later checkpoint covers it; nothing was removed`,
    );
  }
  if (state.protocol === undefined) {
    throw new DeltaError(
      'CORRUPT_LOG',
      `table ${where} has no protocol action in its log; nothing was removed`,
    );
  }
  return { paths: state.paths, filesRead, latest, protocol: state.protocol.action };
}

/**
 * The paths referenced by commits after `version` (written while a cleanup ran): read just before deleting,
 * so a file committed meanwhile is kept. Not added to any cache.
 */
export async function referencesAfter(storage: Storage, version: number): Promise<Set<string>> {
  const paths = new Set<string>();
  const listed = await storage.list(LOG_DIR, { startAfter: commitPath(version) });
  for (const p of listed) {
    const file = parseLogPath(p);
    if (file?.kind !== 'commit' || file.version <= version) continue;
    const actions = await readCommit(storage, file.version);
    if (actions !== undefined) collect(actions, paths);
  }
  return paths;
}

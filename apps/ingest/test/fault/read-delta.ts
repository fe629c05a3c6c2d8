import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/*
 * An independent reader of a Delta table for the fault suite's audit: it lists `_delta_log/`, parses each
 * commit line by line and replays add/remove/txn itself, reads checkpoints and data files with DuckDB's
 * `read_parquet` — no code of `@lakestream/delta` or of the node is involved, so a bug there cannot hide
 * itself from the audit.
 */

/** A data file live at the end of the log, in log order. */
export interface LiveFile {
  /** The `add.path` as logged (URL-encoded). */
  readonly path: string;
  /** The version whose commit added it. */
  readonly version: number;
  /** `numRecords` from `add.stats`, when there. */
  readonly numRecords: number | undefined;
}

/** What the log says, and what is wrong with it. */
export interface DeltaLog {
  readonly tableDir: string;
  /** Commits found: versions 0..versions-1 (when there is no gap). */
  readonly versions: number;
  /** Live files at the latest version, in the order their adds were logged. */
  readonly files: readonly LiveFile[];
  /** `txn.version` per appId at the latest version. */
  readonly txns: ReadonlyMap<string, bigint>;
  /** Checkpoints compared with the replayed JSON log. */
  readonly checkpointsChecked: number;
  /** Every inconsistency found, in words (empty when none). */
  readonly problems: readonly string[];
}

const COMMIT = /^(\d{20})\.json$/;
const CHECKPOINT = /^(\d{20})\.checkpoint(\.\d{10}\.\d{10})?\.parquet$/;

/** The replayed state at one version. */
interface LogState {
  readonly adds: Map<string, LiveFile>;
  readonly removes: Set<string>;
  readonly txns: Map<string, bigint>;
  metaData: number;
  protocol: number;
}

/**
 * Reads `<tableDir>/_delta_log`: checks versions are 0..N without a gap, that every line of every commit is
 * one action, that each appId's `txn.version` only grows (a lower or equal one is a publish repeated), that
 * no live file is added twice, and that every checkpoint (and `_last_checkpoint`) equals the JSON log
 * replayed to its version: the same live add paths, removes and txn versions per appId. `duck` reads the
 * checkpoint Parquet files.
 */
export async function readDeltaLog(duck: DuckDBConnection, tableDir: string): Promise<DeltaLog> {
  const logDir = join(tableDir, '_delta_log');
  const problems: string[] = [];
  const names = await readdir(logDir);
  const commits = names.flatMap((n) => {
    const m = COMMIT.exec(n);
    return m === null ? [] : [Number(m[1])];
  });
  commits.sort((a, b) => a - b);
  commits.forEach((v, i) => {
    if (v !== i && problems.length < 20)
      problems.push(`${logDir}: version ${i} is missing (found ${v} at its place)`);
  });
  const checkpoints = new Map<number, string>();
  for (const n of names) {
    const m = CHECKPOINT.exec(n);
    if (m === null) continue;
    if (m[2] !== undefined) problems.push(`${logDir}: unexpected multi-part checkpoint ${n}`);
    else checkpoints.set(Number(m[1]), n);
  }

  const state: LogState = { adds: new Map(), removes: new Set(), txns: new Map(), metaData: 0, protocol: 0 };
  let checked = 0;
  for (const version of commits) {
    const text = await readFile(join(logDir, `${String(version).padStart(20, '0')}.json`), 'utf8');
    const seenApps = new Set<string>();
    for (const [i, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      const where = `${logDir} version ${version} line ${i + 1}`;
      let action: Record<string, unknown>;
      try {
        action = JSON.parse(line) as Record<string, unknown>;
      } catch (err) {
        problems.push(`${where}: not JSON (${(err as Error).message})`);
        continue;
      }
      const keys = Object.keys(action);
      if (keys.length !== 1) {
        problems.push(`${where}: ${keys.length} actions on one line (${keys.join(', ')})`);
        continue;
      }
      const body = action[keys[0]!] as Record<string, unknown>;
      switch (keys[0]) {
        case 'add': {
          const path = String(body.path);
          if (state.adds.has(path)) problems.push(`${where}: ${path} added again while live`);
          const stats =
            typeof body.stats === 'string' ? (JSON.parse(body.stats) as { numRecords?: number }) : {};
          state.adds.set(path, { path, version, numRecords: stats.numRecords });
          state.removes.delete(path);
          break;
        }
        case 'remove': {
          const path = String(body.path);
          state.adds.delete(path);
          state.removes.add(path);
          break;
        }
        case 'txn': {
          const appId = String(body.appId);
          // From the text: JSON.parse would round a version above 2^53.
          const exact = /"version"\s*:\s*(\d+)/.exec(line);
          if (exact === null) {
            problems.push(`${where}: txn without an integer version`);
            break;
          }
          const v = BigInt(exact[1]!);
          const before = state.txns.get(appId);
          if (seenApps.has(appId)) problems.push(`${where}: two txn actions for ${appId} in one commit`);
          if (before !== undefined && v <= before)
            problems.push(
              `${where}: txn ${appId} version ${v} is not above the previous ${before} (published twice?)`,
            );
          seenApps.add(appId);
          state.txns.set(appId, v);
          break;
        }
        case 'metaData':
          state.metaData++;
          break;
        case 'protocol':
          state.protocol++;
          break;
        case 'commitInfo':
          break;
        default:
          problems.push(`${where}: unknown action ${keys[0]}`);
      }
    }
    const checkpoint = checkpoints.get(version);
    if (checkpoint !== undefined) {
      problems.push(...(await compareCheckpoint(duck, join(logDir, checkpoint), version, state)));
      checked++;
    }
  }
  for (const v of checkpoints.keys())
    if (v >= commits.length)
      problems.push(`${logDir}: checkpoint ${v} is beyond the last commit ${commits.length - 1}`);
  problems.push(...(await checkLastCheckpoint(duck, logDir, checkpoints)));
  return {
    tableDir,
    versions: commits.length,
    files: [...state.adds.values()],
    txns: state.txns,
    checkpointsChecked: checked,
    problems,
  };
}

/** Compares one checkpoint with the replayed state at its version. */
async function compareCheckpoint(
  duck: DuckDBConnection,
  file: string,
  version: number,
  state: LogState,
): Promise<string[]> {
  const result = await duck.runAndReadAll(
    `SELECT struct_extract("add", 'path') AS add_path, struct_extract("remove", 'path') AS remove_path,
            struct_extract(txn, 'appId') AS app_id, CAST(struct_extract(txn, 'version') AS VARCHAR) AS txn_version,
            "metaData" IS NOT NULL AS is_meta, protocol IS NOT NULL AS is_protocol
       FROM read_parquet(${sqlString(file)})`,
  );
  const [addPaths, removePaths, apps, txnVersions, metas, protocols] = result.getColumnsJS() as [
    (string | null)[],
    (string | null)[],
    (string | null)[],
    (string | null)[],
    boolean[],
    boolean[],
  ];
  const problems: string[] = [];
  const where = `checkpoint ${file} (version ${version})`;
  const adds = new Set(addPaths.filter((p): p is string => p !== null));
  const removes = new Set(removePaths.filter((p): p is string => p !== null));
  const txns = new Map<string, bigint>();
  apps.forEach((app, i) => {
    if (app !== null) txns.set(app, BigInt(txnVersions[i]!));
  });
  const missing = [...state.adds.keys()].filter((p) => !adds.has(p));
  const extra = [...adds].filter((p) => !state.adds.has(p));
  if (missing.length > 0 || extra.length > 0 || adds.size !== addPaths.filter((p) => p !== null).length)
    problems.push(
      `${where}: live files differ from the JSON log: ${missing.length} missing (${missing.slice(0, 3).join(', ')}), ${extra.length} extra (${extra.slice(0, 3).join(', ')})`,
    );
  if (removes.size !== state.removes.size || [...removes].some((p) => !state.removes.has(p)))
    problems.push(`${where}: ${removes.size} removes, the JSON log has ${state.removes.size}`);
  const txnText = (m: ReadonlyMap<string, bigint>) =>
    [...m]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  if (txnText(txns) !== txnText(state.txns))
    problems.push(`${where}: txns {${txnText(txns)}}, the JSON log has {${txnText(state.txns)}}`);
  if (metas.filter(Boolean).length !== 1 || protocols.filter(Boolean).length !== 1)
    problems.push(
      `${where}: ${metas.filter(Boolean).length} metaData and ${protocols.filter(Boolean).length} protocol rows`,
    );
  return problems;
}

/** `_last_checkpoint` (when present) names a checkpoint that exists, with its number of actions as `size`. */
async function checkLastCheckpoint(
  duck: DuckDBConnection,
  logDir: string,
  checkpoints: ReadonlyMap<number, string>,
): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(logDir, '_last_checkpoint'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let last: { version?: number; size?: number };
  try {
    last = JSON.parse(text) as { version?: number; size?: number };
  } catch (err) {
    return [`${logDir}/_last_checkpoint: not JSON (${(err as Error).message}): ${text.slice(0, 200)}`];
  }
  const file = last.version === undefined ? undefined : checkpoints.get(last.version);
  if (file === undefined)
    return [`${logDir}/_last_checkpoint names version ${last.version}, which has no checkpoint`];
  if (last.size !== undefined) {
    const r = await duck.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(join(logDir, file))})`,
    );
    const n = Number(r.getColumnsJS()[0]![0]);
    if (n !== last.size) return [`${logDir}/_last_checkpoint says ${last.size} actions, ${file} has ${n}`];
  }
  return [];
}

/**
 * The live files' rows as DuckDB reads them, in log order (file by file as added, then row by row):
 * `select` over `read_parquet(…) r`, as columns (columns a file lacks — added to the table after it was written —
 * read as nulls, as a Delta reader reads them). Also checks each file exists and holds `add.stats.numRecords`
 * rows.
 */
export async function readLiveRows(
  duck: DuckDBConnection,
  log: DeltaLog,
  select: string,
): Promise<{ columns: unknown[][]; problems: string[] }> {
  const problems: string[] = [];
  const present: LiveFile[] = [];
  for (const f of log.files) {
    try {
      await access(join(log.tableDir, decodeURIComponent(f.path)));
      present.push(f);
    } catch {
      problems.push(`${f.path} (added in version ${f.version}) is live in the log but missing on disk`);
    }
  }
  if (present.length === 0) return { columns: [], problems };
  const paths = present.map((f) => join(log.tableDir, decodeURIComponent(f.path)));
  const list = `[${paths.map(sqlString).join(', ')}]`;
  const order = `(VALUES ${paths.map((p, i) => `(${sqlString(p)}, ${i})`).join(', ')}) AS o(path, ord)`;
  const counts = await duck.runAndReadAll(
    `SELECT o.ord, count(r.filename)::INTEGER FROM ${order}
       LEFT JOIN read_parquet(${list}, filename = true) r ON r.filename = o.path GROUP BY o.ord ORDER BY o.ord`,
  );
  const [ords, ns] = counts.getColumnsJS() as [number[], number[]];
  ords.forEach((ord, i) => {
    const f = present[ord]!;
    if (f.numRecords !== undefined && f.numRecords !== ns[i])
      problems.push(
        `${f.path} (version ${f.version}): add.stats says ${f.numRecords} records, the file has ${ns[i]}`,
      );
  });
  const result = await duck.runAndReadAll(
    `SELECT ${select} FROM read_parquet(${list}, filename = true, file_row_number = true, union_by_name = true) r
       JOIN ${order} ON r.filename = o.path ORDER BY o.ord, r.file_row_number`,
  );
  return { columns: result.getColumnsJS() as unknown[][], problems };
}

/** The `id`s of a table's live rows (its log and Parquet files read as {@link readDeltaLog} and {@link readLiveRows} do). */
export async function readLiveIds(tableDir: string): Promise<Set<number>> {
  const db = await DuckDBInstance.create(':memory:');
  const duck = await db.connect();
  try {
    const log = await readDeltaLog(duck, tableDir);
    if (log.problems.length > 0) throw new Error(`${tableDir}: ${log.problems.join('; ')}`);
    const { columns, problems } = await readLiveRows(duck, log, 'CAST(r.id AS DOUBLE) AS id');
    if (problems.length > 0) throw new Error(`${tableDir}: ${problems.join('; ')}`);
    return new Set((columns[0] ?? []).map(Number));
  } finally {
    duck.closeSync();
    db.closeSync();
  }
}

/** A SQL string literal. */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

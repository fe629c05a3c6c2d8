import {
  Bool,
  type DataType,
  Field,
  Int32,
  Int64,
  List,
  Map_,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
  Vector,
  vectorFromArray,
} from 'apache-arrow';
import {
  Compression,
  readParquet,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet,
} from 'parquet-wasm';
import { DeltaError } from '../errors.js';
import { isJsonObject, type JsonValue, parseJson, stringifyJson } from '../json.js';
import type { Storage } from '../storage/storage.js';
import { type Action, actionFromJson } from './actions.js';
import { checkpointPath, LAST_CHECKPOINT } from './log-paths.js';
import type { LogState } from './log-state.js';

const str = () => new Utf8();
const f = <T extends DataType>(name: string, type: T): Field<T> => new Field(name, type, true);
const stringMap = () =>
  new Map_<Utf8, Utf8>(
    new Field(
      'key_value',
      new Struct<{ key: Utf8; value: Utf8 }>([new Field('key', str(), false), f('value', str())]),
      false,
    ),
  );
const stringList = () => new List(f('element', str()));

// Spec: Checkpoint schema (classic). One nullable struct column per action type; no commitInfo.
const CHECKPOINT_FIELDS = {
  txn: new Struct([f('appId', str()), f('version', new Int64()), f('lastUpdated', new Int64())]),
  add: new Struct([
    f('path', str()),
    f('partitionValues', stringMap()),
    f('size', new Int64()),
    f('modificationTime', new Int64()),
    f('dataChange', new Bool()),
    f('stats', str()),
    f('tags', stringMap()),
  ]),
  remove: new Struct([
    f('path', str()),
    f('deletionTimestamp', new Int64()),
    f('dataChange', new Bool()),
    f('extendedFileMetadata', new Bool()),
    f('partitionValues', stringMap()),
    f('size', new Int64()),
  ]),
  metaData: new Struct([
    f('id', str()),
    f('name', str()),
    f('description', str()),
    f('format', new Struct([f('provider', str()), f('options', stringMap())])),
    f('schemaString', str()),
    f('partitionColumns', stringList()),
    f('configuration', stringMap()),
    f('createdTime', new Int64()),
  ]),
  protocol: new Struct([
    f('minReaderVersion', new Int32()),
    f('minWriterVersion', new Int32()),
    f('readerFeatures', stringList()),
    f('writerFeatures', stringList()),
  ]),
} as const;

type Row = Record<string, unknown> | null;
const big = (n: number | undefined): bigint | null => (n === undefined ? null : BigInt(n));

/** The checkpoint of a replayed state as an Arrow table: one row per action. */
export function checkpointTable(s: LogState): Table {
  const rows: { [K in keyof typeof CHECKPOINT_FIELDS]: Row }[] = [];
  const empty = { txn: null, add: null, remove: null, metaData: null, protocol: null };
  if (s.protocol !== undefined) {
    const p = s.protocol;
    rows.push({
      ...empty,
      protocol: {
        minReaderVersion: p.minReaderVersion,
        minWriterVersion: p.minWriterVersion,
        readerFeatures: p.readerFeatures ?? null,
        writerFeatures: p.writerFeatures ?? null,
      },
    });
  }
  if (s.metadata !== undefined) {
    const m = s.metadata;
    rows.push({
      ...empty,
      metaData: {
        id: m.id,
        name: m.name ?? null,
        description: m.description ?? null,
        format: { provider: m.format.provider, options: m.format.options },
        schemaString: m.schemaString,
        partitionColumns: m.partitionColumns,
        configuration: m.configuration,
        createdTime: big(m.createdTime),
      },
    });
  }
  for (const t of s.txns.values()) {
    rows.push({ ...empty, txn: { appId: t.appId, version: t.version, lastUpdated: big(t.lastUpdated) } });
  }
  for (const a of s.files.values()) {
    rows.push({
      ...empty,
      add: {
        path: a.path,
        partitionValues: a.partitionValues,
        size: BigInt(a.size),
        modificationTime: BigInt(a.modificationTime),
        dataChange: a.dataChange,
        stats: a.stats ?? null,
        tags: a.tags ?? null,
      },
    });
  }
  for (const r of s.tombstones.values()) {
    rows.push({
      ...empty,
      remove: {
        path: r.path,
        deletionTimestamp: big(r.deletionTimestamp),
        dataChange: r.dataChange,
        extendedFileMetadata: r.extendedFileMetadata ?? null,
        partitionValues: r.partitionValues ?? null,
        size: big(r.size),
      },
    });
  }
  const columns: Record<string, Vector> = {};
  for (const [name, type] of Object.entries(CHECKPOINT_FIELDS)) {
    const key = name as keyof typeof CHECKPOINT_FIELDS;
    columns[name] = vectorFromArray(
      rows.map((r) => r[key]),
      type,
    );
  }
  return new Table(columns);
}

/** Arrow JS values (rows, maps, list vectors, bigints) → plain JSON values for {@link actionFromJson}. */
function plain(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Vector) return [...v].map(plain);
  const json = (v as { toJSON?: () => unknown }).toJSON?.() ?? v;
  const out: Record<string, JsonValue> = {};
  for (const [k, x] of Object.entries(json as object)) out[k] = plain(x);
  return out;
}

/** Reads checkpoint part files (already fetched) into actions. Throws `CORRUPT_LOG` on unreadable parquet. */
export function actionsFromCheckpoint(parts: readonly Uint8Array[], where: string): Action[] {
  const actions: Action[] = [];
  for (const bytes of parts) {
    let table: Table;
    try {
      table = tableFromIPC(readParquet(bytes).intoIPCStream());
    } catch (cause) {
      throw new DeltaError('CORRUPT_LOG', `${where}: checkpoint is not readable parquet`, { cause });
    }
    for (const name of ['protocol', 'metaData', 'txn', 'add', 'remove'] as const) {
      const col = table.getChild(name);
      if (col === null) continue;
      for (let i = 0; i < col.length; i++) {
        if (!col.isValid(i)) continue;
        const action = actionFromJson({ [name]: plain(col.get(i)) }, where);
        if (action !== undefined) actions.push(action);
      }
    }
  }
  return actions;
}

/** Contents of `_delta_log/_last_checkpoint`. */
export interface LastCheckpoint {
  version: number;
  size: number;
  parts?: number;
}

/** Reads `_last_checkpoint`; `undefined` when absent or unparseable (readers then fall back to listing). */
export async function readLastCheckpoint(storage: Storage): Promise<LastCheckpoint | undefined> {
  const bytes = await storage.read(LAST_CHECKPOINT);
  if (bytes === undefined) return undefined;
  try {
    const v = parseJson(new TextDecoder().decode(bytes));
    if (!isJsonObject(v) || typeof v.version !== 'number') return undefined;
    const out: LastCheckpoint = { version: v.version, size: typeof v.size === 'number' ? v.size : 0 };
    if (typeof v.parts === 'number') out.parts = v.parts;
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Writes the classic checkpoint of `s` (parquet via parquet-wasm, snappy) with an atomic replace, then
 * `_last_checkpoint` — only if it does not already name a newer checkpoint. Safe to race: two writers of the
 * same version write the same actions.
 */
export async function writeCheckpoint(storage: Storage, s: LogState): Promise<void> {
  const table = checkpointTable(s);
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();
  const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), props);
  await storage.write(checkpointPath(s.version), bytes);
  const current = await readLastCheckpoint(storage);
  if (current !== undefined && current.version >= s.version) return;
  const last = stringifyJson({
    version: s.version,
    size: table.numRows,
    sizeInBytes: bytes.byteLength,
    numOfAddFiles: s.files.size,
  });
  await storage.write(LAST_CHECKPOINT, new TextEncoder().encode(last));
}

import {
  Bool,
  type Data,
  type DataType,
  Field,
  Int32,
  Int64,
  List,
  Map_,
  makeData,
  makeVector,
  Struct,
  Table,
  Type,
  tableFromIPC,
  tableToIPC,
  Utf8,
  type Vector,
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
import { toArrowType } from '../schema/arrow-schema.js';
import type { Storage } from '../storage/storage.js';
import { type Action, actionFromJson } from './actions.js';
import { checkpointPath, LAST_CHECKPOINT } from './log-paths.js';
import type { LogState } from './log-state.js';

const str = () => new Utf8();
const f = <T extends DataType>(name: string, type: T): Field<T> => new Field(name, type, true);
// Maps and lists take the same Arrow shape as in data files (one Delta → Arrow mapping).
const stringMap = () =>
  toArrowType({ type: 'map', keyType: 'string', valueType: 'string', valueContainsNull: true });
const stringList = () => toArrowType({ type: 'array', elementType: 'string', containsNull: true });

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

const encoder = new TextEncoder();

function validity(values: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

function utf8Data(type: Utf8, values: readonly (string | null)[]): Data {
  const valueOffsets = new Int32Array(values.length + 1);
  let bytes = new Uint8Array(Math.max(64, values.length * 16));
  let end = 0;
  values.forEach((v, i) => {
    if (v !== null) {
      if (bytes.length - end < v.length * 3) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, end + v.length * 3));
        grown.set(bytes.subarray(0, end));
        bytes = grown;
      }
      end += encoder.encodeInto(v, bytes.subarray(end)).written;
    }
    valueOffsets[i + 1] = end;
  });
  return makeData({
    type,
    length: values.length,
    ...validity(values),
    valueOffsets,
    data: bytes.subarray(0, end),
  });
}

/**
 * One column of the checkpoint built straight into typed arrays (the checkpoint holds every active file, and a
 * row-wise Arrow builder is ten times slower here). Covers exactly the types of {@link CHECKPOINT_FIELDS}.
 */
function columnData(type: DataType, values: readonly unknown[]): Data {
  const length = values.length;
  if (type instanceof Utf8) return utf8Data(type, values as (string | null)[]);
  if (type instanceof Int64) {
    const data = new BigInt64Array(length);
    values.forEach((v, i) => {
      if (v !== null) data[i] = BigInt(v as bigint | number);
    });
    return makeData({ type, length, ...validity(values), data });
  }
  if (type instanceof Int32) {
    return makeData({
      type,
      length,
      ...validity(values),
      data: Int32Array.from(values, (v) => Number(v ?? 0)),
    });
  }
  if (type instanceof Bool) {
    const data = new Uint8Array(Math.ceil(length / 8));
    values.forEach((v, i) => {
      if (v === true) data[i >> 3]! |= 1 << (i & 7);
    });
    return makeData({ type, length, ...validity(values), data });
  }
  if (type instanceof Struct) {
    const rows = values as readonly Row[];
    const children = type.children.map((f) =>
      columnData(
        f.type,
        rows.map((r) => (r === null ? null : (r[f.name] ?? null))),
      ),
    );
    return makeData({ type, length, ...validity(values), children });
  }
  if (type instanceof Map_ || type instanceof List) {
    // Maps are lists of key/value structs; both get offsets plus one flattened child.
    const valueOffsets = new Int32Array(length + 1);
    const flat: unknown[] = [];
    values.forEach((v, i) => {
      if (v !== null && v !== undefined) {
        if (type instanceof Map_) {
          for (const [key, value] of Object.entries(v as Record<string, unknown>)) flat.push({ key, value });
        } else flat.push(...(v as unknown[]));
      }
      valueOffsets[i + 1] = flat.length;
    });
    const child = columnData((type.children[0] as Field).type, flat);
    return makeData({ type, length, ...validity(values), valueOffsets, child } as never);
  }
  throw new DeltaError('INVALID_ARGUMENT', `checkpoint column type ${type} is not supported`);
}

/** The checkpoint of a replayed state as an Arrow table: one row per action. */
function checkpointTable(s: LogState): Table {
  const rows: { [K in keyof typeof CHECKPOINT_FIELDS]: Row[] } = {
    txn: [],
    add: [],
    remove: [],
    metaData: [],
    protocol: [],
  };
  const push = (kind: keyof typeof CHECKPOINT_FIELDS, row: Row): void => {
    for (const [k, list] of Object.entries(rows)) list.push(k === kind ? row : null);
  };
  if (s.protocol !== undefined) {
    const p = s.protocol;
    push('protocol', {
      minReaderVersion: p.minReaderVersion,
      minWriterVersion: p.minWriterVersion,
      readerFeatures: p.readerFeatures ?? null,
      writerFeatures: p.writerFeatures ?? null,
    });
  }
  if (s.metadata !== undefined) {
    const m = s.metadata;
    push('metaData', {
      id: m.id,
      name: m.name ?? null,
      description: m.description ?? null,
      format: { provider: m.format.provider, options: m.format.options },
      schemaString: m.schemaString,
      partitionColumns: m.partitionColumns,
      configuration: m.configuration,
      createdTime: big(m.createdTime),
    });
  }
  for (const t of s.txns.values()) {
    push('txn', { appId: t.appId, version: t.version, lastUpdated: big(t.lastUpdated) });
  }
  for (const a of s.files.values()) {
    push('add', {
      path: a.path,
      partitionValues: a.partitionValues,
      size: BigInt(a.size),
      modificationTime: BigInt(a.modificationTime),
      dataChange: a.dataChange,
      stats: a.stats ?? null,
      tags: a.tags ?? null,
    });
  }
  for (const r of s.tombstones.values()) {
    push('remove', {
      path: r.path,
      deletionTimestamp: big(r.deletionTimestamp),
      dataChange: r.dataChange,
      extendedFileMetadata: r.extendedFileMetadata ?? null,
      partitionValues: r.partitionValues ?? null,
      size: big(r.size),
    });
  }
  const columns: Record<string, Vector> = {};
  for (const [name, type] of Object.entries(CHECKPOINT_FIELDS)) {
    columns[name] = makeVector(columnData(type, rows[name as keyof typeof CHECKPOINT_FIELDS]));
  }
  return new Table(columns);
}

type Reader = (i: number) => JsonValue;
const decoder = new TextDecoder();

/**
 * A reader of one column chunk's cells as JSON values, straight from the Arrow buffers (the generic
 * `Vector.get` allocates a vector per map cell, which dominated loading a large checkpoint).
 */
function readerOf(data: Data, only?: readonly string[]): Reader {
  const { offset, nullBitmap } = data;
  const valid =
    data.nullCount === 0 || nullBitmap === undefined || nullBitmap.length === 0
      ? () => true
      : (i: number) => ((nullBitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;
  switch (data.typeId) {
    case Type.Struct: {
      const fields = (data.type as Struct).children;
      const readers = fields.flatMap((f, k) =>
        only === undefined || only.includes(f.name)
          ? [[f.name, readerOf(data.children[k] as Data)] as const]
          : [],
      );
      return (i) => {
        if (!valid(i)) return null;
        const out: Record<string, JsonValue> = {};
        for (const [n, r] of readers) out[n] = r(i);
        return out;
      };
    }
    case Type.Map:
    case Type.List: {
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0] as Data;
      if (data.typeId === Type.List) {
        const read = readerOf(child);
        return (i) => {
          if (!valid(i)) return null;
          const out: JsonValue[] = [];
          for (let j = offsets[i]!; j < offsets[i + 1]!; j++) out.push(read(j));
          return out;
        };
      }
      const key = readerOf(child.children[0] as Data);
      const value = readerOf(child.children[1] as Data);
      return (i) => {
        if (!valid(i)) return null;
        const out: Record<string, JsonValue> = {};
        for (let j = offsets[i]!; j < offsets[i + 1]!; j++) out[String(key(j))] = value(j);
        return out;
      };
    }
    case Type.Utf8: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      return (i) => (valid(i) ? decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!)) : null);
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return (i) => (valid(i) ? ((bits[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1 : null);
    }
    case Type.Int: {
      const values = data.values as BigInt64Array | Int32Array;
      return (i) => {
        if (!valid(i)) return null;
        const v = values[i]!;
        return typeof v === 'bigint' && !Number.isSafeInteger(Number(v)) ? v : Number(v);
      };
    }
  }
  // Types a checkpoint does not use for the fields we read: skip them.
  return () => null;
}

// The fields each action needs (Spark also writes stats_parsed, partitionValues_parsed: not needed here).
const CHECKPOINT_READ = {
  protocol: ['minReaderVersion', 'minWriterVersion', 'readerFeatures', 'writerFeatures'],
  metaData: [
    'id',
    'name',
    'description',
    'format',
    'schemaString',
    'partitionColumns',
    'configuration',
    'createdTime',
  ],
  txn: ['appId', 'version', 'lastUpdated'],
  add: ['path', 'partitionValues', 'size', 'modificationTime', 'dataChange', 'stats', 'tags'],
  remove: ['path', 'deletionTimestamp', 'dataChange', 'extendedFileMetadata', 'partitionValues', 'size'],
} as const;

/** Reads checkpoint part files (already fetched) into actions. Throws `CORRUPT_LOG` on unreadable parquet. */
export function actionsFromCheckpoint(parts: readonly Uint8Array[], where: string): Action[] {
  const actions: Action[] = [];
  for (const bytes of parts) {
    let table: Table;
    try {
      table = tableFromIPC(readParquet(bytes, { batchSize: 65536 }).intoIPCStream());
    } catch (cause) {
      throw new DeltaError('CORRUPT_LOG', `${where}: checkpoint is not readable parquet`, { cause });
    }
    for (const batch of table.batches) {
      for (const [name, fields] of Object.entries(CHECKPOINT_READ)) {
        const index = batch.schema.fields.findIndex((f) => f.name === name);
        const column = batch.data.children[index];
        if (column === undefined) continue;
        const read = readerOf(column, fields);
        for (let i = 0; i < batch.numRows; i++) {
          const value = read(i);
          if (value === null) continue;
          const action = actionFromJson({ [name]: value }, where);
          if (action !== undefined) actions.push(action);
        }
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

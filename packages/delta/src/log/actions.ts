import { DeltaError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue, parseJson, stringifyJson } from '../json.js';

/** `protocol`: the reader/writer versions (and, at 3/7, the table features) a client needs. */
export interface ProtocolAction {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

/** `metaData`: schema, partition columns and table properties. A new one replaces the old entirely. */
export interface MetadataAction {
  id: string;
  name?: string;
  description?: string;
  format: { provider: string; options: Record<string, string> };
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number;
}

/** `add`: a data file joins the table. `stats` is a JSON *string* (see `computeFileStats`). */
export interface AddAction {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string;
  tags?: Record<string, string>;
}

/** `remove`: a data file leaves the table (a tombstone kept for vacuum and concurrent readers). */
export interface RemoveAction {
  path: string;
  deletionTimestamp?: number;
  dataChange: boolean;
  extendedFileMetadata?: boolean;
  partitionValues?: Record<string, string | null>;
  size?: number;
}

/** `txn`: the application transaction id; `version` is exact (bigint) — see "Exactly-once publishing". */
export interface TxnAction {
  appId: string;
  version: bigint;
  lastUpdated?: number;
}

/** One action of a commit, shaped like its JSON line. Unknown action types are dropped when reading. */
export type Action =
  | { protocol: ProtocolAction }
  | { metaData: MetadataAction }
  | { add: AddAction }
  | { remove: RemoveAction }
  | { txn: TxnAction }
  | { commitInfo: JsonObject };

function corrupt(where: string, what: string): never {
  throw new DeltaError('CORRUPT_LOG', `${where}: ${what}`);
}

function toNumber(v: JsonValue | undefined, where: string, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return corrupt(where, `"${field}" must be a number`);
}

function optNumber(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

function stringMap(v: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isJsonObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function nullableStringMap(v: JsonValue | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (isJsonObject(v)) for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : null;
  return out;
}

function stringList(v: JsonValue | undefined): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** Validates one parsed action object; returns `undefined` for action types this library does not know. */
export function actionFromJson(obj: JsonObject, where: string): Action | undefined {
  const { protocol, metaData, add, remove, txn, commitInfo } = obj;
  if (isJsonObject(add)) {
    if (typeof add.path !== 'string') corrupt(where, 'add without a path');
    const a: AddAction = {
      path: add.path,
      partitionValues: nullableStringMap(add.partitionValues),
      size: toNumber(add.size, where, 'add.size'),
      modificationTime: optNumber(add.modificationTime) ?? 0,
      dataChange: add.dataChange !== false,
    };
    if (typeof add.stats === 'string') a.stats = add.stats;
    if (isJsonObject(add.tags)) a.tags = stringMap(add.tags);
    return { add: a };
  }
  if (isJsonObject(remove)) {
    if (typeof remove.path !== 'string') corrupt(where, 'remove without a path');
    const r: RemoveAction = { path: remove.path, dataChange: remove.dataChange !== false };
    const ts = optNumber(remove.deletionTimestamp);
    if (ts !== undefined) r.deletionTimestamp = ts;
    if (typeof remove.extendedFileMetadata === 'boolean')
      r.extendedFileMetadata = remove.extendedFileMetadata;
    if (isJsonObject(remove.partitionValues)) r.partitionValues = nullableStringMap(remove.partitionValues);
    const size = optNumber(remove.size);
    if (size !== undefined) r.size = size;
    return { remove: r };
  }
  if (isJsonObject(txn)) {
    if (typeof txn.appId !== 'string') corrupt(where, 'txn without an appId');
    const v = txn.version;
    if (typeof v !== 'number' && typeof v !== 'bigint') corrupt(where, 'txn without an integer version');
    const t: TxnAction = { appId: txn.appId, version: BigInt(v) };
    const lu = optNumber(txn.lastUpdated);
    if (lu !== undefined) t.lastUpdated = lu;
    return { txn: t };
  }
  if (isJsonObject(protocol)) {
    const p: ProtocolAction = {
      minReaderVersion: toNumber(protocol.minReaderVersion, where, 'protocol.minReaderVersion'),
      minWriterVersion: toNumber(protocol.minWriterVersion, where, 'protocol.minWriterVersion'),
    };
    const rf = stringList(protocol.readerFeatures);
    const wf = stringList(protocol.writerFeatures);
    if (rf !== undefined) p.readerFeatures = rf;
    if (wf !== undefined) p.writerFeatures = wf;
    return { protocol: p };
  }
  if (isJsonObject(metaData)) {
    if (typeof metaData.id !== 'string' || typeof metaData.schemaString !== 'string') {
      corrupt(where, 'metaData needs an id and a schemaString');
    }
    const format = isJsonObject(metaData.format) ? metaData.format : {};
    const m: MetadataAction = {
      id: metaData.id,
      format: {
        provider: typeof format.provider === 'string' ? format.provider : 'parquet',
        options: stringMap(format.options),
      },
      schemaString: metaData.schemaString,
      partitionColumns: stringList(metaData.partitionColumns) ?? [],
      configuration: stringMap(metaData.configuration),
    };
    if (typeof metaData.name === 'string') m.name = metaData.name;
    if (typeof metaData.description === 'string') m.description = metaData.description;
    const ct = optNumber(metaData.createdTime);
    if (ct !== undefined) m.createdTime = ct;
    return { metaData: m };
  }
  if (isJsonObject(commitInfo)) return { commitInfo };
  return undefined;
}

/**
 * Parses one commit file (newline-delimited JSON). Unknown actions and fields are ignored (spec: readers
 * ignore them); a malformed line throws `CORRUPT_LOG` naming `where`.
 */
export function parseCommit(text: string, where: string): Action[] {
  const actions: Action[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: JsonValue;
    try {
      value = parseJson(line);
    } catch (cause) {
      throw new DeltaError('CORRUPT_LOG', `${where}: a line is not JSON (${(cause as Error).message})`, {
        cause,
      });
    }
    if (!isJsonObject(value)) corrupt(where, 'a line is not a JSON object');
    const action = actionFromJson(value, where);
    if (action !== undefined) actions.push(action);
  }
  return actions;
}

/** One action as its JSON line (no newline). `txn.version` is written as an exact integer literal. */
export function serializeAction(action: Action): string {
  return stringifyJson(action as unknown as JsonValue);
}

/** A whole commit file: one action per line, newline-terminated. */
export function serializeCommit(actions: readonly Action[]): string {
  return actions.map((a) => `${serializeAction(a)}\n`).join('');
}

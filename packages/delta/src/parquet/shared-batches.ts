import { Data, RecordBatch, type Schema, Struct, Table, tableFromIPC, tableToIPC, util } from 'apache-arrow';

/** One `Data` of a column tree as a worker thread receives it: its buffers are views of shared memory. */
interface SharedData {
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  /** `[valueOffsets, values, nullBitmap]`, each a view of a `SharedArrayBuffer` or absent. */
  readonly buffers: readonly (ArrayBufferView | undefined)[];
  readonly children: readonly SharedData[];
}

/**
 * Record batches whose every buffer lives in `SharedArrayBuffer`s (zeroparser's `sharedMemory` batches),
 * described so that `postMessage` hands them to a worker thread without copying a byte of column data: the
 * schemas travel as Arrow IPC schema messages, the column trees as plain objects over the shared views.
 */
export interface SharedBatches {
  /** Each distinct schema of the batches, as an Arrow IPC stream holding only the schema. */
  readonly schemas: readonly Uint8Array[];
  readonly batches: readonly { readonly schema: number; readonly data: SharedData }[];
}

const schemaBytes = new WeakMap<Schema, Uint8Array>();
/**
 * The schemas encoded lately: batches often carry equal schemas in distinct objects (a conformed batch does).
 * Equal means equal fields; schema metadata may differ, which is harmless: the worker conforms every batch to
 * the table's schema.
 */
const recent: { schema: Schema; bytes: Uint8Array }[] = [];

/** A schema as an IPC stream without batches, encoded once per distinct schema. */
function ipcSchema(schema: Schema): Uint8Array {
  let bytes = schemaBytes.get(schema);
  if (bytes !== undefined) return bytes;
  bytes = recent.find((r) => util.compareSchemas(r.schema, schema))?.bytes;
  if (bytes === undefined) {
    bytes = tableToIPC(new Table(schema), 'stream');
    recent.unshift({ schema, bytes });
    if (recent.length > 16) recent.pop();
  }
  schemaBytes.set(schema, bytes);
  return bytes;
}

function describe(data: Data): SharedData | undefined {
  if (data.dictionary !== undefined || data.typeIds !== undefined || data.variadicBuffers.length > 0)
    return undefined;
  const buffers: (ArrayBufferView | undefined)[] = [];
  for (const view of [data.valueOffsets, data.values, data.nullBitmap] as (ArrayBufferView | undefined)[]) {
    if (view === undefined || view === null) buffers.push(undefined);
    // An empty view may sit on any buffer: an empty array of its type stands in (posting it costs nothing).
    else if (view.byteLength === 0)
      buffers.push(new (view.constructor as new (n: number) => ArrayBufferView)(0));
    else if (view.buffer instanceof SharedArrayBuffer) buffers.push(view);
    else return undefined; // posting it would copy its whole ArrayBuffer
  }
  const children: SharedData[] = [];
  for (const child of data.children) {
    const shared = describe(child);
    if (shared === undefined) return undefined;
    children.push(shared);
  }
  return { offset: data.offset, length: data.length, nullCount: data.nullCount, buffers, children };
}

/**
 * Describes `batches` for a worker thread when every buffer is in shared memory; `undefined` otherwise (the
 * caller then serialises them as an IPC stream).
 */
export function shareBatches(batches: readonly RecordBatch[]): SharedBatches | undefined {
  const schemas: Uint8Array[] = [];
  const out: { schema: number; data: SharedData }[] = [];
  for (const batch of batches) {
    const data = describe(batch.data);
    if (data === undefined) return undefined;
    const bytes = ipcSchema(batch.schema);
    let index = schemas.indexOf(bytes);
    if (index < 0) index = schemas.push(bytes) - 1;
    out.push({ schema: index, data });
  }
  return { schemas, batches: out };
}

/** The record batches `shareBatches` described, over the same shared memory (in the worker thread). */
export function unshareBatches(shared: SharedBatches): RecordBatch[] {
  const schemas = shared.schemas.map((bytes) => tableFromIPC(bytes).schema);
  const build = (type: Data['type'], d: SharedData): Data =>
    new Data(
      type,
      d.offset,
      d.length,
      d.nullCount,
      d.buffers as unknown as Data['buffers'],
      d.children.map((child, i) => build(type.children[i]!.type, child)),
    );
  return shared.batches.map(({ schema, data }) => {
    const s = schemas[schema]!;
    return new RecordBatch(s, build(new Struct(s.fields), data) as Data<Struct>);
  });
}

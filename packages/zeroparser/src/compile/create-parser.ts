import { RecordBatch, Schema } from 'apache-arrow';
import { buildData } from '../arrow/build-data.js';
import { type BatchPlan, planColumns } from '../arrow/column-plan.js';
import { GroupStore, plainBuffers, sharedBuffers } from '../arrow/column-store.js';
import { TILE_ROWS } from '../arrow/group-layout.js';
import { retireBatch } from '../arrow/retire-batch.js';
import { type DescriptorInput, loadMessageModel } from '../descriptor/load.js';
import { DecodeError } from '../errors.js';
import { DEFAULT_MAX_RECORD_BYTES, DEFAULT_RECURSION_LIMIT, type ParserOptions } from '../options.js';
import { WireFault } from '../wire/fault.js';
import { generateDecoder, PADDING } from './generate-decoder.js';
import { ARENA_BYTES, RecordArena } from './record-arena.js';
import { runtimeHelpers } from './runtime-helpers.js';
import { utf8ColumnsValid } from './utf8-columns.js';

/** A compiled protobuf → Arrow decoder for one message type. Safe to share: each call is synchronous. */
export interface Parser {
  /** The Arrow schema of every batch this parser returns. */
  readonly schema: Schema;
  /**
   * Decodes one record per row. Throws the first record's `DecodeError` if any record is malformed (a
   * Zerobus batch is all-or-nothing); use `decodeBatchSettled` to keep the good records.
   */
  decodeBatch(records: readonly Uint8Array[]): RecordBatch;
  /** Decodes every well-formed record (in order) and reports each malformed one, without stopping. */
  decodeBatchSettled(records: readonly Uint8Array[]): { batch: RecordBatch; errors: DecodeError[] };
  /**
   * `decodeBatch` into buffers the parser takes back when the lease is released, for callers that are done
   * with a batch before they decode the next (no allocation, page faults or garbage collection per batch).
   * After `release()` the batch is retired: reading it, its vectors or its rows throws a `TypeError`, so it
   * never shows a later batch's values; typed arrays taken out of it before (`toArray()` of a number column,
   * `data[0].values`) are views of the reused memory: copy what you keep. A lease that is never released is
   * simply garbage-collected. Throws like `decodeBatch`.
   */
  decodeBatchLeased(records: readonly Uint8Array[]): BatchLease;
}

/** A batch decoded into a parser's reusable buffers (see `Parser.decodeBatchLeased`). */
export interface BatchLease {
  readonly batch: RecordBatch;
  /** Gives the buffers back to the parser; the batch must not be used afterwards. Idempotent. */
  release(): void;
}

/** The generated functions' interface (see `generateDecoder`). */
interface Program {
  /** `lazy`: strings' UTF-8 is left to a check of whole columns (`unchecked`, `utf8ColumnsValid`). */
  begin(groups: GroupStore[], lazy: boolean): void;
  /** Ids of the string columns of a lazy batch that hold bytes over 0x7F, unchecked. */
  unchecked(): number[];
  /** Decodes the record at `[start, start + length)` of the input arena it was compiled with into `row`. */
  recordAt(start: number, length: number, row: number): void;
  counts(out: Int32Array): void;
  finish(): void;
  restore(counts: Int32Array): void;
  end(): void;
}

const CACHE_LIMIT = 256;
/** Released leases' stores a parser keeps for reuse, unless `ParserOptions.leasePool` says otherwise. */
const DEFAULT_LEASE_POOL = 2;

/** The arenas one batch is decoded into: the top-level rows and each list's elements. */
interface BatchStores {
  readonly top: GroupStore;
  readonly children: readonly GroupStore[];
}
const cache = new Map<string, Parser>();

/**
 * Compiles a protobuf message type into a parser producing Arrow record batches. `descriptor` is what
 * Zerobus `create_stream.descriptor_proto` carries (one serialized DescriptorProto with its nested types) or
 * a FileDescriptorSet with the message's full name. Compiled once per descriptor and options, then cached
 * (up to 256 schemas). Throws `SchemaError` for a descriptor that cannot become columns.
 */
export function createParser(descriptor: DescriptorInput, options: ParserOptions = {}): Parser {
  const key = cacheKey(descriptor, options);
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const parser = compileParser(descriptor, options);
  cache.set(key, parser);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return parser;
}

function cacheKey(descriptor: DescriptorInput, options: ParserOptions): string {
  const bytes = descriptor instanceof Uint8Array ? descriptor : descriptor.fileDescriptorSet;
  const name = descriptor instanceof Uint8Array ? '' : descriptor.messageName;
  return `${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}|${name}|${JSON.stringify(options)}`;
}

function compileParser(descriptor: DescriptorInput, options: ParserOptions): Parser {
  const recursionLimit = options.recursionLimit ?? DEFAULT_RECURSION_LIMIT;
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const model = loadMessageModel(descriptor, options.syntax ?? 'proto2');
  const plan = planColumns(model, options.tableSchema, recursionLimit);
  const generated = generateDecoder(plan, recursionLimit);
  const schema = new Schema(plan.root.children.map((c) => c.field));
  const sizing = new Sizing(plan);
  const newBuffer = options.sharedMemory === true ? sharedBuffers : plainBuffers;
  const leasePool = options.leasePool ?? DEFAULT_LEASE_POOL;
  // Top-level rows are decoded into a small tile that stays in cache, then flushed to the batch: writing
  // straight into a batch-sized arena spreads every record over one cache line per column and misses.
  const tile = new GroupStore(plan.groups[0]!, TILE_ROWS, sizing.dataBytes, newBuffer);
  /** The decoder bound to `arena` as a constant (see `RecordArena`): compiled again when the arena grows. */
  const compile = (arena: RecordArena): Program =>
    new Function('H', 'X', 'T', 'I', generated.source)(
      runtimeHelpers,
      generated.byteDefaults,
      tile,
      arena.bytes,
    ) as Program;
  let arena = new RecordArena(ARENA_BYTES);
  let program = compile(arena);

  /** Fresh stores for a batch of `records` records. */
  const allocate = (records: number): BatchStores => ({
    top: new GroupStore(plan.groups[0]!, roundUp(records, TILE_ROWS), sizing.dataBytes, newBuffer),
    children: plan.groups
      .slice(1)
      .map((g) => new GroupStore(g, sizing.capacity(g.id, records), sizing.dataBytes, newBuffer)),
  });
  /** Stores given back by released leases (a few: a caller holding more leases allocates for the rest). */
  const free: BatchStores[] = [];
  const reuse = (records: number): BatchStores => {
    const stores = free.pop();
    if (stores === undefined) return allocate(records);
    stores.top.reuse(roundUp(records, TILE_ROWS), false);
    stores.children.forEach((store, i) => {
      store.reuse(sizing.capacity(i + 1, records), true);
    });
    return stores;
  };

  // Lazy UTF-8 checks in all-or-nothing batches only (a settled batch keeps the bytes of the records it
  // undoes in its columns), and not into shared memory (`isUtf8` reads ordinary buffers).
  const lazyUtf8 = options.sharedMemory !== true;
  /** Decodes a batch; undefined when lazy and a string column is not well-formed UTF-8. */
  const run = (
    records: readonly Uint8Array[],
    settle: boolean,
    stores: BatchStores,
    lazy = false,
  ): { batch: RecordBatch; errors: DecodeError[] } | undefined => {
    const { top, children } = stores;
    // String data goes straight to the batch: it is appended sequentially, which caches handle well.
    for (const [column, data] of top.data) tile.data.set(column, data);
    const decoding = [tile, ...children];
    const counts = new Int32Array(plan.groups.length);
    const before = new Int32Array(plan.groups.length);
    const errors: DecodeError[] = [];
    let unchecked: number[] = [];
    let flushed = 0;
    let row = 0;
    // A record too large for the input arena (rare: 256 KiB by default) gets a larger one, and with it a
    // decoder compiled again, before the batch starts.
    if (!arena.holds(records, maxRecordBytes, PADDING)) {
      const largest = records.reduce((n, r) => (r.length <= maxRecordBytes ? Math.max(n, r.length) : n), 0);
      arena = new RecordArena(RecordArena.sizeFor(largest, PADDING));
      program = compile(arena);
    }
    program.begin(decoding, lazy);
    try {
      let index = 0;
      while (index < records.length) {
        // Records are decoded from the input arena, a tile's worth or what fits at a time; a fault's offset in
        // there is taken back to the record's own (`base`).
        const count = arena.fill(records, index, TILE_ROWS, maxRecordBytes, PADDING);
        if (count === 0)
          throw new Error(`record ${index} does not fit the input arena (a bug of zeroparser)`);
        for (let k = 0; k < count; k++, index++) {
          const record = records[index]!;
          const base = arena.start(k);
          try {
            if (record.length > maxRecordBytes) {
              throw new WireFault(
                'RECORD_TOO_LARGE',
                base,
                `the record is ${record.length} bytes, over the limit of ${maxRecordBytes}`,
              );
            }
            if (settle) program.counts(before);
            program.recordAt(base, record.length, row - flushed);
            row++;
            if (row - flushed === TILE_ROWS) {
              tile.flushTo(top, flushed);
              flushed = row;
            }
          } catch (fault) {
            if (!(fault instanceof WireFault)) throw fault;
            const offset = fault.offset - base;
            const error = new DecodeError(fault.code, index, fault.path ?? '', offset, fault.detail);
            if (!settle) throw error;
            errors.push(error);
            undoRecord(program, decoding, row - flushed, before, counts);
          }
        }
      }
      if (row > flushed) tile.flushTo(top, flushed);
      program.counts(counts);
      program.finish();
      unchecked = lazy ? program.unchecked() : [];
    } finally {
      program.end();
      tile.reset();
    }
    for (const [column, used] of tile.dataEnd) top.dataEnd.set(column, used);
    for (const [column, data] of tile.data) top.data.set(column, data);
    const groups = [top, ...children];
    counts[0] = row;
    sizing.learn(counts, groups);
    if (!utf8ColumnsValid(unchecked, groups)) return undefined;
    const data = buildData(plan.root, groups, Array.from(counts));
    return { batch: new RecordBatch(schema, data), errors };
  };

  /**
   * An all-or-nothing batch, lazy when allowed; if it fails (a fault, or ill-formed UTF-8 somewhere in a
   * string column) it is decoded again into `retry()`'s stores with the check per value, which throws the
   * first error with its record, field and offset (a record before the fault may hold the bad string).
   */
  const runStrict = (
    records: readonly Uint8Array[],
    stores: BatchStores,
    retry: () => BatchStores,
  ): RecordBatch => {
    if (lazyUtf8) {
      try {
        const result = run(records, false, stores, true);
        if (result !== undefined) return result.batch;
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
      }
      stores = retry();
    }
    return run(records, false, stores)!.batch;
  };

  return {
    schema,
    decodeBatch: (records) => runStrict(records, allocate(records.length), () => allocate(records.length)),
    decodeBatchSettled: (records) => run(records, true, allocate(records.length))!,
    decodeBatchLeased: (records) => {
      const count = records.length;
      const stores = reuse(count);
      let batch: RecordBatch;
      try {
        // No closure here may name `records`: `release` shares this scope's context, and a lease is held until
        // its rows are published, so the records (views of the request's message) would stay alive with it.
        batch = runStrict(records, stores, () => allocate(count));
      } catch (error) {
        if (free.length < leasePool) free.push(stores);
        throw error;
      }
      let released = false;
      return {
        batch,
        release: () => {
          if (released) return;
          released = true;
          retireBatch(batch);
          if (free.length < leasePool) free.push(stores);
        },
      };
    },
  };
}

function roundUp(value: number, multiple: number): number {
  return Math.max(multiple, Math.ceil(value / multiple) * multiple);
}

/** Puts every store back as it was before the failed record at `row`. */
function undoRecord(
  program: Program,
  groups: GroupStore[],
  row: number,
  before: Int32Array,
  scratch: Int32Array,
): void {
  program.counts(scratch);
  groups[0]!.clear(row, row + 1);
  for (let g = 1; g < groups.length; g++) groups[g]!.clear(before[g]!, scratch[g]!);
  program.restore(before);
}

/**
 * Sizes the next batch's buffers from what earlier batches held (elements per record, string bytes per
 * row), so that growing while decoding is rare.
 */
class Sizing {
  private readonly perRecord: Float64Array;
  readonly dataBytes = new Map<number, number>();
  constructor(plan: BatchPlan) {
    this.perRecord = new Float64Array(plan.groups.length);
  }
  capacity(group: number, records: number): number {
    if (group === 0) return records;
    return Math.ceil(this.perRecord[group]! * records * 1.05) + 16;
  }
  learn(counts: Int32Array, groups: readonly GroupStore[]): void {
    const records = counts[0]!;
    if (records === 0) return;
    for (let g = 1; g < counts.length; g++)
      this.perRecord[g] = Math.max(this.perRecord[g]!, counts[g]! / records);
    groups.forEach((group, g) => {
      for (const [column, used] of group.dataEnd) {
        if (used === 0 || counts[g] === 0) continue;
        const perRow = (used / counts[g]!) * 1.05;
        this.dataBytes.set(column, Math.max(this.dataBytes.get(column) ?? 0, perRow));
      }
    });
  }
}

import { RecordBatch, Schema } from 'apache-arrow';
import { buildData } from '../arrow/build-data.js';
import { type BatchPlan, planColumns } from '../arrow/column-plan.js';
import { GroupStore } from '../arrow/column-store.js';
import { type DescriptorInput, loadMessageModel } from '../descriptor/load.js';
import { DecodeError } from '../errors.js';
import { DEFAULT_MAX_RECORD_BYTES, DEFAULT_RECURSION_LIMIT, type ParserOptions } from '../options.js';
import { WireFault } from '../wire/fault.js';
import { generateDecoder } from './generate-decoder.js';
import { runtimeHelpers } from './runtime-helpers.js';

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
}

/** The generated functions' interface (see `generateDecoder`). */
interface Program {
  begin(groups: GroupStore[]): void;
  record(buf: Uint8Array, rec: number, row: number): void;
  counts(out: Int32Array): void;
  restore(counts: Int32Array): void;
  end(): void;
}

const CACHE_LIMIT = 256;
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
  const program = new Function('H', generated.source)(runtimeHelpers) as Program;
  const schema = new Schema(plan.root.children.map((c) => c.field));
  const sizing = new Sizing(plan);

  const run = (records: readonly Uint8Array[], settle: boolean): { batch: RecordBatch; errors: DecodeError[] } => {
    const groups = plan.groups.map((g) => new GroupStore(g, sizing.capacity(g.id, records.length)));
    const counts = new Int32Array(plan.groups.length);
    const before = new Int32Array(plan.groups.length);
    const errors: DecodeError[] = [];
    let row = 0;
    program.begin(groups);
    try {
      for (let index = 0; index < records.length; index++) {
        const record = records[index]!;
        try {
          if (record.length > maxRecordBytes) {
            throw new WireFault('RECORD_TOO_LARGE', 0, `the record is ${record.length} bytes, over the limit of ${maxRecordBytes}`);
          }
          if (settle) program.counts(before);
          program.record(record, index, row);
          row++;
        } catch (fault) {
          if (!(fault instanceof WireFault)) throw fault;
          const error = new DecodeError(fault.code, index, fault.path ?? '', fault.offset, fault.detail);
          if (!settle) throw error;
          errors.push(error);
          undoRecord(program, groups, row, before, counts);
        }
      }
      program.counts(counts);
    } finally {
      program.end();
    }
    counts[0] = row;
    sizing.learn(counts, row);
    const data = buildData(plan.root, { groups, rows: Array.from(counts), records, defaults: generated.byteDefaults });
    return { batch: new RecordBatch(schema, data), errors };
  };

  return {
    schema,
    decodeBatch: (records) => run(records, false).batch,
    decodeBatchSettled: (records) => run(records, true),
  };
}

/** Puts every store back as it was before the failed record at `row`. */
function undoRecord(program: Program, groups: GroupStore[], row: number, before: Int32Array, scratch: Int32Array): void {
  program.counts(scratch);
  groups[0]!.clear(row, row + 1);
  for (let g = 1; g < groups.length; g++) groups[g]!.clear(before[g]!, scratch[g]!);
  program.restore(before);
}

/** Sizes the element groups of the next batch from the elements per record seen so far. */
class Sizing {
  private readonly perRecord: Float64Array;
  constructor(plan: BatchPlan) {
    this.perRecord = new Float64Array(plan.groups.length);
  }
  capacity(group: number, records: number): number {
    if (group === 0) return records;
    return Math.ceil(this.perRecord[group]! * records * 1.05) + 16;
  }
  learn(counts: Int32Array, records: number): void {
    if (records === 0) return;
    for (let g = 1; g < counts.length; g++) this.perRecord[g] = Math.max(this.perRecord[g]!, counts[g]! / records);
  }
}

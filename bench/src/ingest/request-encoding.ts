import * as grpc from '@grpc/grpc-js';
import { zerobusService } from '@lakestream/ingest/protocol';
import {
  generateClickbench,
  generateClickbenchAsJson,
  generateNeowise,
  generateNeowiseAsJson,
} from '@lakestream/testkit';
import protobuf from 'protobufjs';
import { BENCH_TABLES, type BenchDataset, datasetSchema } from './bench-targets.js';

/** How a stream's records are encoded: protobuf (`record_type` PROTO) or each row's JSON text (JSON). */
export type RecordFormat = 'proto' | 'json';

/** What rows a benchmark stream sends and how: the dataset's table and the record format. */
export interface BenchRows {
  readonly dataset: BenchDataset;
  readonly format: RecordFormat;
}

/** The default rows: NEOWISE-like records as protobuf. */
export const NEOWISE_PROTO: BenchRows = { dataset: 'neowise', format: 'proto' };

/** The batch and single-record field of a request carrying `format` records (2: proto, 3: JSON). */
const recordField = (format: RecordFormat) => (format === 'proto' ? 2 : 3);

/** One pre-encoded batch of records (`repeated bytes` body) and its record payload size. */
export interface EncodedBatch {
  bytes: Uint8Array;
  payload: number;
}

/**
 * `EphemeralStreamRequest{<requestField>{offset_id, <field of format> = payload}}`: the request message around
 * one pre-encoded payload (a batch message or a single record).
 */
function streamRequest(
  requestField: number,
  offset: number,
  payload: Uint8Array,
  format: RecordFormat,
): Buffer {
  const inner = protobuf.Writer.create()
    .uint32(8)
    .int64(offset)
    .uint32((recordField(format) << 3) | 2)
    .uint32(payload.length)
    .finish();
  const head = protobuf.Writer.create()
    .uint32((requestField << 3) | 2)
    .uint32(inner.length + payload.length)
    .finish();
  return Buffer.concat([head, inner, payload]);
}

/**
 * `EphemeralStreamRequest{ingest_record_batch{offset_id, proto_encoded_batch | json_batch}}` around a
 * pre-encoded batch (both batch messages are `repeated records = 1`).
 */
export function batchRequest(
  offset: number,
  encodedBatch: Uint8Array,
  format: RecordFormat = 'proto',
): Buffer {
  return streamRequest(3, offset, encodedBatch, format);
}

/**
 * `EphemeralStreamRequest{ingest_record{offset_id, proto_encoded_record | json_record}}`: one record in the
 * protocol's single-record request (what the SDK sends for `ingestRecordOffset`).
 */
export function recordRequest(offset: number, record: Uint8Array, format: RecordFormat = 'proto'): Buffer {
  return streamRequest(2, offset, record, format);
}

/** The size of {@link batchRequest}`(offset, encodedBatch)` for a batch of `batchBytes`, without building it. */
export function batchRequestBytes(offset: number, batchBytes: number): number {
  const varint = (v: number) => (v < 2 ** 7 ? 1 : v < 2 ** 14 ? 2 : v < 2 ** 21 ? 3 : v < 2 ** 28 ? 4 : 5);
  const body = 1 + varint(offset) + 1 + varint(batchBytes) + batchBytes;
  return 1 + varint(body) + body;
}

/** The size of {@link recordRequest}`(offset, record)` for a record of `recordBytes`, without building it. */
export function recordRequestBytes(offset: number, recordBytes: number): number {
  return batchRequestBytes(offset, recordBytes);
}

/** The records of an encoded batch (`repeated bytes` body), as views. */
export function splitBatch(encodedBatch: Uint8Array): Buffer[] {
  const records: Buffer[] = [];
  const r = protobuf.Reader.create(encodedBatch);
  while (r.pos < r.len) {
    r.uint32();
    const bytes = r.bytes();
    records.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return records;
}

/** `count` seeded (seed 42) records of `rows`: the same rows as protobuf or as each row's JSON text (UTF-8). */
function generateRecords(rows: BenchRows, count: number): Uint8Array[] {
  if (rows.format === 'proto')
    return rows.dataset === 'clickbench' ? generateClickbench(count, 42) : generateNeowise(count, 42);
  const text =
    rows.dataset === 'clickbench' ? generateClickbenchAsJson(count, 42) : generateNeowiseAsJson(count, 42);
  return text.map((t) => Buffer.from(t, 'utf8'));
}

/** `count` batches of `recordsPerRequest` seeded records of `rows` each (default NEOWISE-like protobuf), encoded once. */
export function encodeBatches(
  recordsPerRequest: number,
  count = 4,
  rows: BenchRows = NEOWISE_PROTO,
): EncodedBatch[] {
  const records = generateRecords(rows, recordsPerRequest * count);
  const batches: EncodedBatch[] = [];
  for (let b = 0; b < count; b++) {
    const w = protobuf.Writer.create();
    let payload = 0;
    for (const r of records.slice(b * recordsPerRequest, (b + 1) * recordsPerRequest)) {
      w.uint32(10).bytes(r);
      payload += r.length;
    }
    batches.push({ bytes: w.finish(), payload });
  }
  return batches;
}

/** An ingest response as the client deserializes it. */
export type IngestResponse = Record<string, Record<string, string>>;

/**
 * Opens one EphemeralStream to the benchmark table of `rows` (default NEOWISE-like, PROTO) on its own grpc-js
 * channel and sends the create request (record type PROTO with the record's descriptor, or JSON). The caller
 * writes {@link batchRequest} buffers and closes `client`.
 */
export function openBenchStream(port: number, token: string, rows: BenchRows = NEOWISE_PROTO) {
  const table = BENCH_TABLES[rows.dataset].name;
  const service = zerobusService();
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 32 * 1024 * 1024,
    'grpc.http2.write_buffer_size': 1024 * 1024,
  });
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  md.set('x-databricks-zerobus-table-name', table);
  const call = client.makeBidiStreamRequest(
    '/databricks.zerobus.Zerobus/EphemeralStream',
    (m: Buffer) => m,
    service.EphemeralStream!.responseDeserialize as (b: Buffer) => IngestResponse,
    md,
  );
  call.write(
    service.EphemeralStream!.requestSerialize({
      create_stream: {
        table_name: table,
        ...(rows.format === 'proto'
          ? { record_type: 1, descriptor_proto: datasetSchema(rows.dataset).descriptorProto }
          : { record_type: 2 }),
      },
    }),
  );
  return { client, call };
}

import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { ProvisionedTable } from '@lakestream/ingest';
import {
  checkBatchMessage,
  checkSchemaMessage,
  decodeArrowRequest,
  ipcStream,
} from '@lakestream/ingest/protocol';
import {
  Table as ArrowTable,
  CompressionType,
  Float64,
  Int32,
  Int64,
  Message,
  type MessageHeader,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import {
  BodyCompression,
  BufferRegion,
  RecordBatch as RecordBatchHeader,
} from 'apache-arrow/ipc/metadata/message';
import { fullGarbageCollection } from './full-gc.js';

/*
 * What decompressing an Arrow Flight record batch costs the ingest node: `decodeArrowRequest` (the node's decode
 * of a logged request, the same live and at replay) on the same batches uncompressed, LZ4_FRAME and ZSTD, one
 * core. The batches are compressed by the lz4 and zstd command-line tools at their default levels (Debian
 * packages lz4 and zstd), one frame per buffer, as an Arrow IPC writer would.
 */

const table: ProvisionedTable = {
  name: 'bench.arrow.orders',
  location: 'tables/bench/arrow/orders',
  schema: {
    type: 'struct',
    fields: [
      { name: 'id', type: 'long', nullable: false, metadata: {} },
      { name: 'item', type: 'string', nullable: true, metadata: {} },
      { name: 'qty', type: 'integer', nullable: true, metadata: {} },
      { name: 'price', type: 'double', nullable: true, metadata: {} },
    ],
  },
  properties: {},
};

interface IpcMessage {
  header: Uint8Array;
  body: Uint8Array;
}

/** `rows` orders (id, item from 500 names, qty 0–99, price with 2 decimals), deterministic. */
function orders(rows: number): ArrowTable {
  const ids = Array.from({ length: rows }, (_, i) => i);
  return new ArrowTable({
    id: vectorFromArray(
      ids.map((i) => BigInt(1_000_000 + i)),
      new Int64(),
    ),
    item: vectorFromArray(
      ids.map((i) => (i % 13 === 0 ? null : `item-${(i * 7919) % 500}`)),
      new Utf8(),
    ),
    qty: vectorFromArray(
      ids.map((i) => (i * 31) % 100),
      new Int32(),
    ),
    price: vectorFromArray(
      ids.map((i) => ((i * 104729) % 100_000) / 100),
      new Float64(),
    ),
  });
}

/** Splits an IPC stream into its messages (schema first). */
function messages(bytes: Uint8Array): IpcMessage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: IpcMessage[] = [];
  let p = 0;
  while (p + 8 <= bytes.length) {
    const len = view.getInt32(p + 4, true);
    p += 8;
    if (len === 0) break;
    const header = bytes.subarray(p, p + len);
    p += len;
    const bodyLength = Message.decode(header).bodyLength;
    out.push({ header, body: bytes.subarray(p, p + bodyLength) });
    p += bodyLength;
  }
  return out;
}

/** The batch with each non-empty buffer compressed by `tool` (`lz4` or `zstd`), behind its int64 length. */
function compress(batch: IpcMessage, codec: CompressionType): IpcMessage {
  const tool = codec === CompressionType.LZ4_FRAME ? 'lz4' : 'zstd';
  const msg = Message.decode(batch.header) as Message<MessageHeader.RecordBatch>;
  const rb = msg.header();
  const parts: Uint8Array[] = [];
  const regions: BufferRegion[] = [];
  let at = 0;
  for (const { offset, length } of rb.buffers) {
    if (length === 0) {
      regions.push(new BufferRegion(at, 0));
      continue;
    }
    const data = batch.body.subarray(offset, offset + length);
    const frame = execFileSync(tool, ['-c', '-q'], { input: data, maxBuffer: 1 << 30 });
    const chunk = new Uint8Array(Math.ceil((8 + frame.length) / 8) * 8);
    new DataView(chunk.buffer).setBigInt64(0, BigInt(length), true);
    chunk.set(frame, 8);
    parts.push(chunk);
    regions.push(new BufferRegion(at, 8 + frame.length));
    at += chunk.length;
  }
  const header = new RecordBatchHeader(rb.length, rb.nodes, regions, new BodyCompression(codec));
  return {
    header: Message.encode(new Message(at, msg.version, msg.headerType, header)),
    body: Buffer.concat(parts),
  };
}

/**
 * One codec's result: MB of uncompressed Arrow body decoded per CPU-second of this (single-threaded) process, the
 * median repetition. CPU time rather than wall time: the machine is shared, and a decode waiting for a core
 * costs the node nothing.
 */
export interface ArrowDecompressRow {
  codec: string;
  batches: number;
  uncompressedMB: number;
  wireMB: number;
  mbPerSecond: number;
}

/**
 * Runs the benchmark: `batches` decodes of one batch of `rows` rows (default 50,000: 1.6 MB, about what the SDK
 * sends in one message) per codec and repetition, `reps` repetitions round-robin (default 7).
 */
export function runArrowDecompressBench(
  options: { batches?: number; rows?: number; reps?: number } = {},
): ArrowDecompressRow[] {
  const { batches = 40, rows = 50_000, reps = 7 } = options;
  const [schema, plain] = messages(tableToIPC(orders(rows), 'stream')) as [IpcMessage, IpcMessage];
  const schemaFrame = checkSchemaMessage(table, schema.header);
  const variants = [
    { codec: 'uncompressed', batch: plain },
    { codec: 'LZ4_FRAME', batch: compress(plain, CompressionType.LZ4_FRAME) },
    { codec: 'ZSTD', batch: compress(plain, CompressionType.ZSTD) },
  ];
  const streams = variants.map(({ batch }) => {
    checkBatchMessage(table, 0n, batch.header, batch.body, 1 << 30);
    return ipcStream(schemaFrame, batch.header, batch.body);
  });
  fullGarbageCollection()();
  const times: number[][] = variants.map(() => []);
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (k + rep) % variants.length;
      const started = process.cpuUsage();
      let rowsSeen = 0;
      for (let b = 0; b < batches; b++) rowsSeen += decodeArrowRequest(table, streams[v]!, BigInt(b)).numRows;
      if (rowsSeen !== rows * batches) throw new Error(`${variants[v]!.codec}: decoded ${rowsSeen} rows`);
      const used = process.cpuUsage(started);
      times[v]!.push((used.user + used.system) / 1000);
    }
  }
  return variants.map(({ codec, batch }, v) => {
    const sorted = [...times[v]!].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const uncompressedMB = (plain.body.length * batches) / 1e6;
    return {
      codec,
      batches,
      uncompressedMB,
      wireMB: (batch.body.length * batches) / 1e6,
      mbPerSecond: uncompressedMB / (median / 1000),
    };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? undefined : Number(process.argv[i + 1]);
  };
  const rows = runArrowDecompressBench({
    ...(arg('batches') === undefined ? {} : { batches: arg('batches')! }),
    ...(arg('rows') === undefined ? {} : { rows: arg('rows')! }),
    ...(arg('reps') === undefined ? {} : { reps: arg('reps')! }),
  });
  console.log(
    '| codec | batches | uncompressed MB | on the wire MB | MB/s per core (uncompressed MB per CPU-second) |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.codec} | ${r.batches} | ${r.uncompressedMB.toFixed(1)} | ${r.wireMB.toFixed(1)} | ${r.mbPerSecond.toFixed(0)} |`,
    );
  }
}

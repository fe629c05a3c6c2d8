import { Table as ArrowTable, CompressionType, Int32, Int64, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowMessages, type IpcMessage } from '../../test/support/flight-client.js';
import { type CompressOptions, compressBatch } from '../../test/support/ipc-compression.js';
import { isIngestError } from '../base/errors.js';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import { checkBatchMessage, checkSchemaMessage, decodeArrowRequest, ipcStream } from './arrow-ipc.js';

const table: ProvisionedTable = {
  name: 'main.sales.orders',
  location: 'tables/main/sales/orders',
  schema: {
    type: 'struct',
    fields: [
      { name: 'id', type: 'long', nullable: false, metadata: {} },
      { name: 'item', type: 'string', nullable: true, metadata: {} },
      { name: 'qty', type: 'integer', nullable: true, metadata: {} },
    ],
  },
  properties: {},
};

const LIMIT = 16 * 1024 * 1024;
const CODECS = [CompressionType.LZ4_FRAME, CompressionType.ZSTD] as const;
const NAME = { [CompressionType.LZ4_FRAME]: 'LZ4_FRAME', [CompressionType.ZSTD]: 'ZSTD' };

/** 5,000 orders, every 7th item null (so the batch has a validity buffer). */
function orders(): ArrowTable {
  const ids = Array.from({ length: 5_000 }, (_, i) => BigInt(i));
  return new ArrowTable({
    id: vectorFromArray(ids, new Int64()),
    item: vectorFromArray(
      ids.map((i) => (i % 7n === 0n ? null : `item-${i % 50n}`)),
      new Utf8(),
    ),
    qty: vectorFromArray(
      ids.map((i) => Number(i % 9n)),
      new Int32(),
    ),
  });
}

const ORDERS = orders();
const MESSAGES = arrowMessages(ORDERS);
const SCHEMA_FRAME = checkSchemaMessage(table, MESSAGES.schema.header);
const PLAIN = MESSAGES.batches[0]!;

/** The request's path through the node: checked on arrival, then decoded from the logged IPC stream. */
function ingest(batch: IpcMessage, offset = 3n) {
  checkBatchMessage(table, offset, batch.header, batch.body, LIMIT);
  return decodeArrowRequest(table, ipcStream(SCHEMA_FRAME, batch.header, batch.body), offset);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(isIngestError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

function compressed(codec: CompressionType, options?: CompressOptions): IpcMessage {
  return compressBatch(PLAIN, codec, options);
}

describe.each(CODECS)('an Arrow record batch compressed with %s', (codec) => {
  it('decodes to exactly the rows sent (each buffer compressed)', () => {
    const batch = compressed(codec);
    expect(batch.body.length).toBeLessThan(PLAIN.body.length * (codec === CompressionType.ZSTD ? 2 : 1));
    expect(
      ingest(batch)
        .toArray()
        .map((r) => r.toJSON()),
    ).toEqual(ORDERS.toArray().map((r) => r.toJSON()));
  });

  it('decodes buffers stored behind the -1 length as they are, beside compressed ones', () => {
    const batch = compressed(codec, { stored: (i) => i % 2 === 0 });
    expect(
      ingest(batch)
        .toArray()
        .map((r) => r.toJSON()),
    ).toEqual(ORDERS.toArray().map((r) => r.toJSON()));
    const allStored = compressed(codec, { stored: () => true });
    expect(ingest(allStored).numRows).toBe(5_000);
  });

  it('refuses corrupt data: INVALID_ARGUMENT naming table, offset, buffer and what to do', () => {
    const mangled = compressed(codec, {
      mangle: (i, bytes) => {
        if (i !== 3) return bytes;
        const out = Uint8Array.from(bytes);
        // LZ4: the first block's size; ZSTD: the frame header's descriptor (reserved bit set).
        if (codec === CompressionType.LZ4_FRAME) out[10] = 0xff;
        else out[4] = out[4]! | 0x08;
        return out;
      },
    });
    expect(refusal(() => ingest(mangled))).toMatch(
      new RegExp(
        `^table main\\.sales\\.orders, offset 3: buffer 3 \\(${NAME[codec]}\\) does not decompress: .+; the compressed batch is corrupt: check the producer's Arrow IPC writer, or send uncompressed batches$`,
      ),
    );
    const truncated = compressed(codec, { mangle: (i, bytes) => (i === 4 ? bytes.subarray(0, 12) : bytes) });
    expect(refusal(() => ingest(truncated))).toMatch(/offset 3: buffer 4 .+ does not decompress/);
  });

  it('refuses a buffer whose data is shorter or longer than its declared length', () => {
    const longer = compressed(codec, { declare: (i, n) => (i === 4 ? BigInt(n - 8) : BigInt(n)) });
    expect(refusal(() => ingest(longer))).toMatch(/offset 3: buffer 4 .+ does not decompress/);
    const shorter = compressed(codec, { declare: (i, n) => (i === 4 ? BigInt(n + 8) : BigInt(n)) });
    expect(refusal(() => ingest(shorter))).toMatch(/offset 3: buffer 4 .+ does not decompress/);
  });

  it('refuses an absurd declared size on arrival, before allocating: one buffer, or all of them together', () => {
    const absurd = compressed(codec, { declare: (i, n) => (i === 1 ? 2n ** 60n : BigInt(n)) });
    expect(refusal(() => checkBatchMessage(table, 3n, absurd.header, absurd.body, LIMIT))).toBe(
      `table main.sales.orders, offset 3: buffer 1 declares ${2n ** 60n} uncompressed bytes, more than the ${LIMIT} this node decompresses per batch; send smaller record batches (at most 16 × the node's request size limit uncompressed)`,
    );
    const many = compressed(codec, { declare: () => BigInt(LIMIT / 4) });
    expect(refusal(() => checkBatchMessage(table, 3n, many.header, many.body, LIMIT))).toMatch(
      /^table main\.sales\.orders, offset 3: its buffers declare \d+ or more uncompressed bytes, more than the 16777216/,
    );
    const negative = compressed(codec, { declare: (i, n) => (i === 1 ? -2n : BigInt(n)) });
    expect(refusal(() => checkBatchMessage(table, 3n, negative.header, negative.body, LIMIT))).toMatch(
      /offset 3: buffer 1 declares an uncompressed length of -2; the compressed batch is corrupt/,
    );
  });

  it('refuses a body cut short on arrival', () => {
    const batch = compressed(codec);
    const cut = batch.body.subarray(0, batch.body.length - 64);
    expect(refusal(() => checkBatchMessage(table, 3n, batch.header, cut, LIMIT))).toMatch(
      /^table main\.sales\.orders, offset 3: data_body has \d+ bytes but the RecordBatch message declares \d+$/,
    );
  });
});

describe('an Arrow record batch with an unknown compression codec', () => {
  it('is refused on arrival, in words', () => {
    const batch = compressBatch(PLAIN, 7 as CompressionType);
    expect(refusal(() => checkBatchMessage(table, 0n, batch.header, batch.body, LIMIT))).toBe(
      'table main.sales.orders, offset 0: IPC compression 7 is not supported; send uncompressed batches, or compress them with LZ4_FRAME or ZSTD',
    );
  });
});

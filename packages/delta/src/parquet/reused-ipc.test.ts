import { Table, tableToIPC } from 'apache-arrow';
import { Table as WasmTable } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { ingestBatch, ingestRows, ingestSchema } from '../../test/support/ingest-batch.js';
import { fromArrowSchema, toArrowSchema } from '../schema/arrow-schema.js';
import { conformBatch } from '../schema/conform-batch.js';
import { writeReusedIpc } from './reused-ipc.js';

describe('the reused IPC stream', () => {
  const schema = toArrowSchema(fromArrowSchema(ingestSchema));
  const small = [conformBatch(ingestBatch(ingestRows(1, 40, 0)), schema)];
  // Nested columns, nulls, and a sliced batch (offsets that do not start at 0).
  const large = [
    conformBatch(ingestBatch(ingestRows(2, 300, 40)), schema),
    conformBatch(ingestBatch(ingestRows(3, 200, 340)).slice(7, 150), schema),
  ];
  const expected = (batches: typeof small) => tableToIPC(new Table(schema, batches), 'stream');

  it('holds the bytes tableToIPC makes, as the buffer grows and when a smaller stream follows', () => {
    const first = writeReusedIpc(schema, small);
    expect(Buffer.compare(first, expected(small))).toBe(0);
    const grown = writeReusedIpc(schema, large);
    expect(Buffer.compare(grown, expected(large))).toBe(0);
    const again = writeReusedIpc(schema, small);
    expect(Buffer.compare(again, expected(small))).toBe(0);
    // The same memory, reused: the larger stream's view now starts with the smaller one.
    expect(again.buffer).toBe(grown.buffer);
    expect(Buffer.compare(grown.subarray(0, again.byteLength), again)).toBe(0);
  });

  it('is read by parquet-wasm to every row', () => {
    const read = WasmTable.fromIPCStream(writeReusedIpc(schema, large));
    expect(read.numBatches).toBe(2);
    const rows = read.recordBatches().reduce((n, b) => n + b.numRows, 0);
    read.free();
    expect(rows).toBe(300 + 143);
  });
});

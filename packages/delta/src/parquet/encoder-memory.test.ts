import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Int64, makeVector, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.js';
import { createParquetPool } from './parquet-pool.js';

// The encoder threads' memory: parquet-wasm's linear memory grows to the most it ever held and never shrinks,
// so a file is encoded a row group at a time (`rowGroupBytes`) and a worker grown past `maxWasmBytes` is
// replaced. Each pool's workers are fresh threads, so the sizes they report are those of the files here.

const schemaString = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'note', type: 'string', nullable: true, metadata: {} },
  ],
});
const ROWS = 200_000;
const MiB = 1024 * 1024;

/** ~20 MB of Arrow data (an 8-byte id and a ~90-byte string per row) as an IPC stream. */
function bigIpc(): Uint8Array {
  const ids = BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i));
  const notes = Array.from(ids, (id) => `row ${id} `.padEnd(90, String.fromCharCode(97 + Number(id % 26n))));
  return tableToIPC(new Table({ id: makeVector(ids), note: vectorFromArray(notes, new Utf8()) }), 'stream');
}

/** DuckDB's rows, id sum, string length and row groups of a Parquet file. */
async function readBack(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const path = join(tempDir('encoder-memory-'), 'part.parquet');
  writeFileSync(path, bytes);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const sql = `SELECT count(*)::INTEGER AS n, sum(id)::VARCHAR AS ids, sum(length(note))::INTEGER AS notes,
      (SELECT count(DISTINCT row_group_id)::INTEGER FROM parquet_metadata('${path}')) AS groups
      FROM read_parquet('${path}')`;
    return (await conn.runAndReadAll(sql)).getRowObjectsJson()[0]!;
  } finally {
    conn.closeSync();
  }
}

const ALL_ROWS = { n: ROWS, ids: String(((ROWS - 1) * ROWS) / 2), notes: ROWS * 90 };

describe('encoder memory', () => {
  it('encodes a file a row group at a time: parquet-wasm memory stays near a row group, not the file', async () => {
    const ipc = bigIpc();
    const ipcBytes = ipc.byteLength; // the IPC bytes move to the worker
    await using whole = createParquetPool({ workers: 1, maxWasmBytes: 0 });
    await using sliced = createParquetPool({ workers: 1, maxWasmBytes: 0 });
    const a = await whole.encode({ ipc: ipc.slice(), schemaString, parquet: { rowGroupBytes: 0 } });
    const b = await sliced.encode({ ipc, schemaString, parquet: { rowGroupBytes: MiB } });
    const [wholeWasm, slicedWasm] = [whole.memory()[0]!.wasmBytes, sliced.memory()[0]!.wasmBytes];
    // At once, parquet-wasm holds the file's IPC bytes, its columns and the encoded file (measured: ~2.9× the
    // IPC bytes); a row group at a time, a few row groups' worth whatever the file's size.
    expect(wholeWasm).toBeGreaterThan(2 * ipcBytes);
    expect(slicedWasm).toBeLessThan(ipcBytes);
    expect(await readBack(a.parquet!)).toEqual({ ...ALL_ROWS, groups: 1 });
    const slicedRead = await readBack(b.parquet!);
    expect(slicedRead).toMatchObject(ALL_ROWS);
    expect(slicedRead.groups).toBeGreaterThanOrEqual(8);
    expect(b.stats).toBe(a.stats);
  });

  it('replaces a worker grown past maxWasmBytes once its files are done; the files and the next ones read back', async () => {
    const ipc = bigIpc();
    await using pool = createParquetPool({ workers: 1, maxWasmBytes: 8 * MiB });
    // Two files at once: both go to the one worker (two in flight), which grows past the limit on the first.
    const [first, second] = await Promise.all([
      pool.encode({ ipc: ipc.slice(), schemaString, parquet: { rowGroupBytes: 0 } }),
      pool.encode({ ipc: ipc.slice(), schemaString, parquet: { rowGroupBytes: 0 } }),
    ]);
    expect(pool.recycled).toBe(1);
    expect(pool.memory()[0]!.wasmBytes).toBe(0); // the fresh worker has encoded nothing yet
    const small = tableToIPC(new Table({ id: vectorFromArray([7n], new Int64()) }), 'stream');
    const third = await pool.encode({ ipc: small, schemaString });
    expect(pool.recycled).toBe(1);
    expect(pool.memory()[0]!.wasmBytes).toBeLessThan(8 * MiB);
    expect(await readBack(first.parquet!)).toMatchObject(ALL_ROWS);
    expect(await readBack(second.parquet!)).toMatchObject(ALL_ROWS);
    expect(await readBack(third.parquet!)).toMatchObject({ n: 1, ids: '7' });
  });
});

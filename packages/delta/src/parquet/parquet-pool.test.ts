import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Int64, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.js';
import { DeltaError } from '../errors.js';
import type { DeltaSchema } from '../schema/delta-schema.js';
import { createTable, openTable } from '../table.js';
import { createParquetPool } from './parquet-pool.js';

const schemaString = JSON.stringify({
  type: 'struct',
  fields: [{ name: 'id', type: 'long', nullable: false, metadata: {} }],
});
const ipcOf = (from: number, n: number): Uint8Array =>
  tableToIPC(
    new Table({
      id: vectorFromArray(
        Array.from({ length: n }, (_, i) => BigInt(from + i)),
        new Int64(),
      ),
    }),
    'stream',
  );

describe('parquet pool', () => {
  it('encodes more files than workers, each to readable parquet with its stats', async () => {
    await using pool = createParquetPool({ workers: 2 });
    const files = await Promise.all(
      Array.from({ length: 7 }, (_, k) => pool.encode({ ipc: ipcOf(k * 10, 10), schemaString })),
    );
    files.forEach((f, k) => {
      expect(f.numRecords).toBe(10);
      expect(JSON.parse(f.stats)).toMatchObject({ minValues: { id: k * 10 }, maxValues: { id: k * 10 + 9 } });
      expect(f.size).toBe(f.parquet!.byteLength);
      const ids = tableFromIPC(readParquet(f.parquet!).intoIPCStream())
        .getChild('id')!
        .toArray() as BigInt64Array;
      expect([...ids]).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(k * 10 + i)));
    });
  });

  it('writes the file itself into a local storage when asked (temp file, rename), returning only its size', async () => {
    await using pool = createParquetPool({ workers: 1 });
    const dir = tempDir('parquet-pool-output-');
    const path = 'nested/part-0.parquet';
    const f = await pool.encode(
      { ipc: ipcOf(5, 3), schemaString },
      { storage: { location: dir, options: { fsync: true } }, path },
    );
    expect(f.parquet).toBeUndefined();
    const bytes = readFileSync(join(dir, path));
    expect(f.size).toBe(bytes.byteLength);
    const ids = tableFromIPC(readParquet(bytes).intoIPCStream()).getChild('id')!.toArray() as BigInt64Array;
    expect([...ids]).toEqual([5n, 6n, 7n]);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['part-0.parquet']); // no temp file left
    // A file that cannot be written is a STORAGE error naming it.
    const blocked = `${path}/below-a-file.parquet`;
    const err = await pool
      .encode(
        { ipc: ipcOf(0, 1), schemaString },
        { storage: { location: dir, options: { fsync: false } }, path: blocked },
      )
      .catch((e: unknown) => e);
    expect((err as DeltaError).code).toBe('STORAGE');
    expect((err as DeltaError).message).toContain(blocked);
  });

  it.skipIf(process.platform !== 'linux')(
    'runs its workers at the niceness asked for, the calling thread unchanged',
    async () => {
      const niceOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      const threads = () =>
        readdirSync('/proc/self/task').map((tid) =>
          niceOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')),
        );
      const mainNice = () => niceOf(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8'));
      const mainBefore = mainNice();
      const before = threads().filter((n) => n === 13).length;
      await using pool = createParquetPool({ workers: 2, niceness: 13 });
      await Promise.all([0, 1, 2, 3].map((k) => pool.encode({ ipc: ipcOf(k, 2), schemaString })));
      expect(threads().filter((n) => n === 13).length - before).toBe(2);
      expect(mainNice()).toBe(mainBefore);
    },
  );

  it('writes the checkpoint of a local table on a worker from its log on disk, and reports a log it cannot read', async () => {
    const dir = tempDir('parquet-pool-checkpoint-');
    await using pool = createParquetPool({ workers: 1 });
    const schema = JSON.parse(schemaString) as DeltaSchema;
    await using table = await createTable(dir, { schema, pool });
    await table.append(new Table({ id: vectorFromArray([1n, 2n], new Int64()) }));
    await pool.checkpoint({ location: dir, options: { fsync: true } }, 1);
    const last = JSON.parse(readFileSync(join(dir, '_delta_log', '_last_checkpoint'), 'utf8')) as {
      version: number;
    };
    expect(last.version).toBe(1);
    expect(readdirSync(join(dir, '_delta_log'))).toContain('00000000000000000001.checkpoint.parquet');
    await using reopened = await openTable(dir);
    expect((await reopened.snapshot()).numRecords).toBe(2);
    const missing = await pool
      .checkpoint({ location: join(dir, 'no-such-table'), options: { fsync: false } }, 3)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DeltaError);
    expect((missing as DeltaError).code).toBe('TABLE_NOT_FOUND');
  });

  it('passes the worker error code through and refuses work after close', async () => {
    const pool = createParquetPool({ workers: 1 });
    const wrong = tableToIPC(new Table({ id: vectorFromArray(['x'], new Utf8()) }), 'stream');
    const err = await pool.encode({ ipc: wrong, schemaString }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeltaError);
    expect((err as DeltaError).code).toBe('SCHEMA_MISMATCH');
    expect((err as DeltaError).message).toContain('id');
    await pool.close();
    const closed = await pool.encode({ ipc: ipcOf(0, 1), schemaString }).catch((e: unknown) => e);
    expect((closed as DeltaError).code).toBe('POOL_CLOSED');
  });
});

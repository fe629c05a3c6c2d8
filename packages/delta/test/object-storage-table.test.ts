import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParquetPool, createTable, openStorage, openTable, removeOrphanFiles } from '../src/index.js';
import { type Azurite, startAzurite } from '../src/test-support/index.js';
import { idsOf, simpleRows, simpleSchema } from './support/simple-table.js';
import { tempDir } from './support/temp-dir.js';

const APPENDS = 12;
const ROWS = 10;

let azurite: Azurite | undefined;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

describe('a Delta table in Azure Blob Storage (Azurite)', () => {
  it('takes appends from two writers at once, checkpoints, reads back (and DuckDB agrees), and loses orphans only', async () => {
    const env = azurite!.env;
    const location = `az://${await azurite!.createContainer()}/tables/main/sales/orders`;
    // The encoder threads open the table's storage themselves: they write the data files and checkpoints.
    await using pool = createParquetPool({ workers: 2 });
    const options = { pool, storage: { env } };
    await (await createTable(location, { ...options, schema: simpleSchema })).close();

    // Two handles, as two nodes: each appends its own ids, both at once; Put Blob with If-None-Match orders them.
    const writers = await Promise.all([openTable(location, options), openTable(location, options)]);
    await Promise.all(
      writers.map(async (table, w) => {
        for (let i = 0; i < APPENDS; i++) {
          const from = (w * APPENDS + i) * ROWS;
          await table.append(simpleRows(from, ROWS), { txn: { appId: `writer-${w}`, version: BigInt(i) } });
        }
      }),
    );
    await writers[0]!.snapshot(); // catch up with the other writer's last commits
    await writers[0]!.checkpoint();
    for (const table of writers) await table.close();

    await using table = await openTable(location, options);
    const snapshot = await table.snapshot();
    expect(snapshot.version).toBe(2 * APPENDS);
    expect(snapshot.numRecords).toBe(2 * APPENDS * ROWS);
    const history = await table.history();
    expect(history.map((h) => h.version)).toEqual(
      Array.from({ length: 2 * APPENDS + 1 }, (_, v) => 2 * APPENDS - v),
    );
    expect(idsOf(await table.scan())).toEqual(Array.from({ length: 2 * APPENDS * ROWS }, (_, i) => i));
    expect(await table.latestTxnVersion('writer-1')).toBe(BigInt(APPENDS - 1));

    const storage = openStorage(location, { env });
    const last = JSON.parse(new TextDecoder().decode(await storage.read('_delta_log/_last_checkpoint')));
    expect(last.version).toBe(2 * APPENDS);
    const log = await storage.list('_delta_log/');
    expect(log).toContain('_delta_log/00000000000000000010.checkpoint.parquet');
    expect(log).toContain('_delta_log/00000000000000000024.checkpoint.parquet');

    // DuckDB reads the data files the log lists, downloaded from the container.
    const dir = tempDir('delta-azurite-');
    const files: string[] = [];
    for (const file of snapshot.files) {
      const local = join(dir, file.path);
      writeFileSync(local, (await storage.read(file.path)) as Uint8Array);
      files.push(`'${local}'`);
    }
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const result = await conn.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS d, max(id)::INTEGER AS hi FROM read_parquet([${files}])`,
      );
      expect(result.getRowObjectsJson()).toEqual([
        { n: 2 * APPENDS * ROWS, d: 2 * APPENDS * ROWS, hi: 2 * APPENDS * ROWS - 1 },
      ]);
    } finally {
      conn.closeSync();
      db.closeSync();
    }

    // Orphan cleanup over the container: an unreferenced data file goes, every referenced one stays.
    const orphan = 'part-00000-00000000-0000-0000-0000-000000000000-c000.zstd.parquet';
    await storage.write(orphan, (await storage.read(snapshot.files[0]!.path)) as Uint8Array);
    const report = await removeOrphanFiles(storage, { minAgeMs: 0 });
    expect(report.removed.map((r) => [r.path, r.kind])).toEqual([[orphan, 'data']]);
    expect(report.kept.referenced).toBe(snapshot.files.length);
    expect(await storage.read(orphan)).toBeUndefined();
    expect(idsOf(await table.scan())).toHaveLength(2 * APPENDS * ROWS);
  });
});

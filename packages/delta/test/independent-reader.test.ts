import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createTable, fromArrowSchema } from '../src/index.js';
import { dataFilePath } from '../src/read/scan-files.js';
import { type IngestRow, ingestBatch, ingestRows, ingestSchema } from './support/ingest-batch.js';
import { simpleRows, simpleSchema } from './support/simple-table.js';
import { tempDir } from './support/temp-dir.js';

/** What DuckDB's JSON row conversion should give for an input row. */
function duckJson(r: IngestRow): Record<string, unknown> {
  const ts = (micros: bigint): string => {
    const ms = Number(micros / 1000n);
    const frac = String(micros % 1_000_000n)
      .padStart(6, '0')
      .replace(/0+$/, '');
    const base = new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    return `${base}${frac === '' ? '' : `.${frac}`}+00`;
  };
  return {
    id: r.id,
    big: String(r.big),
    u32: r.u32 === null ? null : String(r.u32),
    u64: String(r.u64),
    f64: r.f64,
    f32: r.f32,
    flag: r.flag,
    name: r.name,
    payload: r.payload === null ? null : Buffer.from(r.payload).toString('hex').toUpperCase(),
    ts: r.ts === null ? null : ts(r.ts),
    day: new Date(r.day * 86_400_000).toISOString().slice(0, 10),
    point: r.point,
    tags: r.tags,
    attrs: [...r.attrs].map(([key, value]) => ({ key, value })),
  };
}

const canon = (rows: Record<string, unknown>[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

describe('DuckDB reads what we write', () => {
  it('returns exactly the input rows with the Delta types', async () => {
    const dir = tempDir('delta-duckdb-');
    await using table = await createTable(dir, {
      schema: fromArrowSchema(ingestSchema),
      workers: 2,
      targetFileBytes: 16 * 1024,
    });
    const inputs = [ingestRows(1, 300, 0), ingestRows(2, 1, 300), ingestRows(3, 500, 301)];
    for (const rows of inputs) await table.append(ingestBatch(rows));
    // Two batches in one append, small target files: several files per commit.
    const more = [ingestRows(4, 200, 801), ingestRows(5, 200, 1001)];
    const multi = await table.append(more.map(ingestBatch));
    expect(multi.files.length).toBeGreaterThan(1);

    const snap = await table.snapshot();
    const files = snap.files.map((f) => `'${join(dir, dataFilePath(f.path))}'`).join(', ');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const describe = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet([${files}])`);
      const types = Object.fromEntries(
        describe.getRowObjectsJson().map((r) => [String(r.column_name), String(r.column_type)]),
      );
      expect(types).toEqual({
        id: 'INTEGER',
        big: 'BIGINT',
        u32: 'BIGINT',
        u64: 'DECIMAL(20,0)',
        f64: 'DOUBLE',
        f32: 'FLOAT',
        flag: 'BOOLEAN',
        name: 'VARCHAR',
        payload: 'BLOB',
        ts: 'TIMESTAMP WITH TIME ZONE',
        day: 'DATE',
        point: 'STRUCT(x DOUBLE, "label" VARCHAR)',
        tags: 'INTEGER[]',
        attrs: 'MAP(VARCHAR, INTEGER)',
      });
      await conn.run("SET TimeZone = 'UTC'");
      const result = await conn.runAndReadAll(
        `SELECT * REPLACE (hex(payload) AS payload) FROM read_parquet([${files}])`,
      );
      const expected = [...inputs, ...more].flat().map(duckJson);
      expect(result.currentRowCount).toBe(expected.length);
      expect(canon(result.getRowObjectsJson() as Record<string, unknown>[])).toEqual(canon(expected));
      // The stats agree with DuckDB's own aggregates on an int64 above 2^53.
      const agg = await conn.runAndReadAll(`SELECT min(big)::VARCHAR AS lo FROM read_parquet([${files}])`);
      expect(agg.getRowObjectsJson()[0]?.lo).toBe('9007199254740993');
    } finally {
      conn.closeSync();
    }
  });
});

describe('Parquet footer statistics', () => {
  it('are per column chunk by default and absent with statistics "none"; the Delta stats are there either way', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      for (const statistics of ['chunk', 'none'] as const) {
        const dir = tempDir('delta-footer-stats-');
        await using table = await createTable(dir, {
          schema: fromArrowSchema(ingestSchema),
          workers: 1,
          ...(statistics === 'chunk' ? {} : { parquet: { statistics } }),
        });
        const rows = ingestRows(7, 400, 0);
        await table.append(ingestBatch(rows));
        const [file] = (await table.snapshot()).files;
        const path = join(dir, dataFilePath(file!.path));
        const footer = await conn.runAndReadAll(
          `SELECT stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls
             FROM parquet_metadata('${path}') WHERE path_in_schema = 'id'`,
        );
        const ids = rows.map((r) => r.id);
        expect(footer.getRowObjectsJson()[0]).toEqual(
          statistics === 'chunk'
            ? { lo: String(Math.min(...ids)), hi: String(Math.max(...ids)), nulls: '0' }
            : { lo: null, hi: null, nulls: null },
        );
        expect(JSON.parse(file!.stats!)).toMatchObject({
          numRecords: 400,
          minValues: { id: Math.min(...ids) },
          maxValues: { id: Math.max(...ids) },
        });
        // DuckDB reads and filters the file the same without them.
        const count = await conn.runAndReadAll(
          `SELECT count(*)::INTEGER AS n FROM read_parquet('${path}') WHERE id >= 200`,
        );
        expect(count.getRowObjectsJson()[0]?.n).toBe(ids.filter((id) => id >= 200).length);
      }
    } finally {
      conn.closeSync();
    }
  });
});

describe('schema evolution', () => {
  it('widens the table in the commit of the rows that carry the new column; DuckDB reads old files as nulls', async () => {
    const dir = tempDir('delta-evolve-');
    await using table = await createTable(dir, { schema: simpleSchema, workers: 1 });
    const tableId = (await table.snapshot()).metadata.id;
    await table.append(simpleRows(0, 2), { schema: simpleSchema });
    expect(readdirSync(join(dir, '_delta_log')).filter((n) => n.endsWith('.json'))).toHaveLength(2);

    const extra = { name: 'extra', type: 'double', nullable: true, metadata: {} };
    const wider = { ...simpleSchema, fields: [...simpleSchema.fields, extra] };
    // Rows of an old writer (no `extra`) and of a new one, in one append: one commit, a metaData first.
    const old = simpleRows(2, 2).batches[0]!;
    const fresh = simpleRows(4, 2, true).batches[0]!;
    const result = await table.append([old, fresh], { schema: wider, txn: { appId: 'node', version: 1 } });
    const commit = readFileSync(
      join(dir, '_delta_log', `${String(result.version).padStart(20, '0')}.json`),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, { id?: string; schemaString?: string }>);
    expect(commit.map((a) => Object.keys(a)[0])).toEqual(['commitInfo', 'metaData', 'add', 'txn']);
    expect(commit[1]!.metaData!.id).toBe(tableId);
    expect(JSON.parse(commit[1]!.metaData!.schemaString!)).toEqual(wider);
    // Asking for a schema the table already has (or a narrower one) commits no metaData.
    const again = await table.append(simpleRows(6, 1), { schema: simpleSchema });
    const last = readFileSync(
      join(dir, '_delta_log', `${String(again.version).padStart(20, '0')}.json`),
      'utf8',
    );
    expect(last).not.toContain('metaData');

    const files = (await table.snapshot()).files
      .map((f) => `'${join(dir, dataFilePath(f.path))}'`)
      .join(', ');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const rows = await conn.runAndReadAll(
        `SELECT id::INTEGER AS id, name, extra FROM read_parquet([${files}], union_by_name = true) ORDER BY id`,
      );
      expect(rows.getRowObjectsJson()).toEqual([
        { id: 0, name: 'name-0', extra: null },
        { id: 1, name: 'name-1', extra: null },
        { id: 2, name: 'name-2', extra: null },
        { id: 3, name: 'name-3', extra: null },
        { id: 4, name: 'name-4', extra: 2 },
        { id: 5, name: 'name-5', extra: 2.5 },
        { id: 6, name: 'name-6', extra: null },
      ]);
    } finally {
      conn.closeSync();
    }
  });
});

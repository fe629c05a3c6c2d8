import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Field, Int64, Schema, tableFromArrays, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.js';
import { encodeParquetStream } from './parquet-stream.js';

const SCHEMA = new Schema([new Field('id', new Int64(), true), new Field('name', new Utf8(), true)]);

/** DuckDB's answer to `sql` over the Parquet bytes `bytes` (written to a temp file named `$file`). */
async function duckdb(bytes: Uint8Array, sql: string): Promise<Record<string, unknown>[]> {
  const path = join(tempDir('parquet-stream-'), 'out.parquet');
  writeFileSync(path, bytes);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql.replaceAll('$file', `'${path}'`))).getRowObjectsJson();
  } finally {
    conn.closeSync();
  }
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  onChunk: () => void = () => {},
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    onChunk();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

describe('encodeParquetStream', () => {
  it('sends each row group as it is written, before the later batches are pulled; DuckDB reads every row', async () => {
    let pulled = 0;
    async function* batches() {
      for (let b = 0; b < 20; b++) {
        pulled++;
        const ids = BigInt64Array.from({ length: 1000 }, (_, i) => BigInt(b * 1000 + i));
        yield tableFromArrays({ id: ids, name: Array.from(ids, (id) => `row ${id}`) }).batches[0]!;
      }
    }
    const pulledAtChunk: number[] = [];
    const bytes = await collect(await encodeParquetStream(SCHEMA, batches(), { rowGroupRows: 1000 }), () =>
      pulledAtChunk.push(pulled),
    );
    // The first bytes left while batches were still to come: the file is never whole in memory.
    expect(pulledAtChunk[0]).toBeLessThan(20);
    expect(pulledAtChunk.length).toBeGreaterThan(1);
    expect(
      await duckdb(
        bytes,
        'SELECT count(*)::INTEGER AS n, sum(id)::VARCHAR AS ids, max(name) AS top, (SELECT count(*)::INTEGER FROM parquet_metadata($file) WHERE column_id = 0) AS groups FROM read_parquet($file)',
      ),
    ).toEqual([{ n: 20_000, ids: String((19_999 * 20_000) / 2), top: 'row 9999', groups: 20 }]);
  });

  it('writes a file of no rows with the columns when there are no batches', async () => {
    async function* none() {}
    const bytes = await collect(await encodeParquetStream(SCHEMA, none()));
    expect(
      await duckdb(
        bytes,
        'SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM read_parquet($file))',
      ),
    ).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
    ]);
  });
});

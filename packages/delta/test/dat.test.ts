import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RecordBatch, Table, tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { openTable } from '../src/index.js';
import { canonicalRows } from './support/canonical-rows.js';

const DAT = join(import.meta.dirname, '../../../../shared/data/dat');

interface Expected {
  version: number;
  properties: Record<string, string>;
  min_reader_version: number;
  min_writer_version: number;
}

function expectedRows(dir: string): Table {
  const contentDir = join(dir, 'table_content');
  const batches: RecordBatch[] = [];
  for (const name of readdirSync(contentDir).filter((n) => n.endsWith('.parquet'))) {
    batches.push(...tableFromIPC(readParquet(readFileSync(join(contentDir, name))).intoIPCStream()).batches);
  }
  return new Table(batches);
}

const cases = readdirSync(DAT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(DAT, d.name, 'expected')).map((v) => ({ name: d.name, dir: join(DAT, d.name), v })),
  );

describe('Delta Acceptance Testing reader cases', () => {
  it('found the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('$name at $v', async ({ dir, v }) => {
    const expectedDir = join(dir, 'expected', v);
    const meta = JSON.parse(
      readFileSync(join(expectedDir, 'table_version_metadata.json'), 'utf8'),
    ) as Expected;
    await using table = await openTable(join(dir, 'delta'));
    const version = v === 'latest' ? undefined : meta.version;
    const snap = await table.snapshot(version);
    expect(snap.version).toBe(meta.version);
    expect(snap.properties).toEqual(meta.properties);
    expect(snap.protocol.minReaderVersion).toBe(meta.min_reader_version);
    expect(snap.protocol.minWriterVersion).toBe(meta.min_writer_version);

    const rows = await table.scan(version === undefined ? {} : { version });
    const expected = expectedRows(expectedDir);
    const columns = expected.schema.fields.map((f) => f.name);
    expect(rows.schema.fields.map((f) => f.name).sort()).toEqual([...columns].sort());
    expect(canonicalRows(rows, columns)).toEqual(canonicalRows(expected, columns));
  });
});

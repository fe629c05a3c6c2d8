import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Table,
  TimestampMicrosecond,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  createLocalStorage,
  createParquetPool,
  createTable,
  type DeltaError,
  openTable,
  type Storage,
} from '../src/index.js';
import { idsOf, simpleRows, simpleSchema } from './support/simple-table.js';
import { tempDir } from './support/temp-dir.js';

const parquetFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.parquet'));

async function rejection(p: Promise<unknown>): Promise<DeltaError> {
  try {
    await p;
  } catch (err) {
    return err as DeltaError;
  }
  throw new Error('expected a rejection');
}

function writeLog(dir: string, lines: object[]): void {
  mkdirSync(join(dir, '_delta_log'), { recursive: true });
  writeFileSync(
    join(dir, '_delta_log', '00000000000000000000.json'),
    `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`,
  );
}

const metaData = {
  id: 'x',
  format: { provider: 'parquet', options: {} },
  schemaString: JSON.stringify(simpleSchema),
  partitionColumns: [],
  configuration: {},
};

describe('create and open', () => {
  it('refuses a second create and a missing table', async () => {
    const dir = tempDir();
    await (await createTable(dir, { schema: simpleSchema })).close();
    expect((await rejection(createTable(dir, { schema: simpleSchema }))).code).toBe('TABLE_EXISTS');
    const missing = await rejection(openTable(tempDir()));
    expect(missing.code).toBe('TABLE_NOT_FOUND');
    expect(missing.message).toContain('_delta_log');
  });

  it('writes protocol (1,2), appendOnly metaData and a CREATE TABLE commitInfo', async () => {
    const dir = tempDir();
    await using table = await createTable(dir, { schema: simpleSchema });
    const snap = await table.snapshot();
    expect(snap.version).toBe(0);
    expect(snap.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(snap.properties).toEqual({ 'delta.appendOnly': 'true' });
    expect(snap.schema).toEqual(simpleSchema);
    const [entry] = await table.history();
    expect(entry?.operation).toBe('CREATE TABLE');
  });

  it('refuses tables that need features we do not implement, naming the feature', async () => {
    const reader = tempDir();
    writeLog(reader, [
      {
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['deletionVectors'],
          writerFeatures: ['deletionVectors'],
        },
      },
      { metaData },
    ]);
    const err = await rejection(openTable(reader));
    expect(err.code).toBe('UNSUPPORTED_FEATURE');
    expect(err.message).toContain('deletionVectors');

    const writer = tempDir();
    writeLog(writer, [
      {
        protocol: {
          minReaderVersion: 1,
          minWriterVersion: 7,
          writerFeatures: ['appendOnly', 'changeDataFeed'],
        },
      },
      { metaData },
    ]);
    await using table = await openTable(writer, { workers: 1 });
    expect((await table.scan()).numRows).toBe(0);
    const werr = await rejection(table.append(simpleRows(0, 1)));
    expect(werr.code).toBe('UNSUPPORTED_FEATURE');
    expect(werr.message).toContain('changeDataFeed');

    const legacy = tempDir();
    writeLog(legacy, [{ protocol: { minReaderVersion: 2, minWriterVersion: 5 } }, { metaData }]);
    expect((await rejection(openTable(legacy))).message).toContain('columnMapping');
  });
});

describe('append, scan, history, time travel', () => {
  it('reads the last rows from the newest files only', async () => {
    const dir = tempDir();
    await using table = await createTable(dir, { schema: simpleSchema, workers: 1 });
    await table.append(simpleRows(0, 5));
    await table.append(simpleRows(5, 5));
    await table.append(simpleRows(10, 5));
    // The oldest data file gone: a tail within the two newest files never opens it; a longer one does.
    const oldest = (await table.snapshot(1)).files[0]!.path;
    rmSync(join(dir, decodeURIComponent(oldest)));
    expect(idsOf(await table.scan({ limit: 10, tail: true }))).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const missing = await rejection(table.scan({ limit: 11, tail: true }));
    expect(missing.code).toBe('CORRUPT_LOG');
    expect(missing.message).toContain('is missing');
  });

  it('appends, reads back, travels in time, limits rows', async () => {
    const dir = tempDir();
    await using table = await createTable(dir, { schema: simpleSchema, workers: 1 });
    const first = await table.append(simpleRows(0, 5));
    const second = await table.append([...simpleRows(5, 5).batches, ...simpleRows(10, 5).batches]);
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(idsOf(await table.scan())).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(idsOf(await table.scan({ version: 1 }))).toEqual([0, 1, 2, 3, 4]);
    expect((await table.scan({ limit: 7 })).numRows).toBe(7);
    expect(idsOf(await table.scan({ limit: 7, tail: true }))).toEqual([8, 9, 10, 11, 12, 13, 14]);
    expect(idsOf(await table.scan({ limit: 3, tail: true, version: 1 }))).toEqual([2, 3, 4]);
    expect(idsOf(await table.scan({ limit: 40, tail: true }))).toEqual(
      Array.from({ length: 15 }, (_, i) => i),
    );
    expect((await rejection(table.snapshot(9))).code).toBe('VERSION_NOT_FOUND');

    const history = await table.history();
    expect(history.map((h) => [h.version, h.operation])).toEqual([
      [2, 'WRITE'],
      [1, 'WRITE'],
      [0, 'CREATE TABLE'],
    ]);
    expect(history[0]?.commitInfo.isBlindAppend).toBe(true);
    // What each commit added, summed from its add actions; no txn on these appends.
    expect(history.map((h) => [h.added.files, h.added.records, h.txnAppId])).toEqual([
      [history[0]!.added.files, 10, undefined],
      [1, 5, undefined],
      [0, 0, undefined],
    ]);
    expect(history[0]!.added.files).toBeGreaterThanOrEqual(1);
    expect(history[1]!.added.bytes).toBe((await table.snapshot(1)).files[0]!.size);
    // File names carry the codec; stats are a JSON string.
    const add = (await table.snapshot()).files[0]!;
    expect(add.path).toMatch(/^part-00000-[0-9a-f-]{36}-c000\.zstd\.parquet$/);
    expect(JSON.parse(add.stats ?? '{}')).toMatchObject({
      numRecords: 5,
      minValues: { id: 0 },
      maxValues: { id: 4 },
    });
  });

  it('writes snappy when asked and uses a shared pool', async () => {
    const dir = tempDir();
    await using pool = createParquetPool({ workers: 1 });
    await using table = await createTable(dir, {
      schema: simpleSchema,
      pool,
      parquet: { compression: 'snappy' },
    });
    const r = await table.append(simpleRows(0, 3));
    expect(r.files[0]?.path).toMatch(/\.snappy\.parquet$/);
    expect(idsOf(await table.scan())).toEqual([0, 1, 2]);
  });

  it('splits a large append into one file per encoder thread, and keeps a small one whole', async () => {
    const dir = tempDir();
    await using pool = createParquetPool({ workers: 2 });
    await using table = await createTable(dir, {
      schema: new Schema([new Field('x', new Float64(), false)]),
      pool,
    });
    // 2.5M doubles = 20 MB of Arrow data: over twice the 8 MiB floor, so each of the 2 workers gets a file.
    const big = 2_500_000;
    const large = await table.append(
      new RecordBatch({
        x: makeData({
          type: new Float64(),
          length: big,
          data: Float64Array.from({ length: big }, (_, i) => i),
        }),
      }),
    );
    expect(large.files).toHaveLength(2);
    const small = await table.append(
      new RecordBatch({ x: makeData({ type: new Float64(), length: 10, data: new Float64Array(10) }) }),
    );
    expect(small.files).toHaveLength(1);
    const rows = await table.scan();
    expect(rows.numRows).toBe(big + 10);
    expect(rows.getChild('x')!.get(big - 1)).toBe(big - 1);
  });

  it('keeps txn versions exact above 2^53 and skips covered txns', async () => {
    const dir = tempDir();
    await using table = await createTable(dir, { schema: simpleSchema, workers: 1 });
    const big = 2n ** 60n + 1n;
    await table.append(simpleRows(0, 2), { txn: { appId: 'node-1/t', version: big } });
    expect(await table.latestTxnVersion('node-1/t')).toBe(big);
    expect(readFileSync(join(dir, '_delta_log', '00000000000000000001.json'), 'utf8')).toContain(
      `"version":${big}`,
    );
    const again = await table.append(simpleRows(100, 2), { txn: { appId: 'node-1/t', version: big } });
    expect((await table.history({ limit: 1 }))[0]?.txnAppId).toBe('node-1/t');
    expect(again.committed).toBe(false);
    expect((await table.history())[0]?.operation).toBe('STREAMING UPDATE');
    await using reopened = await openTable(dir);
    expect(await reopened.latestTxnVersion('node-1/t')).toBe(big);
    expect(await reopened.latestTxnVersion('other')).toBeUndefined();
    expect(idsOf(await reopened.scan())).toEqual([0, 1]);
  });
});

describe('schemas', () => {
  it('evolves by adding nullable columns; old files read them as nulls', async () => {
    const dir = tempDir();
    await using table = await createTable(dir, { schema: simpleSchema, workers: 1 });
    await table.append(simpleRows(0, 2));
    const missing = await rejection(table.append(simpleRows(2, 2, true)));
    expect(missing.code).toBe('SCHEMA_MISMATCH');
    expect(missing.message).toContain('extra');

    const extra = { name: 'extra', type: 'double', nullable: true, metadata: {} };
    await table.evolveSchema({ ...simpleSchema, fields: [...simpleSchema.fields, extra] });
    await table.append(simpleRows(2, 2, true));
    const rows = await table.scan();
    const extras = [...rows.getChild('extra')!].map((v) => v as number | null);
    expect(extras.sort()).toEqual([1, 1.5, null, null]);

    const notNull = await rejection(
      table.evolveSchema({
        ...simpleSchema,
        fields: [...simpleSchema.fields, extra, { ...extra, name: 'n', nullable: false }],
      }),
    );
    expect(notNull.code).toBe('SCHEMA_MISMATCH');
    const retyped = await rejection(
      table.evolveSchema({
        type: 'struct',
        fields: [{ ...simpleSchema.fields[0]!, type: 'string' }, simpleSchema.fields[1]!, extra],
      }),
    );
    expect(retyped.code).toBe('SCHEMA_MISMATCH');
  });

  it('refuses zone-less timestamps and nulls in NOT NULL columns', async () => {
    const dir = tempDir();
    await using table = await createTable(dir, {
      schema: new Schema([
        new Field('id', new Int64(), false),
        new Field('ts', new TimestampMicrosecond('UTC'), true),
      ]),
      workers: 1,
    });
    const noZone = new Table({
      id: vectorFromArray([1n], new Int64()),
      ts: vectorFromArray([0], new TimestampMicrosecond()),
    });
    expect((await rejection(table.append(noZone))).code).toBe('SCHEMA_MISMATCH');
    const nulls = new RecordBatch(
      new Schema([new Field('id', new Int64(), true)]),
      new Table({ id: vectorFromArray([null], new Int64()) }).batches[0]!.data,
    );
    const err = await rejection(table.append(nulls));
    expect(err.code).toBe('SCHEMA_MISMATCH');
    expect(err.message).toContain('NOT NULL');
    expect(
      (
        await rejection(
          createTable(tempDir(), {
            schema: { type: 'struct', fields: [{ name: 'a b', type: 'long', nullable: true, metadata: {} }] },
          }),
        )
      ).code,
    ).toBe('INVALID_ARGUMENT');
    const ntz = await rejection(
      createTable(tempDir(), { schema: new Schema([new Field('t', new TimestampMicrosecond(), true)]) }),
    );
    expect(ntz.code).toBe('UNSUPPORTED_FEATURE');
    expect(ntz.message).toContain('timestampNtz');
  });
});

describe('conflicts between handles', () => {
  it('retries at latest + 1, detects duplicates through txn, aborts on a metaData change', async () => {
    const dir = tempDir();
    await (await createTable(dir, { schema: simpleSchema })).close();
    await using pool = createParquetPool({ workers: 1 });
    await using a = await openTable(dir, { pool });
    await using b = await openTable(dir, { pool });

    await a.append(simpleRows(0, 1));
    const retried = await b.append(simpleRows(1, 1));
    expect(retried).toMatchObject({ version: 2, committed: true, retries: 1 });

    await a.append(simpleRows(2, 1), { txn: { appId: 'app', version: 5n } });
    const before = parquetFiles(dir).length;
    // b is stale (version 2): it loses the race for 3, reads the winner, sees txn 5 already committed.
    const dup = await b.append(simpleRows(100, 1), { txn: { appId: 'app', version: 5n } });
    expect(dup).toMatchObject({ version: 3, committed: false, files: [] });
    expect(parquetFiles(dir).length).toBe(before);

    const extra = { name: 'extra', type: 'double', nullable: true, metadata: {} };
    await a.evolveSchema({ ...simpleSchema, fields: [...simpleSchema.fields, extra] });
    await a.append(simpleRows(3, 1));
    const conflict = await rejection(b.commit([{ add: (await b.snapshot(3)).files[0]! }]));
    expect(conflict.code).toBe('METADATA_CHANGED');
    expect(conflict.message).toContain('commit 4');
    // b reloaded: the next append goes through at the latest version.
    expect((await b.append(simpleRows(4, 1))).version).toBe(6);
    expect(idsOf(await b.scan())).toEqual([0, 1, 2, 3, 4]);
  });

  it('a handle far behind catches up through the newest checkpoint', async () => {
    const dir = tempDir();
    await using writer = await createTable(dir, { schema: simpleSchema, fsync: false });
    await using reader = await openTable(dir);
    for (let i = 0; i < 125; i++) {
      const add = {
        path: `f-${i}.parquet`,
        partitionValues: {},
        size: 1,
        modificationTime: 0,
        dataChange: true,
      };
      await writer.commit([{ add }], { txn: { appId: 'w', version: i } });
    }
    const snap = await reader.snapshot();
    expect(snap.version).toBe(125);
    expect(snap.files).toHaveLength(125);
    expect(snap.latestTxnVersion('w')).toBe(124n);
  });

  it('gives up with RETRIES_EXHAUSTED when every attempt loses', async () => {
    const dir = tempDir();
    await (await createTable(dir, { schema: simpleSchema })).close();
    const local = createLocalStorage(dir);
    const losing: Storage = { ...local, putIfAbsent: async () => false };
    await using table = await openTable(losing, { maxRetries: 2 });
    const err = await rejection(table.commit([]));
    expect(err.code).toBe('RETRIES_EXHAUSTED');
  });

  it('refuses removes on an append-only table', async () => {
    const dir = tempDir();
    await using table = await createTable(dir, { schema: simpleSchema, workers: 1 });
    const { files } = await table.append(simpleRows(0, 1));
    const err = await rejection(table.commit([{ remove: { path: files[0]!.path, dataChange: true } }]));
    expect(err.code).toBe('APPEND_ONLY');
  });
});

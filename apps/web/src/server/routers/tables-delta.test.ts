import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeltaStructType } from '@lakestream/catalog';
import { createTable, toArrowSchema } from '@lakestream/delta';
import { type Azurite, startAzurite } from '@lakestream/delta/test-support';
import { makeData, makeVector, Table, vectorFromArray } from 'apache-arrow';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';

const COLUMNS = [
  { name: 'id', type: 'long', nullable: false },
  { name: 'at', type: 'timestamp' },
  { name: 'day', type: 'date' },
  { name: 'price', type: 'decimal(10,2)' },
  { name: 'raw', type: 'binary' },
  { name: 'score', type: 'double' },
  { name: 'ok', type: 'boolean' },
  {
    name: 'customer',
    type: {
      type: 'struct',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'tags', type: { type: 'array', elementType: 'string' } },
      ],
    },
  },
  { name: 'attrs', type: { type: 'map', keyType: 'string', valueType: 'long' } },
];
const BIG = 9_007_199_254_740_993n; // 2^53 + 1: not a JS number
const AT = 1_700_000_000_000_000n; // µs: 2023-11-14T22:13:20Z

/** A decimal's unscaled value as Arrow's four little-endian 32-bit words. */
function decimalWords(values: bigint[]): Uint32Array {
  const words = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    const u = BigInt.asUintN(128, v);
    for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
  });
  return words;
}

/** Rows `from`…`from + 9` of the test table as Arrow columns (the last row of the table has id 2^53 + 1). */
function rows(schema: DeltaStructType, from: number): Table {
  const arrow = toArrowSchema(schema);
  const type = (name: string) => arrow.fields.find((f) => f.name === name)!.type;
  const n = Array.from({ length: 10 }, (_, i) => from + i);
  return new Table({
    id: vectorFromArray(
      n.map((i) => (i === 29 ? BIG : BigInt(i))),
      type('id'),
    ),
    at: makeVector(
      makeData({
        type: type('at'),
        length: 10,
        nullCount: 0,
        data: BigInt64Array.from(n.map((i) => AT + BigInt(i))),
      } as never),
    ),
    day: vectorFromArray(
      n.map((i) => new Date(Date.UTC(2024, 0, 1 + i))),
      type('day'),
    ),
    price: makeVector(
      makeData({
        type: type('price'),
        length: 10,
        nullCount: 0,
        data: decimalWords(n.map((i) => BigInt(-12345 - i))),
      } as never),
    ),
    raw: vectorFromArray(
      n.map((i) => (i % 2 === 0 ? new Uint8Array([0, 255, i]) : null)),
      type('raw'),
    ),
    score: vectorFromArray(
      n.map((i) => (i === 28 ? Number.NaN : i / 2)),
      type('score'),
    ),
    ok: vectorFromArray(
      n.map((i) => i % 3 === 0),
      type('ok'),
    ),
    customer: vectorFromArray(
      n.map((i) => (i === 27 ? null : { name: `c${i}`, tags: ['a', `t${i}`] })),
      type('customer'),
    ),
    attrs: vectorFromArray(
      n.map((i) => new Map([['k', BigInt(i) * 1_000_000_000_000n]])),
      type('attrs'),
    ),
  });
}

let t: TestServices;
let tablesDir: string;
const as = (id: string | null) => callerAs(t.services, id).caller;

beforeEach(async () => {
  tablesDir = mkdtempSync(join(tmpdir(), 'lakestream-tables-'));
  t = await openTestServices({ LAKESTREAM_TABLES_DIR: tablesDir });
  await seedUsers(t.services);
  await as('editor').catalogs.create({ name: 'main' });
  await as('editor').catalogs.createSchema({ name: 'main.sales' });
});
afterEach(async () => {
  await t.close();
  rmSync(tablesDir, { recursive: true, force: true });
});

/** Creates the catalog table and writes 3 commits of 10 rows with @lakestream/delta, as a node would. */
async function ingest(name: string, location?: string): Promise<string> {
  const table = await as('editor').tables.create({
    name,
    columns: COLUMNS,
    ...(location === undefined ? {} : { location }),
  });
  const directory = location ?? join(tablesDir, table.storageLocation);
  const delta = await createTable(directory, { schema: table.deltaSchema, fsync: false, workers: 1 });
  try {
    for (let c = 0; c < 3; c++) {
      await delta.append(rows(table.deltaSchema, c * 10), {
        txn: { appId: `node-1:${name}`, version: BigInt(c + 1) },
      });
    }
  } finally {
    await delta.close();
  }
  return directory;
}

describe('tables.history', () => {
  it('is exists: false before anything was ingested, at the location resolved under LAKESTREAM_TABLES_DIR', async () => {
    await as('editor').tables.create({ name: 'main.sales.orders', columns: COLUMNS });
    expect(await as('viewer').tables.history({ name: 'main.sales.orders' })).toEqual({
      exists: false,
      location: join(tablesDir, 'tables/main/sales/orders'),
      versions: [],
    });
  });

  it('lists the commits newest first: operation, files, rows, bytes and the writing node', async () => {
    const started = Date.now();
    const directory = await ingest('main.sales.orders');
    const history = await as('viewer').tables.history({ name: 'main.sales.orders' });
    expect(history.exists).toBe(true);
    expect(history.location).toBe(directory);
    expect(history.versions.map((v) => [v.version, v.operation, v.numFiles, v.numRecords, v.writer])).toEqual(
      [
        [3, 'STREAMING UPDATE', 1, 10, 'node-1:main.sales.orders'],
        [2, 'STREAMING UPDATE', 1, 10, 'node-1:main.sales.orders'],
        [1, 'STREAMING UPDATE', 1, 10, 'node-1:main.sales.orders'],
        [0, 'CREATE TABLE', 0, 0, null],
      ],
    );
    for (const v of history.versions) {
      expect(v.timestamp).toBeGreaterThanOrEqual(started);
      expect(v.timestamp).toBeLessThanOrEqual(Date.now());
    }
    // The bytes are the data files' sizes on disk.
    const parquet = readdirSync(directory).filter((f) => f.endsWith('.parquet'));
    expect(parquet).toHaveLength(3);
    expect(history.versions[0]?.numBytes).toBeGreaterThan(100);
    const limited = await as('viewer').tables.history({ name: 'main.sales.orders', limit: 2 });
    expect(limited.versions.map((v) => v.version)).toEqual([3, 2]);
  });
});

describe('tables.preview', () => {
  it('is exists: false before anything was ingested', async () => {
    await as('editor').tables.create({ name: 'main.sales.orders', columns: COLUMNS });
    expect(await as('viewer').tables.preview({ name: 'main.sales.orders' })).toEqual({
      exists: false,
      version: null,
      columns: [],
      rows: [],
    });
  });

  it('shows the newest rows of the latest version, 20 by default, with every type rendered for JSON', async () => {
    await ingest('main.sales.orders');
    const preview = await as('viewer').tables.preview({ name: 'main.sales.orders' });
    expect(preview.exists).toBe(true);
    expect(preview.version).toBe(3);
    expect(preview.columns).toEqual(COLUMNS.map((c) => c.name));
    expect(preview.rows).toHaveLength(20);
    expect(preview.rows.map((r) => r[0])).toEqual([
      ...Array.from({ length: 19 }, (_, i) => String(10 + i)),
      String(BIG),
    ]);
    const byId = new Map(preview.rows.map((r) => [r[0], r]));
    expect(byId.get('26')).toEqual([
      '26',
      '2023-11-14T22:13:20.000026Z',
      '2024-01-27',
      '-123.71',
      Buffer.from([0, 255, 26]).toString('base64'),
      13,
      false,
      '{"name":"c26","tags":["a","t26"]}',
      '{"k":"26000000000000"}',
    ]);
    expect(byId.get('27')?.slice(4, 8)).toEqual([null, 13.5, true, null]);
    expect(byId.get('28')?.[5]).toBe('NaN');
    expect(byId.get(String(BIG))?.[1]).toBe('2023-11-14T22:13:20.000029Z');
  });

  it('shows every timestamp and date exactly: 9999-12-31T23:59:59.999999Z, years 1599 and 2300, before 1970', async () => {
    const columns = [
      { name: 'id', type: 'long', nullable: false },
      { name: 'at', type: 'timestamp' },
      { name: 'day', type: 'date' },
      {
        name: 'nested',
        type: {
          type: 'struct',
          fields: [
            { name: 'at', type: 'timestamp' },
            { name: 'ats', type: { type: 'array', elementType: 'timestamp' } },
          ],
        },
      },
    ];
    const micros = [253402300799999999n, -11676096000000001n, 10413792000000001n, -1n, -62135596800000000n];
    const iso = [
      '9999-12-31T23:59:59.999999Z',
      '1599-12-31T23:59:59.999999Z',
      '2300-01-01T00:00:00.000001Z',
      '1969-12-31T23:59:59.999999Z',
      '0001-01-01T00:00:00.000Z',
    ];
    const days = [2932896, -135141, 120894, -1, -719162];
    const dates = ['9999-12-31', '1599-12-31', '2300-12-31', '1969-12-31', '0001-01-01'];
    const n = micros.length;
    const table = await as('editor').tables.create({ name: 'main.sales.times', columns });
    const arrow = toArrowSchema(table.deltaSchema);
    const type = (name: string) => arrow.fields.find((f) => f.name === name)!.type;
    const nestedType = type('nested');
    const [atField, atsField] = nestedType.children;
    const timestamps = (values: bigint[]) =>
      makeData({
        type: atField!.type,
        length: values.length,
        nullCount: 0,
        data: BigInt64Array.from(values),
      } as never);
    const nested = makeData({
      type: nestedType,
      length: n,
      nullCount: 0,
      children: [
        timestamps(micros),
        makeData({
          type: atsField!.type,
          length: n,
          nullCount: 0,
          valueOffsets: Int32Array.from({ length: n + 1 }, (_, i) => i),
          child: timestamps([...micros].reverse()),
        } as never),
      ],
    } as never);
    const delta = await createTable(join(tablesDir, table.storageLocation), {
      schema: table.deltaSchema,
      fsync: false,
      workers: 1,
    });
    try {
      await delta.append(
        new Table({
          id: vectorFromArray(
            micros.map((_, i) => BigInt(i)),
            type('id'),
          ),
          at: makeVector(timestamps(micros)),
          day: makeVector(
            makeData({ type: type('day'), length: n, nullCount: 0, data: Int32Array.from(days) } as never),
          ),
          nested: makeVector(nested),
        }),
      );
    } finally {
      await delta.close();
    }
    const preview = await as('viewer').tables.preview({ name: 'main.sales.times' });
    expect(preview.rows).toEqual(
      micros.map((_, i) => [
        String(i),
        iso[i],
        dates[i],
        JSON.stringify({ at: iso[i], ats: [iso[n - 1 - i]] }),
      ]),
    );
  });

  it('reads only the newest data files it needs: the limit', async () => {
    const directory = await ingest('main.sales.orders');
    const five = await as('viewer').tables.preview({ name: 'main.sales.orders', limit: 5 });
    expect(five.rows.map((r) => r[0])).toEqual(['25', '26', '27', '28', String(BIG)]);
    // The oldest data file goes missing: the 5 newest rows do not need it, 25 rows do (and say what is wrong).
    unlinkSync(join(directory, firstDataFile(directory)));
    expect((await as('viewer').tables.preview({ name: 'main.sales.orders', limit: 5 })).rows).toHaveLength(5);
    await expect(as('viewer').tables.preview({ name: 'main.sales.orders', limit: 25 })).rejects.toMatchObject(
      {
        code: 'INTERNAL_SERVER_ERROR',
        message: expect.stringMatching(/^table main\.sales\.orders: data file .* is missing/),
      },
    );
  });

  it('reads a table at an absolute location as it is', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'lakestream-abs-'));
    try {
      const directory = join(elsewhere, 'orders');
      await ingest('main.sales.abs', directory);
      expect((await as('viewer').tables.history({ name: 'main.sales.abs' })).location).toBe(directory);
      const preview = await as('viewer').tables.preview({ name: 'main.sales.abs', limit: 3 });
      expect(preview.rows.map((r) => r[0])).toEqual(['27', '28', String(BIG)]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a limit over 200, unsupported locations, and anonymous callers', async () => {
    await ingest('main.sales.orders');
    await expect(
      as('viewer').tables.preview({ name: 'main.sales.orders', limit: 201 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      as('editor').tables.create({ name: 'main.sales.gs', columns: COLUMNS, location: 'gs://bucket/orders' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^table location gs:\/\/bucket\/orders uses the unsupported scheme gs:/),
    });
    await expect(as('viewer').tables.get({ name: 'main.sales.gs' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(as(null).tables.history({ name: 'main.sales.orders' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(as('viewer').tables.history({ name: 'main.sales.nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('a table in Azure Blob Storage (Azurite)', () => {
  let azurite: Azurite | undefined;
  // The console reads object stores with the SDKs' standard environment, as in production.
  beforeAll(async () => {
    azurite = await startAzurite({ setProcessEnv: true });
  });
  afterAll(() => azurite?.stop());

  it('shows its history and preview', async () => {
    const location = `az://${await azurite!.createContainer()}/lake/main/sales/orders`;
    expect(await ingest('main.sales.orders', location)).toBe(location);
    const history = await as('viewer').tables.history({ name: 'main.sales.orders' });
    expect(history.exists).toBe(true);
    expect(history.location).toBe(location);
    expect(history.versions.map((v) => v.version)).toEqual([3, 2, 1, 0]);
    const preview = await as('viewer').tables.preview({ name: 'main.sales.orders', limit: 3 });
    expect(preview.rows.map((r) => r[0])).toEqual(['27', '28', String(BIG)]);
  });
});

/** The data file of the table's first append (version 1), from its log. */
function firstDataFile(directory: string): string {
  const commit = readFileSync(join(directory, '_delta_log', `${'1'.padStart(20, '0')}.json`), 'utf8');
  const add = commit
    .split('\n')
    .filter((l) => l.includes('"add"'))
    .map((l) => JSON.parse(l) as { add: { path: string } })[0];
  return decodeURIComponent(add!.add.path);
}

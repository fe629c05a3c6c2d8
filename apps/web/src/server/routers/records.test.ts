import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTable } from '@lakestream/delta';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMITS, expectedRow, ingestRecords, ROWS_PER_COMMIT } from '../../../test/support/records-table';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';
import type { FilterOperator } from '../records/record-filter';

const TABLE = 'main.sales.orders';
const ALL = Array.from({ length: COMMITS * ROWS_PER_COMMIT }, (_, i) => i);

let t: TestServices;
let tablesDir: string;
let directory: string;
const as = (id: string | null) => callerAs(t.services, id).caller;

// The table is only read (one test adds another table), so it is written once.
beforeAll(async () => {
  tablesDir = mkdtempSync(join(tmpdir(), 'lakestream-records-'));
  t = await openTestServices({ LAKESTREAM_TABLES_DIR: tablesDir });
  await seedUsers(t.services);
  await as('editor').catalogs.create({ name: 'main' });
  await as('editor').catalogs.createSchema({ name: 'main.sales' });
  directory = await ingestRecords(t.services, as('editor'), TABLE);
});
afterAll(async () => {
  await t?.close();
  rmSync(tablesDir, { recursive: true, force: true });
});

type Filter = { column: string; op: FilterOperator; value?: string };

/** Every page of a browse (`pageSize` rows each), following the cursors; the ids in order and the pages. */
async function browseAll(filters: Filter[], pageSize = 100, version?: number) {
  const pages = [];
  let cursor: string | undefined;
  do {
    const page = await as('viewer').records.browse({
      name: TABLE,
      filters,
      pageSize,
      ...(version === undefined ? {} : { version }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    pages.push(page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  const ids = pages.flatMap((p) => p.rows.map((r) => Number(r[0])));
  return { ids, pages, first: pages[0]! };
}

const idsWhere = (pass: (row: ReturnType<typeof expectedRow>) => boolean) =>
  ALL.map(expectedRow)
    .filter(pass)
    .map((r) => r.id);

describe('records.browse: filters, pushed down to the files statistics', () => {
  it('equality on id reads 1 of 4 files: the other 3 are skipped by their min/max', async () => {
    const { ids, first } = await browseAll([{ column: 'id', op: 'eq', value: '15' }]);
    expect(ids).toEqual([15]);
    expect(first.files).toEqual({ total: 4, skippedByStats: 3, read: 1 });
    expect(first.totals).toMatchObject({ files: 4, rows: 40 });
    expect(first.totals.bytes).toBeGreaterThan(1000);
    expect(first.candidateRows).toBe(10);
  });

  it('a range is exact at its bounds and skips the files outside it', async () => {
    const { ids, first } = await browseAll([
      { column: 'id', op: 'gte', value: '12' },
      { column: 'id', op: 'lt', value: '27' },
    ]);
    expect(ids).toEqual(idsWhere((r) => r.id >= 12 && r.id < 27));
    expect(first.files).toEqual({ total: 4, skippedByStats: 2, read: 2 });
  });

  it('dates, timestamps and strings skip by their statistics too', async () => {
    const byDay = await browseAll([{ column: 'day', op: 'eq', value: '2024-01-03' }]);
    expect(byDay.ids).toEqual(idsWhere((r) => r.day === '2024-01-03'));
    expect(byDay.first.files.skippedByStats).toBe(3);
    // at = 2024-01-01T00:00:00Z + id seconds; the max statistic is floored to ms, the bound still holds.
    const byTime = await browseAll([{ column: 'at', op: 'gt', value: '2024-01-01T00:00:31.5Z' }]);
    expect(byTime.ids).toEqual([32, 33, 34, 35, 36, 37, 38, 39]);
    expect(byTime.first.files.skippedByStats).toBe(3);
    const byItem = await browseAll([{ column: 'item', op: 'eq', value: 'tea 5' }]);
    expect(byItem.ids).toEqual([5]);
    expect(byItem.first.files.read).toBeLessThan(4);
  });

  it('substring filters read every file and match exactly', async () => {
    const { ids, first } = await browseAll([{ column: 'item', op: 'contains', value: 'a 3' }]);
    expect(ids).toEqual(idsWhere((r) => r.item.includes('a 3')));
    expect(first.files).toEqual({ total: 4, skippedByStats: 0, read: 4 });
  });

  it('nulls: only isNull finds them; a file of nulls only is skipped for values, one without nulls for isNull', async () => {
    const nulls = await browseAll([{ column: 'qty', op: 'isNull' }]);
    expect(nulls.ids).toEqual(idsWhere((r) => r.qty === null));
    // Every file has a null qty (ids 0, 20, 36…), so none is skipped.
    expect(nulls.first.files.skippedByStats).toBe(0);
    const values = await browseAll([{ column: 'qty', op: 'gte', value: '0' }]);
    expect(values.ids).toEqual(idsWhere((r) => r.qty !== null));
    // The second file's qty is all null: no value can match there.
    expect(values.first.files).toEqual({ total: 4, skippedByStats: 1, read: 3 });
    const notNull = await browseAll([{ column: 'qty', op: 'isNotNull' }]);
    expect(notNull.ids).toEqual(values.ids);
    const noNullIds = await browseAll([{ column: 'id', op: 'isNull' }]);
    expect(noNullIds.ids).toEqual([]);
    expect(noNullIds.first.files).toEqual({ total: 4, skippedByStats: 4, read: 0 });
  });

  it('a row comes back as JSON with nested values expanded', async () => {
    const { first } = await browseAll([{ column: 'id', op: 'eq', value: '3' }]);
    expect(first.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:long',
      'item:string',
      'qty:integer',
      'price:double',
      'day:date',
      'at:timestamp',
      'customer:struct',
    ]);
    const row = Object.fromEntries(first.columns.map((c, i) => [c.name, first.rows[0]![i]]));
    expect(row).toEqual({ ...expectedRow(3), id: '3' });
    expect(row.customer).toEqual({ name: 'c3', tags: ['a', 't3'] });
  });
});

describe('records.browse: paging and time travel', () => {
  it('pages of 7 cover every matching row exactly once, in a stable order', async () => {
    const { ids, pages } = await browseAll([{ column: 'price', op: 'gte', value: '3' }], 7);
    expect(pages.length).toBe(Math.ceil(ids.length / 7));
    expect(pages.slice(0, -1).every((p) => p.rows.length === 7)).toBe(true);
    expect([...ids].sort((a, b) => a - b)).toEqual(idsWhere((r) => r.price >= 3));
    expect(new Set(ids).size).toBe(ids.length);
    const again = await browseAll([{ column: 'price', op: 'gte', value: '3' }], 7);
    expect(again.ids).toEqual(ids);
  });

  it('reads an older version by number and by time, with that version totals', async () => {
    const v2 = await browseAll([], 100, 2);
    expect(v2.first.version).toBe(2);
    expect(v2.first.latestVersion).toBe(4);
    expect(v2.ids).toEqual(ALL.slice(0, 20));
    expect(v2.first.totals).toMatchObject({ files: 2, rows: 20 });

    const table = await openTable(directory);
    const history = await table.history();
    await table.close();
    const commit3 = history.find((h) => h.version === 3)!;
    const byTime = await as('viewer').records.browse({
      name: TABLE,
      asOf: new Date(commit3.timestamp!).toISOString(),
    });
    expect(byTime.version).toBe(3);
    expect(byTime.rows).toHaveLength(30);
  });

  it('refuses a version that does not exist, a time before the first commit and a cursor of another version', async () => {
    await expect(as('viewer').records.browse({ name: TABLE, version: 9 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Version 9 does not exist: the newest version of this table is 4.',
    });
    await expect(
      as('viewer').records.browse({ name: TABLE, asOf: '2001-01-01T00:00:00Z' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(
        /^2001-01-01T00:00:00\.000Z is before the table's first commit \(version 0 at \d{4}-/,
      ),
    });
    await expect(as('viewer').records.browse({ name: TABLE, asOf: 'yesterday' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining("'yesterday' is not a time"),
    });
    const page = await as('viewer').records.browse({ name: TABLE, version: 4, pageSize: 5 });
    await expect(
      as('viewer').records.browse({ name: TABLE, version: 3, cursor: page.nextCursor! }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('pages version 4') });
  });
});

describe('records.browse: bad input in a sentence, and who may browse', () => {
  it('names an unknown column, a value that does not parse, and filters a type cannot take', async () => {
    const refused = (filters: Filter[]) => as('viewer').records.browse({ name: TABLE, filters });
    await expect(refused([{ column: 'colour', op: 'eq', value: 'red' }])).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: "The table has no column 'colour'; its columns are id, item, qty, price, day, at, customer.",
    });
    await expect(refused([{ column: 'id', op: 'eq', value: 'ten' }])).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: "'ten' is not a whole number, so it cannot be compared with column 'id' (long).",
    });
    await expect(refused([{ column: 'qty', op: 'eq', value: '3000000000' }])).rejects.toMatchObject({
      message: expect.stringContaining('is outside the range of integer'),
    });
    await expect(refused([{ column: 'day', op: 'eq', value: '2024-02-30' }])).rejects.toMatchObject({
      message: expect.stringContaining('is not a date (YYYY-MM-DD)'),
    });
    await expect(refused([{ column: 'id', op: 'contains', value: '1' }])).rejects.toMatchObject({
      message: "'contains' looks for text in a string column; 'id' is long.",
    });
    await expect(refused([{ column: 'customer', op: 'isNull' }])).rejects.toMatchObject({
      message: expect.stringContaining("Column 'customer' is struct"),
    });
  });

  it('is refused to anyone signed out, and a table that does not exist is NOT_FOUND', async () => {
    await expect(as(null).records.browse({ name: TABLE })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(as('viewer').records.browse({ name: 'main.sales.nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('is exists: false before anything was ingested', async () => {
    await as('editor').tables.create({ name: 'main.sales.empty', columns: [{ name: 'id', type: 'long' }] });
    expect(await as('viewer').records.browse({ name: 'main.sales.empty' })).toMatchObject({
      exists: false,
      rows: [],
      nextCursor: null,
    });
  });
});

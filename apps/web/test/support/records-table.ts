import { join } from 'node:path';
import { createTable, toArrowSchema } from '@lakestream/delta';
import { makeData, makeVector, Table, vectorFromArray } from 'apache-arrow';
import type { WebServices } from '../../src/server/services';
import type { callerAs } from './services';

/** The columns of the record browser's test table: filterable kinds, nulls, and a nested column. */
export const RECORD_COLUMNS = [
  { name: 'id', type: 'long', nullable: false },
  { name: 'item', type: 'string' },
  { name: 'qty', type: 'integer' },
  { name: 'price', type: 'double' },
  { name: 'day', type: 'date' },
  { name: 'at', type: 'timestamp' },
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
];

/** Commits (one data file each) and rows per commit of {@link ingestRecords}. */
export const COMMITS = 4;
export const ROWS_PER_COMMIT = 10;
/** µs of row 0's `at`: 2024-01-01T00:00:00Z; row i is i seconds later. */
export const AT0 = 1_704_067_200_000_000n;

/**
 * Row `i` of the table: id i, item `tea i`, qty null when i % 4 === 0 and in every row of the second file
 * (ids 10…19), price i / 2, day 2024-01-01 + ⌊i / 10⌋ days (one day per file), at AT0 + i s, a customer.
 */
export function expectedRow(i: number) {
  return {
    id: i,
    item: `tea ${i}`,
    qty: i % 4 === 0 || (i >= 10 && i < 20) ? null : i * 10,
    price: i / 2,
    day: `2024-01-0${1 + Math.floor(i / 10)}`,
    at: new Date(Number(AT0 / 1000n) + i * 1000).toISOString(),
    customer: i === 7 ? null : { name: `c${i}`, tags: ['a', `t${i}`] },
  };
}

function rows(schema: Parameters<typeof toArrowSchema>[0], from: number): Table {
  const arrow = toArrowSchema(schema);
  const type = (name: string) => arrow.fields.find((f) => f.name === name)!.type;
  const n = Array.from({ length: ROWS_PER_COMMIT }, (_, k) => from + k);
  const rowsOf = n.map(expectedRow);
  return new Table({
    id: vectorFromArray(
      n.map((i) => BigInt(i)),
      type('id'),
    ),
    item: vectorFromArray(
      rowsOf.map((r) => r.item),
      type('item'),
    ),
    qty: vectorFromArray(
      rowsOf.map((r) => r.qty),
      type('qty'),
    ),
    price: vectorFromArray(
      rowsOf.map((r) => r.price),
      type('price'),
    ),
    day: vectorFromArray(
      rowsOf.map((r) => new Date(`${r.day}T00:00:00Z`)),
      type('day'),
    ),
    at: makeVector(
      makeData({
        type: type('at'),
        length: n.length,
        nullCount: 0,
        data: BigInt64Array.from(n.map((i) => AT0 + BigInt(i) * 1_000_000n)),
      } as never),
    ),
    customer: vectorFromArray(
      rowsOf.map((r) => r.customer),
      type('customer'),
    ),
  });
}

/**
 * Creates catalog table `name` and writes {@link COMMITS} commits of {@link ROWS_PER_COMMIT} rows (ids 0…39,
 * one data file each, so each file's statistics cover a range of ids) with @lakestream/delta, as a node would.
 * Returns the table's directory.
 */
export async function ingestRecords(
  services: WebServices,
  editor: ReturnType<typeof callerAs>['caller'],
  name: string,
): Promise<string> {
  const table = await editor.tables.create({ name, columns: RECORD_COLUMNS });
  const directory = join(services.env.tablesDir, table.storageLocation);
  const delta = await createTable(directory, { schema: table.deltaSchema, fsync: false, workers: 1 });
  try {
    for (let c = 0; c < COMMITS; c++) {
      // Commits a few ms apart, so that each has its own commitInfo timestamp for time travel.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await delta.append(rows(table.deltaSchema, c * ROWS_PER_COMMIT), {
        txn: { appId: `node-1:${name}`, version: BigInt(c + 1) },
      });
    }
  } finally {
    await delta.close();
  }
  return directory;
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../src/server/auth/sessions';
import { createRecordsExportHandler } from '../src/server/http/records-export-handler';
import { expectedRow, ingestRecords } from './support/records-table';
import { serveRoute } from './support/route-server';
import { callerAs, openTestServices, seedUsers, type TestServices } from './support/services';

const TABLE = 'main.sales.orders';

let t: TestServices;
let tablesDir: string;
let outDir: string;
let server: { url: string; close(): Promise<void> };
let cookie: string;

beforeAll(async () => {
  tablesDir = mkdtempSync(join(tmpdir(), 'lakestream-export-'));
  outDir = mkdtempSync(join(tmpdir(), 'lakestream-export-out-'));
  t = await openTestServices({ LAKESTREAM_TABLES_DIR: tablesDir });
  await seedUsers(t.services);
  const editor = callerAs(t.services, 'editor').caller;
  await editor.catalogs.create({ name: 'main' });
  await editor.catalogs.createSchema({ name: 'main.sales' });
  await ingestRecords(t.services, editor, TABLE);
  const session = await createSession(t.services.db, t.services.sessionSecret, 'viewer', null);
  cookie = `${SESSION_COOKIE}=${session.token}`;
  server = await serveRoute(createRecordsExportHandler(async () => t.services));
});
afterAll(async () => {
  await server?.close();
  await t?.close();
  rmSync(tablesDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

/** GET the export with `params` (and the viewer's session cookie unless `withCookie` is false). */
function exportOf(params: Record<string, string>, withCookie = true): Promise<Response> {
  return fetch(`${server.url}/api/records/export?${new URLSearchParams(params)}`, {
    headers: withCookie ? { cookie } : {},
  });
}

/** Saves a response's body as `name` and answers DuckDB's rows of `sql` with `$file` replaced by its path. */
async function duckdbRows(response: Response, name: string, sql: string): Promise<Record<string, unknown>[]> {
  const path = join(outDir, name);
  writeFileSync(path, Buffer.from(await response.arrayBuffer()));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql.replaceAll('$file', `'${path}'`))).getRowObjectsJson() as Record<
      string,
      unknown
    >[];
  } finally {
    conn.closeSync();
  }
}

const FILTERS = JSON.stringify([
  { column: 'id', op: 'gte', value: '12' },
  { column: 'id', op: 'lt', value: '27' },
]);
const EXPECTED = Array.from({ length: 15 }, (_, i) => expectedRow(12 + i));

describe('GET /api/records/export (over HTTP, read back by DuckDB)', () => {
  it('streams CSV of the filtered rows of a version, named after the table and version', async () => {
    const response = await exportOf({ table: TABLE, format: 'csv', version: '4', filters: FILTERS });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="main.sales.orders-v4-filtered.csv"',
    );
    expect(response.headers.get('x-lakestream-version')).toBe('4');
    // Two of the four files hold ids 12…26; the statistics skip the others.
    expect(response.headers.get('x-lakestream-candidate-rows')).toBe('20');
    const rows = await duckdbRows(
      response,
      'orders.csv',
      'SELECT id, item, qty::INTEGER AS qty, day::VARCHAR AS day, customer FROM read_csv($file, header = true) ORDER BY id',
    );
    expect(rows).toEqual(
      EXPECTED.map((r) => ({
        id: String(r.id),
        item: r.item,
        qty: r.qty,
        day: r.day,
        customer: r.customer === null ? null : JSON.stringify(r.customer),
      })),
    );
  });

  it('streams JSON Lines: one object per row, nested values as JSON', async () => {
    const response = await exportOf({ table: TABLE, format: 'jsonl', version: '4', filters: FILTERS });
    expect(response.headers.get('content-disposition')).toContain('main.sales.orders-v4-filtered.jsonl');
    const text = await response.clone().text();
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(EXPECTED.map((r) => ({ ...r, id: String(r.id) })));
    const rows = await duckdbRows(
      response,
      'orders.jsonl',
      "SELECT count(*)::INTEGER AS n, min(id)::VARCHAR AS lo, max(customer.name) AS top FROM read_json($file, format = 'newline_delimited')",
    );
    expect(rows).toEqual([{ n: 15, lo: '12', top: 'c26' }]);
  });

  it('streams Parquet with the table types, at an older version', async () => {
    const response = await exportOf({ table: TABLE, format: 'parquet', version: '2' });
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="main.sales.orders-v2.parquet"',
    );
    const rows = await duckdbRows(
      response,
      'orders.parquet',
      'SELECT count(*)::INTEGER AS n, sum(id)::INTEGER AS ids, count(qty)::INTEGER AS qtys, max("at")::VARCHAR AS newest, typeof(any_value(id)) AS idType, max(customer.tags[2]) AS tag FROM read_parquet($file)',
    );
    expect(rows).toEqual([
      { n: 20, ids: 190, qtys: 7, newest: '2024-01-01 00:00:19+00', idType: 'BIGINT', tag: 't9' },
    ]);
  });

  it('writes an empty Parquet file with the columns when nothing matches', async () => {
    const response = await exportOf({
      table: TABLE,
      format: 'parquet',
      filters: JSON.stringify([{ column: 'id', op: 'gt', value: '1000' }]),
    });
    expect(response.status).toBe(200);
    const rows = await duckdbRows(
      response,
      'empty.parquet',
      "SELECT count(*)::INTEGER AS n FROM (DESCRIBE SELECT * FROM read_parquet($file)) WHERE column_name IN ('id', 'customer')",
    );
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('refuses the signed-out (401), an unknown table (404), bad input (400) in a sentence', async () => {
    const signedOut = await exportOf({ table: TABLE, format: 'csv' }, false);
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'sign in first' } });
    const forged = await fetch(`${server.url}/api/records/export?table=${TABLE}&format=csv`, {
      headers: { cookie: `${SESSION_COOKIE}=forged` },
    });
    expect(forged.status).toBe(401);
    expect((await exportOf({ table: 'main.sales.nope', format: 'csv' })).status).toBe(404);
    const badColumn = await exportOf({
      table: TABLE,
      format: 'csv',
      filters: JSON.stringify([{ column: 'colour', op: 'eq', value: 'red' }]),
    });
    expect(badColumn.status).toBe(400);
    expect((await badColumn.json()).error.message).toContain("The table has no column 'colour'");
    const badVersion = await exportOf({ table: TABLE, format: 'csv', version: '9' });
    expect((await badVersion.json()).error.message).toBe(
      'Version 9 does not exist: the newest version of this table is 4.',
    );
    const badFormat = await exportOf({ table: TABLE, format: 'xlsx' });
    expect(badFormat.status).toBe(400);
    expect((await badFormat.json()).error.message).toMatch(/'format'/);
  });

  it('refuses a disabled user even with a live session', async () => {
    const admin = callerAs(t.services, 'admin').caller;
    const session = await createSession(t.services.db, t.services.sessionSecret, 'editor', null);
    await admin.principals.setDisabled({ id: 'editor', disabled: true });
    const response = await fetch(`${server.url}/api/records/export?table=${TABLE}&format=csv`, {
      headers: { cookie: `${SESSION_COOKIE}=${session.token}` },
    });
    expect(response.status).toBe(401);
  });
});

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogSnapshotInput } from '../src/catalog/snapshot-schema.js';
import type { IngestNode } from '../src/server-node.js';
import { readDeltaLog, readLiveRows } from './fault/read-delta.js';
import { childNodeDir, startChildNode } from './support/child-node.js';
import { ORDERS, orderSchema, testCatalog, testSnapshot } from './support/test-catalog.js';
import { readTable, rows, startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, type TestStream, zerobusClient } from './support/zerobus-client.js';

/*
 * Issue 16, schema evolution: a column added to a table in the catalog reaches the node with the next push.
 * Streams opened before keep ingesting with their descriptor (their rows hold null in the new column), a
 * descriptor carrying the column is refused until the node has the new schema and accepted after, and the
 * commit that follows carries the widened schema as a new metaData — including rows decoded and acked under
 * the old schema before the push. DuckDB reads every row back exactly.
 */

const OLD = orderSchema();
const NEW = orderSchema(`syntax = "proto2";
package test;
message Order {
  optional int64 id = 1;
  optional string item = 2;
  optional int32 qty = 3;
  optional string note = 4;
}
`);
const encode = (schema: typeof OLD, o: Record<string, unknown>) =>
  schema.type.encode(schema.type.fromObject(o)).finish();

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;
let client: ReturnType<typeof zerobusClient>;
/** Commits wait for it: rows acked under the old schema are still unpublished when the column arrives. */
let releaseCommits: () => void;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  cat = testCatalog();
  const gate = new Promise<void>((resolve) => {
    releaseCommits = resolve;
  });
  ({ node } = await startTestNode(dir, { cat, beforeCommit: () => gate }));
  client = zerobusClient(node.port);
});

afterEach(async () => {
  releaseCommits();
  client.close();
  await node.close(500);
  await cleanup();
});

/** `snapshot` one version later, with a nullable `note` column at the end of the orders table. */
function withNoteColumn(snapshot: CatalogSnapshotInput): CatalogSnapshotInput {
  const orders = snapshot.tables.find((t) => t.name === ORDERS)!;
  const schema = orders.schema as { type: 'struct'; fields: object[] };
  const note = { name: 'note', type: 'string', nullable: true, metadata: {} };
  return {
    ...snapshot,
    version: snapshot.version + 1,
    tables: [
      ...snapshot.tables.filter((t) => t !== orders),
      { ...orders, schema: { ...schema, fields: [...schema.fields, note] } },
    ],
  };
}

/** The catalog's next push: the orders table with its `note` column. */
function pushNoteColumn(): void {
  cat.catalog.replace(withNoteColumn(testSnapshot(cat.tokens)));
}

type LogAction = Record<string, { id?: string; schemaString?: string }>;

/** The actions of every commit of a table's log, by version. */
async function commits(logDir: string): Promise<LogAction[][]> {
  const names = (await readdir(logDir)).filter((n) => /^\d{20}\.json$/.test(n)).sort();
  return Promise.all(
    names.map(async (n) =>
      (await readFile(join(logDir, n), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as LogAction),
    ),
  );
}

async function opened(descriptor: Uint8Array): Promise<TestStream> {
  const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
  s.send(req.create(ORDERS, 1, descriptor));
  await s.streamId();
  return s;
}

describe('adding a nullable column', () => {
  it('keeps old streams ingesting, accepts the new descriptor once pushed, and commits the wider schema', async () => {
    const old = await opened(OLD.descriptorProto);
    old.send(req.proto(0, [encode(OLD, { id: 1, item: 'a', qty: 1 }), encode(OLD, { id: 2, item: 'b' })]));
    await old.ackedAtLeast(0);

    // Before the push, a descriptor carrying the column is refused, saying why and what to do.
    const early = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    early.send(req.create(ORDERS, 1, NEW.descriptorProto));
    const refused = await early.ended;
    expect(refused.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(refused.details).toMatch(
      /^table main\.sales\.orders: the descriptor does not fit the table at field 'note': the table has no column 'note' \(columns: id, item, qty\); if that column was just added to the table, this node has not received the new schema yet .* \(UNKNOWN_COLUMN\)$/,
    );

    pushNoteColumn();
    // The old stream goes on without reconnecting; the new descriptor is accepted now.
    old.send(req.proto(1, [encode(OLD, { id: 3, qty: 3 })]));
    await old.ackedAtLeast(1);
    const fresh = await opened(NEW.descriptorProto);
    fresh.send(
      req.proto(0, [encode(NEW, { id: 4, item: 'd', note: 'fourth' }), encode(NEW, { id: 5, note: '' })]),
    );
    await fresh.ackedAtLeast(0);
    // So does JSON carrying the column, on a stream opened after the push.
    const json = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    json.send(req.create(ORDERS, 2));
    await json.streamId();
    json.send(req.json(0, ['{"id": 6, "note": "json"}']));
    await json.ackedAtLeast(0);

    releaseCommits();
    await node.publishers.flushAll();
    for (const s of [old, fresh, json]) expect((await s.finish()).code).toBe(grpc.status.OK);

    const location = join(dir, 'tables/main/sales/orders');
    const db = await DuckDBInstance.create(':memory:');
    const duck = await db.connect();
    try {
      const log = await readDeltaLog(duck, location);
      expect(log.problems).toEqual([]);
      const { columns, problems } = await readLiveRows(duck, log, 'r.id::INTEGER, r.item, r.qty, r.note');
      expect(problems).toEqual([]);
      const rows = columns[0]!.map((id, i) => [id, columns[1]![i], columns[2]![i], columns[3]![i]]);
      expect(rows.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
        [1, 'a', 1, null],
        [2, 'b', null, null],
        [3, null, 3, null],
        [4, 'd', null, 'fourth'],
        [5, null, null, ''],
        [6, null, null, 'json'],
      ]);
    } finally {
      duck.closeSync();
    }
    // Whether the table was created before the push or after, the commit of the rows knew `note`.
    const log2 = await commits(join(location, '_delta_log'));
    const withRows = log2.findIndex((actions) => actions.some((a) => 'add' in a));
    const schemaThen = log2
      .slice(0, withRows + 1)
      .flatMap((actions) => actions.flatMap((a) => (a.metaData === undefined ? [] : [a.metaData])))
      .at(-1)!;
    expect(JSON.parse(schemaThen.schemaString!).fields.map((f: { name: string }) => f.name)).toEqual([
      'id',
      'item',
      'qty',
      'note',
    ]);
  });

  it('widens a table created before the push with a metaData in the next commit, keeping its id', async () => {
    const old = await opened(OLD.descriptorProto);
    old.send(req.proto(0, [encode(OLD, { id: 1, item: 'a' })]));
    await old.ackedAtLeast(0);
    releaseCommits();
    await node.publishers.flushAll();

    pushNoteColumn();
    const fresh = await opened(NEW.descriptorProto);
    fresh.send(req.proto(0, [encode(NEW, { id: 2, note: 'n' })]));
    old.send(req.proto(1, [encode(OLD, { id: 3 })]));
    await fresh.ackedAtLeast(0);
    await old.ackedAtLeast(1);
    await node.publishers.flushAll();

    const log = await commits(join(dir, 'tables/main/sales/orders/_delta_log'));
    // Version 0 creates the table, 1 holds the first row, 2 is the first commit after the push.
    const created = log[0]!.find((a) => a.metaData !== undefined)!.metaData!;
    expect(created.schemaString).not.toContain('note');
    const widening = log[2]!;
    const metaData = widening.find((a) => a.metaData !== undefined)?.metaData;
    expect(metaData?.id).toBe(created.id);
    expect(JSON.parse(metaData!.schemaString!).fields.map((f: { name: string }) => f.name)).toEqual([
      'id',
      'item',
      'qty',
      'note',
    ]);
    expect(widening.filter((a) => 'add' in a).length).toBeGreaterThan(0);

    const db = await DuckDBInstance.create(':memory:');
    const duck = await db.connect();
    try {
      const deltaLog = await readDeltaLog(duck, join(dir, 'tables/main/sales/orders'));
      expect(deltaLog.problems).toEqual([]);
      const { columns } = await readLiveRows(duck, deltaLog, 'r.id::INTEGER, r.note');
      const rows = columns[0]!.map((id, i) => [id, columns[1]![i]]);
      expect(rows.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
        [1, null],
        [2, 'n'],
        [3, null],
      ]);
    } finally {
      duck.closeSync();
    }
  });

  it('publishes records the WAL holds under the old schema after a restart with the new one (nulls)', async () => {
    const { tokens, provisioning, dataDir, cleanup: removeDir } = await childNodeDir();
    try {
      // Acked under the old schema, never published: only the WAL holds them when the node is killed.
      const first = await startChildNode(dataDir, provisioning, ['--flush-ms', '60000']);
      const killedClient = zerobusClient(first.port);
      const s = openStream(killedClient, 'EphemeralStream', tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 1, OLD.descriptorProto));
      await s.streamId();
      s.send(req.proto(0, [encode(OLD, { id: 1, item: 'a' }), encode(OLD, { id: 2, qty: 2 })]));
      await s.ackedAtLeast(0);
      first.process.kill('SIGKILL');
      await first.exited;
      killedClient.close();

      // The node restarts with the column (a snapshot of a higher version): the replay decodes the logged
      // records with their old descriptor into the new schema.
      await writeFile(provisioning, JSON.stringify(withNoteColumn(testSnapshot(tokens))));
      const second = await startChildNode(dataDir, provisioning);
      try {
        await second.recovered;
        const table = await readTable(dataDir, 'tables/main/sales/orders');
        expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'item', 'qty', 'note']);
        expect(rows(table).sort((a, b) => Number(a.id) - Number(b.id))).toEqual([
          { id: 1n, item: 'a', qty: null, note: null },
          { id: 2n, item: null, qty: 2, note: null },
        ]);
      } finally {
        second.process.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      await removeDir();
    }
  }, 120_000);
});

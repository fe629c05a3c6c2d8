import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ORDERS } from '../../test/support/test-catalog.js';
import { startTestNode, tempDir } from '../../test/support/test-node.js';
import { openStream, req, zerobusClient } from '../../test/support/zerobus-client.js';
import { type CatalogStore, openCatalogStore } from '../catalog/catalog-store.js';
import { snapshotFixture } from '../catalog/snapshot-fixture.js';
import { type AdminClient, createAdminClient } from './admin-client.js';
import { type AdminServer, startAdminServer } from './admin-server.js';
import type { StreamInfo, StreamRegistry } from './stream-registry.js';

const SECRET = 'test-admin-secret-0123456789';

/** A small real stream registry: a list of streams and a drain that marks them draining. */
class ListRegistry implements StreamRegistry {
  readonly streams: StreamInfo[] = [];
  draining = false;
  get isDraining(): boolean {
    return this.draining;
  }
  list(): readonly StreamInfo[] {
    return this.streams;
  }
  drain(): number {
    this.draining = true;
    for (const [i, s] of this.streams.entries()) this.streams[i] = { ...s, state: 'draining' };
    return this.streams.length;
  }
}

function stream(streamId: string, table: string, overrides: Partial<StreamInfo> = {}): StreamInfo {
  return {
    streamId,
    kind: 'ephemeral',
    table,
    principalId: 'svc-orders',
    startedAt: 1_700_000_000_000,
    state: 'open',
    records: 1500,
    bytes: 123_456,
    ackedOffset: 41n,
    ackLatencyP50Ms: 3.5,
    ackLatencyP99Ms: 12.25,
    errors: 1,
    inFlightBytes: 2048,
    ...overrides,
  };
}

let dataDir: string;
let store: CatalogStore;
let registry: ListRegistry;
let server: AdminServer;
let client: AdminClient;
const drains: number[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lakestream-admin-'));
  store = await openCatalogStore({ dataDir });
  registry = new ListRegistry();
  drains.length = 0;
  server = await startAdminServer({
    port: 0,
    host: '127.0.0.1',
    secret: SECRET,
    catalog: store,
    streams: registry,
    nodeId: 'node-test',
    defaultDrainGraceMs: 15_000,
    onDrain: async (graceMs) => {
      drains.push(graceMs);
      return registry.drain();
    },
  });
  client = createAdminClient(`127.0.0.1:${server.port}`, SECRET);
});

afterEach(async () => {
  client.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The gRPC code and details a call failed with. */
async function failure(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as { code: number; details: string },
  );
  if (error === undefined) throw new Error('the call succeeded');
  return { code: error.code, details: error.details };
}

describe('admin server authentication', () => {
  it.each<[string, string | undefined, string]>([
    ['a wrong secret', 'not-the-secret-at-all', 'wrong admin secret'],
    ['a secret that is a prefix of the right one', SECRET.slice(0, -1), 'wrong admin secret'],
    ['no secret', undefined, "missing authorization metadata: send 'authorization: Bearer <admin secret>'"],
  ])('refuses %s with UNAUTHENTICATED on every method', async (_name, secret, details) => {
    const other = createAdminClient(`127.0.0.1:${server.port}`, secret);
    try {
      for (const call of [
        () => other.getStatus(),
        () => other.pushCatalog(JSON.stringify(snapshotFixture())),
        () => other.listStreams(),
        () => other.drain(0),
      ]) {
        expect(await failure(call())).toEqual({ code: status.UNAUTHENTICATED, details });
      }
    } finally {
      other.close();
    }
    // Nothing happened.
    expect(store.current().version).toBe(0);
    expect(drains).toEqual([]);
  });
});

describe('admin server calls', () => {
  it('pushes a catalog and reports its version; a repeat is a no-op; an older one is refused', async () => {
    expect(await client.pushCatalog(JSON.stringify(snapshotFixture({ version: 4 })))).toEqual({
      version: '4',
      changed: true,
    });
    expect(store.current().version).toBe(4);
    expect(store.current().authorizeWrite('svc-orders', 'main.sales.orders').allowed).toBe(true);
    expect(await client.pushCatalog(JSON.stringify(snapshotFixture({ version: 4 })))).toEqual({
      version: '4',
      changed: false,
    });
    expect(await failure(client.pushCatalog(JSON.stringify(snapshotFixture({ version: 3 }))))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: "snapshot version 3 is older than the node's catalog version 4",
    });
  });

  it('refuses a push that is not JSON, empty, or not a snapshot, with INVALID_ARGUMENT in words', async () => {
    expect(await failure(client.pushCatalog('{"version":'))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^snapshot_json is not JSON: /),
    });
    expect(await failure(client.pushCatalog(' '))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'snapshot_json is empty',
    });
    const bad = { ...snapshotFixture({ version: 2 }), tables: [{ name: 'orders' }] };
    const refused = await failure(client.pushCatalog(JSON.stringify(bad)));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toContain(
      "tables[0].name: expected a three-part table name 'catalog.schema.table'",
    );
    expect(store.current().version).toBe(0);
  });

  it('reports status: node id, catalog version, streams, uptime, draining', async () => {
    await client.pushCatalog(JSON.stringify(snapshotFixture({ version: 9 })));
    registry.streams.push(stream('s1', 'main.sales.orders'));
    const s = await client.getStatus();
    expect(s).toMatchObject({ node_id: 'node-test', catalog_version: '9', draining: false, stream_count: 1 });
    expect(Number(s.uptime_ms)).toBeGreaterThanOrEqual(0);
  });

  it('lists streams with their counters, filtered by table case-insensitively', async () => {
    registry.streams.push(
      stream('s1', 'main.sales.orders'),
      stream('s2', 'main.sales.refunds', {
        kind: 'persistent',
        state: 'opening',
        ackedOffset: -1n,
        ackLatencyP50Ms: undefined,
        ackLatencyP99Ms: undefined,
      }),
    );
    const all = await client.listStreams();
    expect(all.streams.map((s) => s.stream_id)).toEqual(['s1', 's2']);
    expect(all.streams[0]).toMatchObject({
      stream_id: 's1',
      table: 'main.sales.orders',
      kind: 'STREAM_KIND_EPHEMERAL',
      principal_id: 'svc-orders',
      state: 'STREAM_STATE_OPEN',
      records: '1500',
      bytes: '123456',
      acked_offset: '41',
      ack_latency_p50_ms: 3.5,
      ack_latency_p99_ms: 12.25,
      errors: '1',
      started_at_ms: '1700000000000',
      inflight_bytes: '2048',
    });
    expect(all.streams[1]).toMatchObject({
      kind: 'STREAM_KIND_PERSISTENT',
      state: 'STREAM_STATE_OPENING',
      acked_offset: '-1',
    });
    expect(all.streams[1]?.ack_latency_p50_ms).toBeUndefined();
    expect(all.tables).toEqual([]); // no publishers given
    const one = await client.listStreams('MAIN.Sales.Refunds');
    expect(one.streams.map((s) => s.stream_id)).toEqual(['s2']);
    expect((await client.listStreams('main.x.y')).streams).toEqual([]);
  });

  it('drains: signals the streams with the grace asked for, or the default for 0', async () => {
    registry.streams.push(stream('s1', 'main.sales.orders'), stream('s2', 'main.sales.orders'));
    expect(await client.drain(2500)).toEqual({ streams_signalled: 2 });
    expect(await client.drain(0)).toEqual({ streams_signalled: 2 });
    expect(drains).toEqual([2500, 15_000]);
    expect(await client.getStatus()).toMatchObject({ draining: true, drained: false });
    expect((await client.listStreams()).streams.map((s) => s.state)).toEqual([
      'STREAM_STATE_DRAINING',
      'STREAM_STATE_DRAINING',
    ]);
    expect(await failure(client.drain(-1))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: "grace_ms must be 0 (the node's default, 15000 ms) or more, got -1",
    });
    // Once the streams are gone (and nothing waits to be published) the node reports drained.
    registry.streams.length = 0;
    expect(await client.getStatus()).toMatchObject({ draining: true, drained: true });
  });

  it('answers INTERNAL with a fixed message when a handler fails, and logs the cause', async () => {
    const logged: object[] = [];
    const failing = await startAdminServer({
      port: 0,
      secret: SECRET,
      catalog: store,
      streams: {
        list: () => {
          throw new Error('registry exploded');
        },
      },
      nodeId: 'node-test',
      onDrain: async () => 0,
      log: { info() {}, warn() {}, error: (obj) => logged.push(obj) },
    });
    const other = createAdminClient(`127.0.0.1:${failing.port}`, SECRET);
    try {
      expect(await failure(other.listStreams())).toEqual({
        code: status.INTERNAL,
        details: 'internal error in the ingest node; see its log',
      });
      expect(JSON.stringify(logged)).not.toContain(SECRET);
      expect(logged).toHaveLength(1);
    } finally {
      other.close();
      await failing.close();
    }
  });

  it('serves without authentication only when given no secret (--insecure-dev-admin)', async () => {
    const open = await startAdminServer({
      port: 0,
      secret: undefined,
      catalog: store,
      streams: registry,
      nodeId: 'node-dev',
      onDrain: async () => 0,
    });
    const anonymous = createAdminClient(`127.0.0.1:${open.port}`, undefined);
    try {
      expect((await anonymous.getStatus()).node_id).toBe('node-dev');
    } finally {
      anonymous.close();
      await open.close();
    }
  });
});

describe('admin ListStreams: publishing of a real node', () => {
  it('reports records acked but not yet in Delta, and their age, until the paused publisher commits them', async () => {
    const { dir, cleanup } = await tempDir();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Nothing is committed before the end (a long flush interval, and any commit would wait for the gate), so
    // acked records stay unpublished — and then go out in one commit, however slow the machine.
    const { node, cat } = await startTestNode(dir, { flushMs: 3_600_000, beforeCommit: () => gate });
    const admin = await startAdminServer({
      port: 0,
      secret: SECRET,
      catalog: store,
      streams: node.live,
      publishing: node.publishers,
      nodeId: node.nodeId,
      onDrain: async () => 0,
    });
    const nodeClient = createAdminClient(`127.0.0.1:${admin.port}`, SECRET);
    const zerobus = zerobusClient(node.port);
    try {
      expect((await nodeClient.listStreams()).tables).toEqual([]);
      const s = openStream(zerobus, 'EphemeralStream', cat.tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 2));
      await s.streamId();
      for (let o = 0; o < 3; o++) {
        s.send(
          req.json(
            o,
            Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: o * 10 + i, item: 'tea' })),
          ),
        );
      }
      await s.ackedAtLeast(2);
      await new Promise((r) => setTimeout(r, 100));

      const paused = await nodeClient.listStreams();
      expect(paused.streams.map((x) => [x.table, x.records])).toEqual([[ORDERS, '30']]);
      expect(paused.tables).toHaveLength(1);
      const lagging = paused.tables[0]!;
      expect(lagging).toMatchObject({
        table: ORDERS,
        unpublished_records: '30',
        last_committed_version: '-1',
        last_commit_at_ms: '0',
      });
      expect(Number(lagging.unpublished_bytes)).toBeGreaterThan(30 * 10);
      expect(Number(lagging.oldest_unpublished_age_ms)).toBeGreaterThanOrEqual(100);
      // No time to table before the first commit.
      expect(lagging.time_to_table_p50_ms).toBeUndefined();
      expect(lagging.time_to_table_p99_ms).toBeUndefined();
      // The table filter applies to the tables too.
      expect((await nodeClient.listStreams('main.sales.events')).tables).toEqual([]);

      const releasedAt = Date.now();
      release();
      expect((await s.finish()).code).toBe(0);
      await node.publishers.flushAll();
      const published = (await nodeClient.listStreams(ORDERS.toUpperCase())).tables;
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({
        table: ORDERS,
        oldest_unpublished_age_ms: '0',
        unpublished_records: '0',
        unpublished_bytes: '0',
        last_committed_version: '1', // version 0 created the table, 1 holds the 30 records
      });
      expect(Number(published[0]!.last_commit_at_ms)).toBeGreaterThanOrEqual(releasedAt);
      expect(Number(published[0]!.last_commit_at_ms)).toBeLessThanOrEqual(Date.now());
      // Time to table: the records were acked at least 100 ms before the gate let their commit through.
      expect(published[0]!.time_to_table_p50_ms).toBeGreaterThanOrEqual(100);
      expect(published[0]!.time_to_table_p99_ms).toBeGreaterThanOrEqual(published[0]!.time_to_table_p50_ms!);
    } finally {
      release();
      zerobus.close();
      nodeClient.close();
      await admin.close();
      await node.close(500);
      await cleanup();
    }
  });
});

describe('admin ListEndedStreams and failure counts of a real node', () => {
  it('lists an ended stream with its status, message and counts, and counts it failed for its table', async () => {
    const { dir, cleanup } = await tempDir();
    const { node, cat } = await startTestNode(dir, { flushMs: 20 });
    const admin = await startAdminServer({
      port: 0,
      secret: SECRET,
      catalog: store,
      streams: node.live,
      nodeId: node.nodeId,
      onDrain: async () => 0,
    });
    const nodeClient = createAdminClient(`127.0.0.1:${admin.port}`, SECRET);
    const zerobus = zerobusClient(node.port);
    try {
      expect(await nodeClient.listEndedStreams(0)).toMatchObject({ streams: [], oldest: '0', newest: '0' });
      // A stream that writes 3 good records, then one that is not an order: INVALID_ARGUMENT.
      const bad = openStream(zerobus, 'EphemeralStream', cat.tokens.good.token, ORDERS);
      bad.send(req.create(ORDERS, 2));
      const badId = await bad.streamId();
      bad.send(
        req.json(
          0,
          [0, 1, 2].map((id) => JSON.stringify({ id, item: 'tea' })),
        ),
      );
      await bad.ackedAtLeast(0);
      bad.send(req.json(1, [JSON.stringify({ id: 'not a number', item: 'tea' })]));
      const end = await bad.finish();
      expect(end.code).toBe(status.INVALID_ARGUMENT);
      // And one that ends cleanly.
      const good = openStream(zerobus, 'EphemeralStream', cat.tokens.good.token, ORDERS);
      good.send(req.create(ORDERS, 2));
      const goodId = await good.streamId();
      good.send(req.json(0, [JSON.stringify({ id: 9, item: 'tea' })]));
      await good.ackedAtLeast(0);
      expect((await good.finish()).code).toBe(0);
      await vi.waitFor(async () => expect((await nodeClient.listEndedStreams(0)).streams).toHaveLength(2));

      const page = await nodeClient.listEndedStreams(0);
      expect(page).toMatchObject({ oldest: '1', newest: '2' });
      expect(Number(page.node_started_at_ms)).toBeGreaterThan(0);
      const [failed, ok] = page.streams;
      expect(failed).toMatchObject({
        seq: '1',
        stream_id: badId,
        kind: 'STREAM_KIND_EPHEMERAL',
        table: ORDERS,
        principal_id: 'svc-orders',
        credential_id: 'tok-good',
        records: '3',
        acked_offset: '0',
        status: 'INVALID_ARGUMENT',
        message: end.details,
        revoked: false,
      });
      expect(failed!.message).toContain(ORDERS);
      expect(Number(failed!.bytes)).toBeGreaterThan(0);
      expect(Number(failed!.ended_at_ms)).toBeGreaterThanOrEqual(Number(failed!.started_at_ms));
      expect(ok).toMatchObject({ seq: '2', stream_id: goodId, status: 'OK', message: '', records: '1' });
      // The cursor: after seq 1 only the second; after the newest nothing.
      expect((await nodeClient.listEndedStreams(1)).streams.map((s) => s.seq)).toEqual(['2']);
      expect((await nodeClient.listEndedStreams(2)).streams).toEqual([]);
      expect((await nodeClient.listEndedStreams(0, 1)).streams.map((s) => s.seq)).toEqual(['1']);

      // The failure stays counted after the stream left the live list: only the failed one, per table.
      const listed = await nodeClient.listStreams();
      expect(listed.streams).toEqual([]);
      expect(listed.failures).toEqual([{ table: ORDERS, failed_streams: '1' }]);
      expect((await nodeClient.listStreams('main.sales.events')).failures).toEqual([]);
    } finally {
      zerobus.close();
      nodeClient.close();
      await admin.close();
      await node.close(500);
      await cleanup();
    }
  });

  it('keeps only the newest ended streams when its ring is full', async () => {
    const { EndedStreams } = await import('../stream/ended-streams.js');
    const ring = new EndedStreams(2);
    for (const code of ['OK', 'CANCELLED', 'UNAVAILABLE'])
      ring.record({
        streamId: code,
        kind: 'ephemeral',
        table: ORDERS,
        principalId: 'p',
        credentialId: 'c',
        startedAt: 1,
        endedAt: 2,
        records: 0,
        bytes: 0,
        ackedOffset: -1n,
        outcome: { code, message: '' },
      });
    const page = ring.since(0, 10);
    expect(page.streams.map((s) => [s.seq, s.streamId])).toEqual([
      [2, 'CANCELLED'],
      [3, 'UNAVAILABLE'],
    ]);
    expect([page.oldest, page.newest]).toEqual([2, 3]);
    // A clean end and a client's own cancel are not failures.
    expect([...ring.failedStreams()]).toEqual([[ORDERS, 1]]);
  });
});

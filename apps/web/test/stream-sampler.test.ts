import { join } from 'node:path';
import { loadZerobusSdk, type ZerobusSdkStream as SdkStream } from '@lakestream/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAdmin } from '../src/server/nodes/admin-client';
import { issueAccessToken } from '../src/server/oauth/issue-token';
import { createStreamHistorySink } from '../src/server/streams/stream-history';
import { createStreamSampler } from '../src/server/streams/stream-sampler';
import { freePort } from './support/free-port';
import { setUpOrdersProducer, startTestIngestNode } from './support/ingest-node';
import { callerAs, openTestServices, seedUsers, type TestServices } from './support/services';

const sdk = loadZerobusSdk();

const TABLE = 'main.sales.orders';
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let t: TestServices;
let nodeAddress: string;
let nodeId: string;
let nodeDead: string;
let ingestPort: number;
let token: string;
let producerClientId: string;
let releaseCommits!: () => void;

beforeAll(async () => {
  const scratch = await openTestServices();
  cleanups.push(() => scratch.close());
  // A real ingest node whose commits wait for a gate (a slow disk), so acked records stay unpublished.
  const gate = new Promise<void>((resolve) => {
    releaseCommits = resolve;
  });
  const ingest = await startTestIngestNode({
    dataDir: join(scratch.dataDir, 'node'),
    secretFile: join(scratch.dataDir, 'admin-secret'),
    adminSecret: 'sampler-admin-secret',
    flushMs: 50,
    beforeCommit: () => gate,
  });
  cleanups.push(async () => {
    releaseCommits();
    await ingest.close();
  });
  nodeAddress = ingest.adminAddress;
  nodeId = ingest.node.nodeId;
  nodeDead = `127.0.0.1:${await freePort()}`; // nothing listens there
  ingestPort = ingest.node.port;

  t = await openTestServices({
    LAKESTREAM_INGEST_NODES: `${nodeAddress}=${ingest.secretFile},${nodeDead}`,
    LAKESTREAM_STREAM_SAMPLE_MS: '200',
  });
  cleanups.push(() => t.close());
  await seedUsers(t.services);
  const producer = await setUpOrdersProducer(t.services, TABLE, ['USE_CATALOG', 'USE_SCHEMA', 'MODIFY']);
  producerClientId = producer.clientId;
  await t.services.provisioner.notifyChanged();
  expect(ingest.store.current().version).toBe((await t.services.snapshot()).version);
  const { env, signingKey } = t.services;
  token = (
    await issueAccessToken(
      signingKey,
      { issuer: env.publicUrl, audience: env.tokenAudience, ttlSeconds: 600 },
      { principalId: producer.principalId, clientId: producer.clientId, scope: undefined },
    )
  ).accessToken;
});

/** An SDK stream to the node with the console-issued token. */
function openSdkStream(): Promise<SdkStream> {
  const client = new sdk.ZerobusSdk(`http://127.0.0.1:${ingestPort}`, t.services.env.publicUrl);
  return client.createStream(
    { tableName: TABLE },
    'unused-client-id',
    'unused-secret',
    { recordType: sdk.RecordType.Json },
    {
      getHeadersCallback: () => [
        ['authorization', `Bearer ${token}`],
        ['x-databricks-zerobus-table-name', TABLE],
      ],
    },
  );
}

/**
 * Opens an SDK stream that writes one good record (`id`), then one that is not an order: the node ends it
 * with INVALID_ARGUMENT, final for the SDK. Resolves once the SDK saw the failure.
 */
async function failStream(id: number): Promise<void> {
  const stream = await openSdkStream();
  const failure = (async () => {
    const good = await stream.ingestRecordOffset(JSON.stringify({ id, item: 'tea' }));
    await stream.waitForOffset(good);
    const bad = await stream.ingestRecordOffset(JSON.stringify({ id: 'not a number', item: 'tea' }));
    await stream.waitForOffset(bad);
  })();
  await expect(failure).rejects.toThrow();
  await stream.close().catch(() => undefined);
}

describe('streams.live over a real ingest node', () => {
  it('sees a live stream’s records/s and its table’s publish lag; an ended stream drops out; a dead node is reported', async () => {
    const viewer = callerAs(t.services, 'viewer').caller;
    const sampler = t.services.streamSampler;
    const stream = await openSdkStream();
    let last = -1n;
    for (let i = 0; i < 50; i++)
      last = await stream.ingestRecordOffset(JSON.stringify({ id: i, item: `tea ${i}` }));
    await stream.waitForOffset(last);
    await sampler.sample();
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 50; i < 200; i++)
      last = await stream.ingestRecordOffset(JSON.stringify({ id: i, item: `tea ${i}` }));
    await stream.waitForOffset(last);
    await sampler.sample();

    const live = await viewer.streams.live({ windowSeconds: 60 });
    expect(live.intervalMs).toBe(200);
    // Static nodes: the id is the node's GetStatus answer, none for a node never reached.
    const listed = { endpoint: null, registered: false };
    expect(live.nodes).toEqual([
      { address: nodeAddress, nodeId, ...listed, reachable: true, error: null, points: expect.any(Array) },
      {
        address: nodeDead,
        nodeId: null,
        ...listed,
        points: [],
        reachable: false,
        error: `nothing answers at ${nodeDead} (connection refused): the node is down or restarting; it keeps its WAL and catalog and is brought up to date when it is back`,
      },
    ]);
    expect(live.streams).toHaveLength(1);
    const s = live.streams[0]!;
    expect(s).toMatchObject({
      node: nodeAddress,
      nodeId,
      nodeEndpoint: null,
      table: TABLE,
      kind: 'ephemeral',
      state: 'open',
      records: 200,
      ackedOffset: '199',
    });
    expect(s.bytes).toBeGreaterThan(200 * 20);
    // 150 records between the two samplings, at least 100 ms apart.
    expect(s.current?.recordsPerSec).toBeGreaterThan(0);
    expect(s.current?.recordsPerSec).toBeLessThanOrEqual(1500);
    expect(s.current?.ackP99Ms).toBeGreaterThan(0);
    expect(s.points).toHaveLength(1);
    const table = live.tables.find((x) => x.table === TABLE);
    expect(table?.streams).toBe(1);
    expect(table?.current?.recordsPerSec).toBe(s.current?.recordsPerSec);
    // Nothing is committed while the gate is closed: the records wait, and their age is the lag.
    expect(table?.current?.publishLagMs).toBeGreaterThan(0);
    // …and their bytes are the table's WAL backlog; nothing was committed, so no time to table yet.
    expect(table?.current?.walBacklogBytes).toBeGreaterThan(200 * 20);
    expect(table?.current?.timeToTableMs).toBeNull();
    expect(live.nodes[0]?.points.at(-1)?.walBacklogBytes).toBe(table?.current?.walBacklogBytes);
    // The same sampling as chart series: the total, the table, the node and the stream.
    const chart = await viewer.streams.chart({ window: '1m' });
    expect(chart.source).toBe('live');
    expect(chart.series.map((x) => x.id)).toEqual([
      'total',
      `table:${TABLE}`,
      `node:${nodeAddress}`,
      `stream:${nodeAddress}/${s.streamId}`,
    ]);
    expect(table?.publish).toMatchObject({
      unpublishedRecords: 200,
      lastCommittedVersion: null,
      lastCommitAt: null,
    });
    expect(live.totals.at(-1)).toEqual(table?.current);

    // The stream ends and the commits go through: the stream drops out, the lag goes to 0.
    await stream.close();
    releaseCommits();
    for (let i = 0; i < 100; i++) {
      await sampler.sample();
      const now = await viewer.streams.live({ windowSeconds: 60, table: TABLE });
      if (now.streams.length === 0 && now.tables[0]?.current?.publishLagMs === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = await viewer.streams.live({ windowSeconds: 60, table: TABLE });
    expect(after.streams).toEqual([]);
    expect(after.tables).toHaveLength(1);
    expect(after.tables[0]).toMatchObject({ table: TABLE, streams: 0, publish: { unpublishedRecords: 0 } });
    // Version 0 created the table; the records went in one or two commits (one was waiting at the gate).
    expect(after.tables[0]?.publish?.lastCommittedVersion).toBeGreaterThanOrEqual(1);
    expect(after.tables[0]?.current?.publishLagMs).toBe(0);
    // Published: no backlog, and the node reports the table's time to table (the gate held the records).
    expect(after.tables[0]?.current?.walBacklogBytes).toBe(0);
    expect(after.tables[0]?.current?.timeToTableMs).toBeGreaterThan(0);
    expect(after.tables[0]?.points.some((p) => p.recordsPerSec > 0)).toBe(true);
  });

  it('shows failed streams on the Errors/s series though each was live only for an instant', async () => {
    const viewer = callerAs(t.services, 'viewer').caller;
    const sampler = t.services.streamSampler;
    await sampler.sample();
    // Two streams whose second record is not an order: each ends with INVALID_ARGUMENT (final for the SDK)
    // between two samplings, so the sampler never lists them live.
    for (let n = 0; n < 2; n++) await failStream(1000 + n);
    await sampler.sample();
    const live = await viewer.streams.live({ windowSeconds: 60 });
    expect(live.streams.filter((s) => s.table === TABLE)).toEqual([]);
    const table = live.tables.find((x) => x.table === TABLE);
    expect(table?.current?.errorsPerSec).toBeGreaterThan(0);
    expect(table?.points.filter((p) => p.errorsPerSec > 0).length).toBeGreaterThan(0);
    expect(live.totals.at(-1)?.errorsPerSec).toBeGreaterThan(0);
    // The next sampling sees no new failure: the rate goes back to 0.
    await sampler.sample();
    const after = await viewer.streams.live({ windowSeconds: 60, table: TABLE });
    expect(after.tables[0]?.current?.errorsPerSec).toBe(0);
  });

  it('keeps ended streams in the history with status and message, and a credential’s last error', async () => {
    const viewer = callerAs(t.services, 'viewer').caller;
    await failStream(2000);
    await t.services.streamSampler.sample();
    const failed = await viewer.streams.history({ table: TABLE.toUpperCase(), outcome: 'failed' });
    expect(failed.length).toBeGreaterThanOrEqual(1);
    const last = failed[0]!;
    expect(last).toMatchObject({
      node: nodeAddress,
      table: TABLE,
      kind: 'ephemeral',
      status: 'INVALID_ARGUMENT',
      records: 1,
      ackedOffset: '0',
      failed: true,
    });
    expect(last.message).toContain(TABLE);
    expect(last.principalId).not.toBe('');
    expect(last.endedAt).toBeGreaterThanOrEqual(last.startedAt);
    // The clean stream of the first test is there too, as OK.
    const ok = await viewer.streams.history({ outcome: 'ok' });
    expect(ok.some((s) => s.status === 'OK' && s.records === 200)).toBe(true);
    // Read again (a console restart reads on from the stored cursor): nothing is stored twice.
    const all = await viewer.streams.history({ limit: 500 });
    await t.services.streamSampler.sample();
    expect(await viewer.streams.history({ limit: 500 })).toHaveLength(all.length);

    const credentials = await viewer.credentials.list({ principalId: last.principalId });
    const used = credentials.find((c) => c.clientId === last.credentialId);
    expect(used?.lastError).toMatchObject({
      table: TABLE,
      status: 'INVALID_ARGUMENT',
      message: last.message,
    });
  });

  it('prunes ended streams after the retention, and not before', async () => {
    const viewer = callerAs(t.services, 'viewer').caller;
    await failStream(3000);
    await t.services.streamSampler.sample();
    const kept = (await viewer.streams.history({ limit: 500 })).length;
    expect(kept).toBeGreaterThan(0);
    const day = 24 * 3_600_000;
    expect(await createStreamHistorySink(t.services.db, 7, () => Date.now() + 6 * day).prune()).toBe(0);
    expect(await viewer.streams.history({ limit: 500 })).toHaveLength(kept);
    expect(await createStreamHistorySink(t.services.db, 7, () => Date.now() + 8 * day).prune()).toBe(kept);
    expect(await viewer.streams.history({ limit: 500 })).toEqual([]);
  });

  it('refuses anonymous callers and windows it does not keep', async () => {
    await expect(callerAs(t.services, null).caller.streams.live({ windowSeconds: 60 })).rejects.toMatchObject(
      { code: 'UNAUTHORIZED' },
    );
    await expect(
      callerAs(t.services, 'viewer').caller.streams.live({ windowSeconds: 120 as 60 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(callerAs(t.services, null).caller.streams.chart({ window: '24h' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(
      callerAs(t.services, 'viewer').caller.streams.chart({ window: '2d' as '24h' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('samples on its own timer once started, and stops when closed', async () => {
    const sampler = createStreamSampler({
      nodes: [{ address: nodeDead }],
      connect: connectAdmin,
      intervalMs: 100,
      callTimeoutMs: 1000,
    });
    sampler.start();
    for (let i = 0; i < 50 && sampler.view(60).totals.length < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(sampler.view(60).totals.length).toBeGreaterThanOrEqual(2);
    expect(sampler.view(60).nodes).toEqual([
      {
        address: nodeDead,
        nodeId: null,
        endpoint: null,
        registered: false,
        reachable: false,
        error: expect.any(String),
        points: [],
      },
    ]);
    await sampler.close();
    const sampledAt = sampler.view(60).sampledAt;
    await new Promise((r) => setTimeout(r, 300));
    expect(sampler.view(60).sampledAt).toBe(sampledAt);
  });
});

// Last: it revokes the producer's credential, which the tests above use.
describe('a stream cut by a revocation', () => {
  it('is recorded in the audit log on its table, once, by the node that cut it', async () => {
    const admin = callerAs(t.services, 'admin').caller;
    const stream = await openSdkStream();
    const first = await stream.ingestRecordOffset(JSON.stringify({ id: 5000, item: 'tea' }));
    await stream.waitForOffset(first);
    await admin.credentials.revoke({ clientId: producerClientId });
    await t.services.provisioner.notifyChanged();
    // The node cuts the stream on the new snapshot; the SDK sees it fail (UNAUTHENTICATED is final).
    await expect(
      (async () => {
        for (let i = 0; i < 200; i++) {
          const o = await stream.ingestRecordOffset(JSON.stringify({ id: 5001 + i, item: 'tea' }));
          await stream.waitForOffset(o);
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
    ).rejects.toThrow();
    await stream.close().catch(() => undefined);
    await t.services.streamSampler.sample();
    await t.services.streamSampler.sample();
    const cuts = (await admin.audit.list({ targetType: 'table', target: TABLE })).filter(
      (r) => r.action === 'stream.cut',
    );
    expect(cuts).toHaveLength(1);
    expect(cuts[0]).toMatchObject({
      actorId: `node:${nodeAddress}`,
      target: TABLE,
      details: { credentialId: producerClientId, status: 'UNAUTHENTICATED' },
    });
    expect(String(cuts[0]!.details.reason)).toMatch(/revoked/);
    // The history says so too: the stream's status and reason.
    const history = await admin.streams.history({ table: TABLE, outcome: 'failed', limit: 1 });
    expect(history[0]).toMatchObject({ status: 'UNAUTHENTICATED', credentialId: producerClientId });
  });
});

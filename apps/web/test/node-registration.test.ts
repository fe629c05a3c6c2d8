import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminClient } from '@lakestream/ingest/admin';
import { loadZerobusSdk, type ZerobusSdkStream } from '@lakestream/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleHeartbeat } from '../src/server/nodes/heartbeat-endpoint';
import { registeredNodes } from '../src/server/nodes/registered-nodes';
import { issueAccessToken } from '../src/server/oauth/issue-token';
import { setUpOrdersProducer } from './support/ingest-node';
import { type RegisteringNode, startRegisteringNode } from './support/registering-node';
import { serveRoute } from './support/route-server';
import { callerAs, openTestServices, seedUsers, type TestServices } from './support/services';

const SECRET = 'nodes-shared-admin-secret-0123456789';
const BEAT_MS = 200;

let t: TestServices;
let dir: string;
let secretFile: string;
let heartbeatUrl: string;
const cleanups: (() => Promise<void>)[] = [];
const as = (id: string | null) => callerAs(t.services, id).caller;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lakestream-nodes-'));
  secretFile = join(dir, 'node-secret');
  writeFileSync(secretFile, SECRET, { mode: 0o600 });
  // 10 missed beats (2 s): a live node's beats stay in time on a loaded machine (3 of 200 ms did not always).
  t = await openTestServices({ LAKESTREAM_NODE_SECRET_FILE: secretFile, LAKESTREAM_NODE_MISSED_BEATS: '10' });
  await seedUsers(t.services);
  const route = await serveRoute((request) => handleHeartbeat(t.services, request));
  heartbeatUrl = route.url;
  cleanups.push(route.close);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a real ingest node process registering with the console; resolves once it logged "ready". */
async function startNode(nodeId: string, extra: string[] = []): Promise<RegisteringNode> {
  const node = await startRegisteringNode({
    nodeId,
    dataDir: join(dir, nodeId),
    secretFile,
    controlPlaneUrl: heartbeatUrl,
    beatMs: BEAT_MS,
    extra,
  });
  cleanups.push(node.kill);
  return node;
}

/** Polls `check` (bounded) until it holds: waiting on beats, never asserting on time. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * An official-SDK stream of JSON orders to the node at `port`, with a console-issued token of the producer
 * (no recovery: a stream the node ends stays ended).
 */
async function openOrdersStream(
  port: number,
  table: string,
  producer: { principalId: string; clientId: string },
): Promise<ZerobusSdkStream> {
  const { env, signingKey } = t.services;
  const { accessToken } = await issueAccessToken(
    signingKey,
    { issuer: env.publicUrl, audience: env.tokenAudience, ttlSeconds: 600 },
    { principalId: producer.principalId, clientId: producer.clientId, scope: undefined },
  );
  const sdk = loadZerobusSdk();
  return await new sdk.ZerobusSdk(`http://127.0.0.1:${port}`, env.publicUrl).createStream(
    { tableName: table },
    'unused-client-id',
    'unused-secret',
    { recordType: sdk.RecordType.Json, recovery: false },
    {
      getHeadersCallback: () => [
        ['authorization', `Bearer ${accessToken}`],
        ['x-databricks-zerobus-table-name', table],
      ],
    },
  );
}

/** Sends `count` orders on `stream` and waits for the last ack. */
async function sendOrders(stream: ZerobusSdkStream, count: number): Promise<void> {
  let last = -1n;
  for (let i = 0; i < count; i++)
    last = await stream.ingestRecordOffset(JSON.stringify({ id: i, item: 'tea' }));
  await stream.waitForOffset(last);
}

const byId = async (nodeId: string) =>
  (await as('viewer').nodes.list()).registered.find((n) => n.nodeId === nodeId);

describe('ingest nodes that join and leave', () => {
  it('registers real nodes by heartbeat, charts their load, marks a SIGKILLed one unreachable, then drops it', async () => {
    const a = await startNode('node-a');
    await startNode('node-b');
    await until(
      'both nodes registered',
      async () => (await as('viewer').nodes.list()).registered.length === 2,
    );
    const nodeA = (await byId('node-a'))!;
    expect(nodeA).toMatchObject({
      reachable: true,
      adminAddress: `127.0.0.1:${a.adminPort}`,
      version: '0.1.0',
      beatMs: BEAT_MS,
      state: 'serving',
      streams: 0,
      walBacklogBytes: 0,
    });
    expect(nodeA.memoryBudgetBytes).toBeGreaterThan(0);
    await until(
      'a second beat of node-a',
      async () => (await as('viewer').nodes.load({ nodeId: 'node-a' })).samples.length >= 2,
    );

    a.child.kill('SIGKILL');
    await once(a.child, 'exit');
    await until('node-a unreachable', async () => (await byId('node-a'))?.reachable === false);
    expect((await byId('node-b'))?.reachable).toBe(true);
    // Kept while silent for less than LAKESTREAM_NODE_DROP_AFTER_MS (1 hour), dropped with its samples after.
    const later = Date.now() + t.services.env.nodeDropAfterMs + 10 * BEAT_MS;
    const afterDrop = await registeredNodes(t.services, later);
    expect(afterDrop.map((n) => n.nodeId)).toEqual([]); // node-b's last beat is old too at that instant
    expect((await as('viewer').nodes.load({ nodeId: 'node-a' })).samples).toEqual([]);
  });

  it('drains a registered node from the router: the node refuses streams and reports drained', async () => {
    const b = await startNode('node-b');
    await until('node-b registered', async () => (await byId('node-b')) !== undefined);
    await expect(as('viewer').nodes.drain({ node: 'node-b' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as('editor').nodes.drain({ node: 'node-b' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(null).nodes.drain({ node: 'node-b' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(as('admin').nodes.drain({ node: '127.0.0.1:1' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "no ingest node '127.0.0.1:1' is configured or registered",
    });
    expect(await as('admin').nodes.drain({ node: 'node-b', graceMs: 1000 })).toEqual({
      address: `127.0.0.1:${b.adminPort}`,
      streamsSignalled: 0,
    });
    await until('node-b drained', async () => (await byId('node-b'))?.state === 'drained');
    const admin = createAdminClient(`127.0.0.1:${b.adminPort}`, SECRET);
    try {
      expect(await admin.getStatus()).toMatchObject({ draining: true, drained: true, stream_count: 0 });
    } finally {
      admin.close();
    }
  });

  it('provisions a registered node, then drains it with a live SDK stream: the stream ends, nothing is left to publish', async () => {
    const table = 'main.sales.orders';
    const producer = await setUpOrdersProducer(t.services, table, ['USE_CATALOG', 'USE_SCHEMA', 'MODIFY']);
    const c = await startNode('node-c', ['--flush-ms', '200']);
    // nodes.list reconciles: the registered node is found and gets the catalog like a static one.
    const { version } = await t.services.snapshot();
    await until('node-c provisioned', async () => (await byId('node-c'))?.catalogVersion === version);
    const stream = await openOrdersStream(c.port, table, producer);
    await sendOrders(stream, 20);
    await until('node-c reports the stream', async () => (await byId('node-c'))?.streams === 1);

    expect(await as('admin').nodes.drain({ node: 'node-c', graceMs: 500 })).toMatchObject({
      streamsSignalled: 1,
    });
    await until('node-c drained', async () => (await byId('node-c'))?.state === 'drained');
    expect(await byId('node-c')).toMatchObject({ streams: 0, walBacklogBytes: 0 });
    await stream.close().catch(() => undefined);
  });

  it('samples a registered node’s streams for the Streams page, named by node id and endpoint; the node, stopped, leaves the view', async () => {
    const table = 'main.sales.orders';
    const producer = await setUpOrdersProducer(t.services, table, ['USE_CATALOG', 'USE_SCHEMA', 'MODIFY']);
    // In no static list (LAKESTREAM_INGEST_NODES is empty): known to the console only by its heartbeats.
    const d = await startNode('node-d');
    const { version } = await t.services.snapshot();
    await until('node-d provisioned', async () => (await byId('node-d'))?.catalogVersion === version);
    const stream = await openOrdersStream(d.port, table, producer);
    await sendOrders(stream, 30);

    const sampler = t.services.streamSampler;
    const live = async () => {
      await sampler.sample();
      return await as('viewer').streams.live({ windowSeconds: 60 });
    };
    await until('the stream sampled on node-d', async () => (await live()).streams.length === 1);
    const admin = `127.0.0.1:${d.adminPort}`;
    const view = await as('viewer').streams.live({ windowSeconds: 60 });
    expect(view.nodes).toEqual([
      {
        address: admin,
        nodeId: 'node-d',
        endpoint: `127.0.0.1:${d.port}`,
        registered: true,
        reachable: true,
        error: null,
        points: expect.any(Array),
      },
    ]);
    expect(view.streams[0]).toMatchObject({
      node: admin,
      nodeId: 'node-d',
      nodeEndpoint: `127.0.0.1:${d.port}`,
      table,
      state: 'open',
      records: 30,
      ackedOffset: '29',
    });

    // The stream ends: the sampler reads it into the stream history, under the node it ran on.
    await stream.close();
    await until('the ended stream in the history', async () => {
      await sampler.sample();
      return (await as('viewer').streams.history({ table })).length === 1;
    });
    expect((await as('viewer').streams.history({ table }))[0]).toMatchObject({
      node: admin,
      status: 'OK',
      records: 30,
    });

    // Stopped, the node misses its beats (LAKESTREAM_NODE_MISSED_BEATS of them) and leaves the view.
    await d.kill();
    await until('node-d out of the Streams page', async () => (await live()).nodes.length === 0);
    expect(await as('viewer').streams.live({ windowSeconds: 60 })).toMatchObject({ nodes: [], streams: [] });
  });

  it('refuses heartbeats without the nodes secret, with a bad body, or when registration is off', async () => {
    const post = (body: unknown, authorization?: string) =>
      fetch(`${heartbeatUrl}/api/nodes/heartbeat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
    const wrong = await post({}, 'Bearer not-the-secret-at-all');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const bad = await post({ nodeId: 'x', endpoint: 'nowhere' }, `Bearer ${SECRET}`);
    expect(bad.status).toBe(400);
    expect((await bad.json()) as { message: string }).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining("endpoint: expected 'host:port'"),
    });
    expect((await as('viewer').nodes.list()).registered).toEqual([]);

    const off = await openTestServices();
    try {
      const refused = await handleHeartbeat(
        off.services,
        new Request('http://console/api/nodes/heartbeat', { method: 'POST', body: '{}' }),
      );
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ code: 'REGISTRATION_OFF' });
    } finally {
      await off.close();
    }
  });
});

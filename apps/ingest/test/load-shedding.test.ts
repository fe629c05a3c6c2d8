import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics/create-metrics.js';
import type { IngestNode } from '../src/server-node.js';
import { ORDERS, type testCatalog } from './support/test-catalog.js';
import { startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, type TestStream, zerobusClient } from './support/zerobus-client.js';

/*
 * Hot routing on one node (real gRPC server on port 0, real WAL): a node over its WAL-backlog threshold
 * refuses new streams with UNAVAILABLE naming the threshold, keeps serving its open streams, and sheds the
 * newest of them with close_stream_signal, one per interval; a shed stream is acked for all it sent.
 */

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;
const metrics = createMetrics({ defaultMetrics: false });
const clients: grpc.Client[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  // Nothing is published for a minute: every acked byte stays in the backlog, over the 1-byte threshold.
  ({ node, cat } = await startTestNode(dir, {
    flushMs: 60_000,
    busy: { walBacklogBytes: 1 },
    shed: { intervalMs: 100, streamsPerInterval: 1, graceMs: 10_000 },
    metrics,
  }));
  metrics.attachLoad(node.server.load!);
});

afterEach(async () => {
  for (const c of clients) c.close();
  await node.close(500);
  await cleanup();
});

async function open(): Promise<TestStream> {
  const client = zerobusClient(node.port);
  clients.push(client);
  const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
  s.send(req.create(ORDERS, 2));
  await s.streamId();
  return s;
}

const signalled = (s: TestStream) => s.responses.some((r) => r.close_stream_signal !== undefined);

describe('a node over a load threshold', () => {
  it('refuses new streams with UNAVAILABLE naming the threshold, serves open ones, sheds the newest first', async () => {
    const streams = [await open(), await open(), await open()];
    // The oldest stream's first record puts the node over the threshold.
    streams[0]!.send(req.json(0, [JSON.stringify({ id: 1 })]));
    await streams[0]!.ackedAtLeast(0);

    const refused = await open().catch((err: Error) => err.message);
    expect(refused).toMatch(/14 .*busy \(\d+ bytes waiting to be published, --busy-wal-backlog-bytes 1\)/);
    // Open streams are never refused: the second one still writes and is acked.
    streams[1]!.send(req.json(0, [JSON.stringify({ id: 2 })]));
    await streams[1]!.ackedAtLeast(0);
    expect((await metrics.registry.getSingleMetricAsString('lakestream_node_busy')).split('\n')).toContain(
      'lakestream_node_busy{reason="wal_backlog"} 1',
    );

    // Shedding: the newest stream is signalled first; the oldest is still unsignalled then.
    await streams[2]!.until(() => (signalled(streams[2]!) ? true : undefined), 'close_stream_signal');
    expect(signalled(streams[0]!)).toBe(false);
    // The shed stream finishes: everything it sent is acked, the call ends OK.
    streams[2]!.send(req.json(0, [JSON.stringify({ id: 3 })]));
    await streams[2]!.ackedAtLeast(0);
    expect((await streams[2]!.finish()).code).toBe(grpc.status.OK);
    await streams[1]!.until(() => (signalled(streams[1]!) ? true : undefined), 'close_stream_signal');
    expect((await metrics.streamsShed.get()).values[0]!.value).toBeGreaterThanOrEqual(2);
  });
});

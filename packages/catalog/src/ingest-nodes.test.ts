import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  getRegisteredNode,
  isNodeReachable,
  listRegisteredNodes,
  type NodeHeartbeat,
  nodeLoadHistory,
  pruneRegisteredNodes,
  recordHeartbeat,
} from './ingest-nodes.js';
import type { OpenCatalog } from './open-catalog.js';
import { openTestCatalog } from './test-support/test-catalog.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await openTestCatalog();
});
afterEach(() => catalog.close());

function beat(nodeId: string, overrides: Partial<NodeHeartbeat> = {}): NodeHeartbeat {
  return {
    nodeId,
    endpoint: `${nodeId}.ingest:50051`,
    adminAddress: `${nodeId}.ingest:50052`,
    version: '0.1.0',
    startedAt: 1_000,
    beatMs: 5000,
    streams: 2,
    bytesPerSecond: 1_000_000,
    memoryUsedBytes: 4096,
    memoryBudgetBytes: 1 << 30,
    walBacklogBytes: 2048,
    state: 'serving',
    ...overrides,
  };
}

describe('ingest node registrations', () => {
  test('the first beat registers a node; later beats update it and keep when it registered', async () => {
    const { db } = catalog;
    await recordHeartbeat(db, beat('node-a'), 10_000);
    const second = await recordHeartbeat(db, beat('node-a', { streams: 7, state: 'draining' }), 15_000);
    expect(second).toMatchObject({ registeredAt: 10_000, lastBeatAt: 15_000, streams: 7, state: 'draining' });
    await recordHeartbeat(db, beat('node-b'), 15_000);
    expect((await listRegisteredNodes(db)).map((n) => n.nodeId)).toEqual(['node-a', 'node-b']);
    expect(await getRegisteredNode(db, 'node-c')).toBeUndefined();
  });

  test('each beat is a load sample, read back per node from a time on', async () => {
    const { db } = catalog;
    for (const [at, backlog] of [
      [1_000, 10],
      [2_000, 20],
      [3_000, 30],
    ] as const) {
      await recordHeartbeat(db, beat('node-a', { walBacklogBytes: backlog }), at);
    }
    await recordHeartbeat(db, beat('node-b'), 2_500);
    const samples = await nodeLoadHistory(db, 'node-a', 2_000);
    expect(samples.map((s) => [s.at, s.walBacklogBytes])).toEqual([
      [2_000, 20],
      [3_000, 30],
    ]);
  });

  test('a node is unreachable after the missed beats and dropped, with its samples, by the prune', async () => {
    const { db } = catalog;
    await recordHeartbeat(db, beat('old', { beatMs: 1000 }), 1_000);
    await recordHeartbeat(db, beat('live', { beatMs: 1000 }), 9_000);
    const old = await getRegisteredNode(db, 'old');
    expect(isNodeReachable(old!, 4_000, 3)).toBe(true);
    expect(isNodeReachable(old!, 4_001, 3)).toBe(false);
    expect(await pruneRegisteredNodes(db, 5_000)).toEqual(['old']);
    expect((await listRegisteredNodes(db)).map((n) => n.nodeId)).toEqual(['live']);
    expect(await nodeLoadHistory(db, 'old', 0)).toEqual([]);
    expect(await nodeLoadHistory(db, 'live', 0)).toHaveLength(1);
  });
});

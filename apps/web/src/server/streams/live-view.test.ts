import { describe, expect, it } from 'vitest';
import { liveView } from './live-view';
import { computeTick, type NodeSample, type StreamSample, type Tick } from './stream-rates';

const ORDERS = 'main.sales.orders';
const EVENTS = 'main.sales.events';

function stream(streamId: string, table: string, records: number): StreamSample {
  return {
    streamId,
    table,
    principalId: 'svc',
    kind: 'persistent',
    state: 'open',
    startedAt: 0,
    records,
    bytes: records * 10,
    errors: 0,
    ackedOffset: String(records - 1),
    ackP50Ms: 1,
    ackP99Ms: 2,
    inFlightBytes: 0,
  };
}

/**
 * 1000 samplings one second apart (t = 1000 … 1_000_000): s1 on orders sends 10 records/s throughout, s2 on
 * events 20 records/s until it ends at t = 990_000.
 */
/** A registered node: the view names it by id and advertised endpoint, keyed by its admin address. */
const NODE = { address: 'a:1', nodeId: 'node-a', endpoint: 'a:2', registered: true };

function ticks(): Tick[] {
  const out: Tick[] = [];
  for (let i = 1; i <= 1000; i++) {
    const t = i * 1000;
    const streams = [stream('s1', ORDERS, 10 * i)];
    if (t < 990_000) streams.push(stream('s2', EVENTS, 20 * i));
    const nodes: NodeSample[] = [{ ...NODE, at: t, reachable: true, error: null, streams, tables: [] }];
    out.push(computeTick(out.at(-1), t, nodes));
  }
  return out;
}

const all = ticks();
const options = { intervalMs: 1000, nodes: [NODE], now: 5 };

describe('liveView', () => {
  it('keeps the points of the window before the latest sampling, oldest first', () => {
    for (const windowSeconds of [60, 300, 900] as const) {
      const view = liveView(all, { ...options, windowSeconds });
      expect(view.sampledAt).toBe(1_000_000);
      expect(view.totals).toHaveLength(windowSeconds);
      expect(view.totals[0]?.t).toBe(1_000_000 - (windowSeconds - 1) * 1000);
      expect(view.totals.at(-1)?.t).toBe(1_000_000);
    }
    const minute = liveView(all, { ...options, windowSeconds: 60 });
    expect(minute.intervalMs).toBe(1000);
    expect(minute.nodes).toEqual([{ ...NODE, reachable: true, error: null, points: minute.totals }]);
    expect(minute.streams.map((s) => [s.node, s.nodeId, s.nodeEndpoint])).toEqual([['a:1', 'node-a', 'a:2']]);
    // s2's last sampling was t = 989_000: 49 seconds of both streams, then 11 of s1 alone.
    expect(minute.totals.map((p) => p.recordsPerSec)).toEqual([...Array(49).fill(30), ...Array(11).fill(10)]);
  });

  it('lists the tables of the window and the live streams only; an ended stream drops out', () => {
    const view = liveView(all, { ...options, windowSeconds: 60 });
    expect(
      view.tables.map((t) => [t.table, t.streams, t.points.length, t.current?.recordsPerSec ?? null]),
    ).toEqual([
      [EVENTS, 0, 49, null], // s2 ended 11 s ago: its table keeps the points it had
      [ORDERS, 1, 60, 10],
    ]);
    expect(view.streams).toHaveLength(1);
    expect(view.streams[0]).toMatchObject({
      streamId: 's1',
      node: 'a:1',
      table: ORDERS,
      kind: 'persistent',
      records: 10_000,
      bytes: 100_000,
      ackedOffset: '9999',
      current: {
        t: 1_000_000,
        recordsPerSec: 10,
        bytesPerSec: 100,
        ackP50Ms: 1,
        ackP99Ms: 2,
        publishLagMs: null,
        timeToTableMs: null,
        walBacklogBytes: null,
      },
    });
    expect(view.streams[0]?.points).toHaveLength(60);
    // A 15-minute window holds s2's points, but s2 is no longer live: only its table shows them.
    expect(liveView(all, { ...options, windowSeconds: 900 }).streams.map((s) => s.streamId)).toEqual(['s1']);
  });

  it('selects one table (any case): its streams, and totals equal to its points', () => {
    const view = liveView(all, { ...options, windowSeconds: 300, table: ' Main.Sales.EVENTS ' });
    expect(view.tables.map((t) => t.table)).toEqual([EVENTS]);
    expect(view.streams).toEqual([]);
    expect(view.totals).toEqual(view.tables[0]?.points);
    expect(view.totals.every((p) => p.recordsPerSec === 20)).toBe(true);
    expect(liveView(all, { ...options, windowSeconds: 60, table: 'main.x.y' })).toMatchObject({
      tables: [],
      streams: [],
      totals: [],
    });
  });

  it('before the first sampling lists the configured nodes as not sampled yet', () => {
    expect(liveView([], { ...options, windowSeconds: 60 })).toEqual({
      sampledAt: 5,
      intervalMs: 1000,
      nodes: [{ ...NODE, reachable: false, error: 'not sampled yet', points: [] }],
      totals: [],
      tables: [],
      streams: [],
    });
  });
});

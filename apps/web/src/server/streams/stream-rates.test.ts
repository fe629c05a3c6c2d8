import { describe, expect, it } from 'vitest';
import {
  computeTick,
  type NodeSample,
  type StreamSample,
  streamKey,
  type TablePublishSample,
  type Tick,
} from './stream-rates';

const ORDERS = 'main.sales.orders';
const EVENTS = 'main.sales.events';

function stream(streamId: string, table: string, counters: Partial<StreamSample> = {}): StreamSample {
  return {
    streamId,
    table,
    principalId: 'svc',
    kind: 'ephemeral',
    state: 'open',
    startedAt: 0,
    records: 0,
    bytes: 0,
    errors: 0,
    ackedOffset: '-1',
    ackP50Ms: null,
    ackP99Ms: null,
    inFlightBytes: 0,
    ...counters,
  };
}

function publishing(
  table: string,
  oldestUnpublishedAgeMs: number,
  timeToTableP99Ms: number | null = null,
): TablePublishSample {
  return {
    table,
    oldestUnpublishedAgeMs,
    unpublishedRecords: 10,
    unpublishedBytes: 1000,
    lastCommittedVersion: null,
    lastCommitAt: null,
    timeToTableP99Ms,
  };
}

/** A node of the static list, not asked its id. */
const staticNode = (address: string) => ({ address, nodeId: null, endpoint: null, registered: false });

function node(
  address: string,
  at: number,
  streams: StreamSample[],
  tables: TablePublishSample[] = [],
): NodeSample {
  return { ...staticNode(address), at, reachable: true, error: null, streams, tables };
}

const down = (address: string, at: number): NodeSample => ({
  ...staticNode(address),
  at,
  reachable: false,
  error: 'connect ECONNREFUSED',
  streams: [],
  tables: [],
});

/** Feeds the samplings one after another, as the sampler does. */
function run(samplings: [number, NodeSample[]][]): Tick[] {
  const ticks: Tick[] = [];
  for (const [t, nodes] of samplings) ticks.push(computeTick(ticks.at(-1), t, nodes));
  return ticks;
}

describe('computeTick: rates from counter differences', () => {
  const ticks = run([
    // t=1000: node a has s1; node b has s9. No previous sampling: no rates yet.
    [
      1000,
      [
        node('a', 1010, [stream('s1', ORDERS, { records: 100, bytes: 1000, ackP50Ms: 2, ackP99Ms: 10 })]),
        node('b', 1020, [stream('s9', EVENTS, { records: 5, bytes: 50 })]),
      ],
    ],
    // t=2000, one second of node time later: s1 +200 records, +2000 B, +1 error; s2 started meanwhile; b is down.
    [
      2000,
      [
        node(
          'a',
          2010,
          [
            stream('s1', ORDERS, {
              records: 300,
              bytes: 3000,
              errors: 1,
              ackP50Ms: 2,
              ackP99Ms: 10,
              inFlightBytes: 64,
            }),
            stream('s2', ORDERS, { records: 50, bytes: 500, ackP50Ms: 4, ackP99Ms: 20, inFlightBytes: 36 }),
          ],
          [publishing(ORDERS, 80, 900)],
        ),
        down('b', 2500),
      ],
    ],
    // t=3000, 1.5 s later on a: s1 +300 records; s2 ended; b is back with s9 (no rate: b was down).
    [
      3000,
      [
        node(
          'a',
          3510,
          [stream('s1', ORDERS, { records: 600, bytes: 6000, errors: 1, ackP50Ms: 3, ackP99Ms: 12 })],
          [publishing(ORDERS, 0)],
        ),
        node('b', 3020, [stream('s9', EVENTS, { records: 400, bytes: 4000, ackP50Ms: 1, ackP99Ms: 50 })]),
      ],
    ],
    // t=4000: s9 +100 records over 1 s; s1's counter went down (the node restarted and reused the id).
    [
      4000,
      [
        node('a', 4510, [stream('s1', ORDERS, { records: 7, bytes: 70 })]),
        node('b', 4020, [stream('s9', EVENTS, { records: 500, bytes: 5000, ackP50Ms: 1, ackP99Ms: 50 })]),
      ],
    ],
  ]);

  it('has no rates on the first sampling', () => {
    const first = ticks[0]!;
    expect(first.streams.get(streamKey('a', 's1'))?.point).toBeNull();
    expect(first.tables.size).toBe(0);
    expect(first.totals).toBeNull();
  });

  it('divides the differences by the time between the two answers; a new stream counts from zero', () => {
    const second = ticks[1]!;
    expect(second.streams.get(streamKey('a', 's1'))?.point).toEqual({
      t: 2000,
      recordsPerSec: 200,
      bytesPerSec: 2000,
      ackP50Ms: 2,
      ackP99Ms: 10,
      inFlightBytes: 64,
      errorsPerSec: 1,
      publishLagMs: null,
      timeToTableMs: null,
      walBacklogBytes: null,
    });
    expect(second.streams.get(streamKey('a', 's2'))?.point).toMatchObject({
      recordsPerSec: 50,
      bytesPerSec: 500,
    });
    const third = ticks[2]!;
    expect(third.streams.get(streamKey('a', 's1'))?.point).toMatchObject({
      recordsPerSec: 200,
      bytesPerSec: 2000,
      errorsPerSec: 0,
    });
  });

  it('sums a table over its streams: p99 the largest, p50 the median, publish lag from the nodes', () => {
    expect(ticks[1]!.tables.get(ORDERS)).toEqual({
      t: 2000,
      recordsPerSec: 250,
      bytesPerSec: 2500,
      ackP50Ms: 3, // median of 2 and 4
      ackP99Ms: 20, // max of 10 and 20
      inFlightBytes: 100,
      errorsPerSec: 1,
      publishLagMs: 80,
      timeToTableMs: 900,
      walBacklogBytes: 1000,
    });
    expect(ticks[1]!.publishing.get(ORDERS)).toEqual({
      unpublishedRecords: 10,
      unpublishedBytes: 1000,
      lastCommittedVersion: null,
      lastCommitAt: null,
    });
    expect(ticks[2]!.tables.get(ORDERS)).toMatchObject({
      recordsPerSec: 200,
      ackP50Ms: 3,
      ackP99Ms: 12,
      publishLagMs: 0,
    });
  });

  it('gives each node that answered a point: its streams together and its tables’ publishing', () => {
    expect(ticks[0]!.nodePoints.size).toBe(0);
    expect([...ticks[1]!.nodePoints.keys()]).toEqual(['a']); // b was down
    expect(ticks[1]!.nodePoints.get('a')).toMatchObject({
      recordsPerSec: 250,
      publishLagMs: 80,
      timeToTableMs: 900,
      walBacklogBytes: 1000,
    });
    // b reports no publishing: its figures are unknown, not zero.
    expect(ticks[3]!.nodePoints.get('b')).toMatchObject({
      recordsPerSec: 100,
      publishLagMs: null,
      timeToTableMs: null,
      walBacklogBytes: null,
    });
  });

  it('drops ended streams, and gives no rate to a stream whose node was down or whose counter went down', () => {
    expect([...ticks[1]!.streams.keys()]).toEqual([streamKey('a', 's1'), streamKey('a', 's2')]);
    expect([...ticks[2]!.streams.keys()]).toEqual([streamKey('a', 's1'), streamKey('b', 's9')]);
    expect(ticks[2]!.streams.get(streamKey('b', 's9'))?.point).toBeNull();
    // Its table still gets a point, without its rate (and no publish lag: b reports no publishing).
    expect(ticks[2]!.tables.get(EVENTS)).toMatchObject({
      recordsPerSec: 0,
      ackP99Ms: null,
      publishLagMs: null,
    });
    expect(ticks[3]!.streams.get(streamKey('b', 's9'))?.point).toMatchObject({
      recordsPerSec: 100,
      bytesPerSec: 1000,
    });
    expect(ticks[3]!.streams.get(streamKey('a', 's1'))?.point).toBeNull();
  });

  it('totals every table: rates summed, p99 the largest, p50 the median over all streams, the largest lag', () => {
    expect(ticks[1]!.totals).toMatchObject({
      recordsPerSec: 250,
      bytesPerSec: 2500,
      ackP50Ms: 3,
      ackP99Ms: 20,
      publishLagMs: 80,
    });
    // Tick 4: only s9 has a rate (100/s); s1 has none, but its in-flight bytes count.
    expect(ticks[3]!.totals).toMatchObject({
      recordsPerSec: 100,
      ackP50Ms: 1,
      ackP99Ms: 50,
      publishLagMs: null,
    });
  });
});

describe('errors from the nodes’ failure counters', () => {
  const withFailures = (at: number, startedAt: number, failures: [string, number][]): NodeSample => ({
    ...node('a:1', at, []),
    failures: new Map(failures),
    startedAt,
  });

  it('counts failed streams per table and in totals, from 0 again after the node restarted', () => {
    const first = computeTick(undefined, 0, [withFailures(0, 100, [[ORDERS, 3]])]);
    const second = computeTick(first, 1000, [
      withFailures(2000, 100, [
        [ORDERS, 7],
        ['', 2],
      ]),
    ]);
    expect(second.tables.get(ORDERS)?.errorsPerSec).toBe(2);
    expect(second.tables.has('')).toBe(false);
    expect(second.totals?.errorsPerSec).toBe(3);
    // Restarted: the counters began again at 0, so 1 is one new failure, not -6.
    const third = computeTick(second, 2000, [withFailures(3000, 5000, [[ORDERS, 1]])]);
    expect(third.tables.get(ORDERS)?.errorsPerSec).toBe(1);
    expect(third.totals?.errorsPerSec).toBe(1);
  });
});

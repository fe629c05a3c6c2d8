import { describe, expect, it } from 'vitest';
import { createMetricRollup, MAX_SERIES_PER_BUCKET } from './metric-rollup';
import {
  computeTick,
  type NodeSample,
  type StreamSample,
  type TablePublishSample,
  type Tick,
} from './stream-rates';

const ORDERS = 'main.sales.orders';
const MINUTE = 60_000;

function stream(streamId: string, records: number, ackP99Ms: number): StreamSample {
  return {
    streamId,
    table: ORDERS,
    principalId: 'svc',
    kind: 'ephemeral',
    state: 'open',
    startedAt: 0,
    records,
    bytes: records * 10,
    errors: 0,
    ackedOffset: String(records),
    ackP50Ms: 1,
    ackP99Ms,
    inFlightBytes: 0,
  };
}

function publishing(unpublishedBytes: number, timeToTableP99Ms: number): TablePublishSample {
  return {
    table: ORDERS,
    oldestUnpublishedAgeMs: 100,
    unpublishedRecords: 1,
    unpublishedBytes,
    lastCommittedVersion: 1,
    lastCommitAt: 1,
    timeToTableP99Ms,
  };
}

/**
 * Samplings one second apart from t = 0 to 150 s: stream s1 sends 100 records/s; the ack p99, the backlog and
 * the time to table peak once in each minute (at 30 s, 90 s, 130 s).
 */
function ticks(): Tick[] {
  const out: Tick[] = [];
  for (let s = 0; s <= 150; s++) {
    const t = s * 1000;
    const peak = s === 30 || s === 90 || s === 130;
    const node: NodeSample = {
      address: 'a:1',
      nodeId: 'node-a',
      endpoint: null,
      registered: false,
      at: t,
      reachable: true,
      error: null,
      streams: [stream('s1', 100 * s, peak ? 40 : 5)],
      tables: [publishing(peak ? 9000 : 100, peak ? 2500 : 700)],
    };
    out.push(computeTick(out.at(-1), t, [node]));
  }
  return out;
}

describe('minute rollup (downsampling on write)', () => {
  it('closes a minute when the first tick of the next arrives: counts summed, gauges at their peak', () => {
    const rollup = createMetricRollup(MINUTE);
    const closed = ticks().flatMap((t) => rollup.add(t));
    // Minutes 0 and 1 are closed; minute 2 (120…150 s) is still open.
    expect([...new Set(closed.map((b) => b.at))]).toEqual([0, MINUTE]);
    const table = closed.filter((b) => b.kind === 'table');
    // The first tick has no rate: minute 0 covers 59 s, minute 1 all 60 s, at 100 records/s.
    expect(table.map((b) => [b.spanMs, b.records, b.bytes])).toEqual([
      [59_000, 5900, 59_000],
      [60_000, 6000, 60_000],
    ]);
    expect(table.map((b) => [b.ackP99Ms, b.walBacklogBytes, b.timeToTableMs, b.publishLagMs])).toEqual([
      [40, 9000, 2500, 100],
      [40, 9000, 2500, 100],
    ]);
    expect(closed.filter((b) => b.at === MINUTE).map((b) => `${b.kind}:${b.seriesKey}`)).toEqual([
      'total:',
      `table:${ORDERS}`,
      'node:a:1',
      'stream:a:1/s1',
    ]);
    // A stream series has no publishing figures; a node's are its tables'.
    const byKind = (kind: string) => closed.find((b) => b.at === MINUTE && b.kind === kind)!;
    expect(byKind('stream')).toMatchObject({ table: ORDERS, records: 6000, walBacklogBytes: null });
    expect(byKind('node')).toMatchObject({ table: '', records: 6000, walBacklogBytes: 9000 });

    const open = rollup.peek();
    expect(open.find((b) => b.kind === 'table')).toMatchObject({ at: 2 * MINUTE, spanMs: 31_000 });
    expect(rollup.flush()).toEqual(open);
    expect(rollup.peek()).toEqual([]);
  });

  it('does not stretch a rate over a stalled sampler: a tick covers at most one bucket', () => {
    const all = ticks();
    const rollup = createMetricRollup(MINUTE);
    rollup.add(all[10]!);
    // 100 s without a sampling, then one tick: its point is counted over one minute at most.
    const late = { ...all[110]!, totals: all[11]!.totals, tables: all[11]!.tables };
    expect(rollup.add(late).map((b) => b.spanMs)).toEqual([]);
    expect(rollup.peek().find((b) => b.kind === 'table')?.spanMs).toBe(MINUTE);
  });

  it('bounds the series of one bucket', () => {
    const rollup = createMetricRollup(MINUTE);
    const many = (t: number, records: number): NodeSample => ({
      address: 'a:1',
      nodeId: null,
      endpoint: null,
      registered: false,
      at: t,
      reachable: true,
      error: null,
      streams: Array.from({ length: MAX_SERIES_PER_BUCKET + 50 }, (_, i) => stream(`s${i}`, records, 1)),
      tables: [],
    });
    const first = computeTick(undefined, 1000, [many(1000, 0)]);
    rollup.add(first);
    rollup.add(computeTick(first, 2000, [many(2000, 10)]));
    const open = rollup.peek();
    expect(open).toHaveLength(MAX_SERIES_PER_BUCKET);
    // The total, the table and the node come first: only streams are left out.
    expect(open.slice(0, 3).map((b) => b.kind)).toEqual(['total', 'table', 'node']);
  });
});

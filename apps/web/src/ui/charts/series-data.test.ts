import { describe, expect, it } from 'vitest';
import type { ChartPoint, ChartView } from '../../server/streams/chart-view';
import { readoutAt, seriesChart } from './series-data';

const point = (t: number, recordsPerSec: number, timeToTableMs: number | null = null): ChartPoint => ({
  t,
  recordsPerSec,
  bytesPerSec: recordsPerSec * 10,
  errorsPerSec: 0,
  ackP99Ms: null,
  publishLagMs: null,
  timeToTableMs,
  walBacklogBytes: null,
});

const VIEW: ChartView = {
  window: '1h',
  from: 0,
  to: 3_600_000,
  resolutionMs: 60_000,
  source: 'stored',
  series: [
    { id: 'total', kind: 'total', table: '', label: 'All tables', points: [point(0, 30), point(60_000, 40)] },
    { id: 'table:a.b.c', kind: 'table', table: 'a.b.c', label: 'a.b.c', points: [point(60_000, 40, 900)] },
    { id: 'node:n:1', kind: 'node', table: '', label: 'node n1', points: [point(0, 30), point(120_000, 5)] },
  ],
};

describe('series chart', () => {
  it('puts every shown series on one time axis, gaps as null', () => {
    const chart = seriesChart(VIEW, 'records', new Set());
    expect(chart.data.times).toEqual([0, 60_000, 120_000]);
    expect(chart.data.values).toEqual([
      [30, 40, null],
      [null, 40, null],
      [30, null, 5],
    ]);
    expect(chart.legend.map((e) => [e.id, e.color, e.hidden])).toEqual([
      ['total', 1, false],
      ['table:a.b.c', 2, false],
      ['node:n:1', 3, false],
    ]);
  });

  it('leaves hidden series out but keeps their legend entry and everyone’s colour', () => {
    const chart = seriesChart(VIEW, 'time-to-table', new Set(['total']));
    expect(chart.series.map((s) => [s.id, s.color])).toEqual([
      ['table:a.b.c', 2],
      ['node:n:1', 3],
    ]);
    expect(chart.legend[0]).toMatchObject({ id: 'total', hidden: true });
    expect(chart.data.values[0]).toEqual([null, 900, null]);
  });

  it('reads the values and time at a point, formatted for the metric', () => {
    const chart = seriesChart(VIEW, 'records', new Set(['node:n:1']));
    expect(readoutAt(chart, 'records', 1)).toEqual({
      t: 60_000,
      values: [
        { id: 'total', label: 'All tables', text: '40/s' },
        { id: 'table:a.b.c', label: 'a.b.c', text: '40/s' },
      ],
    });
    expect(readoutAt(chart, 'records', 0)?.values[1]?.text).toBe('no value');
    expect(readoutAt(chart, 'records', null)).toBeNull();
    expect(readoutAt(chart, 'records', 9)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { CHART_WINDOW_OPTIONS, chartStateQuery, readChartState } from './chart-state';

const DEFAULTS = { window: '1m', metric: 'records' } as const;
const read = (query: string) => readChartState(new URLSearchParams(query), DEFAULTS);

describe('chart state in the URL', () => {
  it('reads the window, metric, range and hidden series', () => {
    expect(read('window=24h&metric=time-to-table&from=1000&to=61000&hide=total&hide=node:a:1')).toEqual({
      window: '24h',
      metric: 'time-to-table',
      range: { from: 1000, to: 61_000 },
      hidden: new Set(['total', 'node:a:1']),
    });
  });

  it('falls back to the defaults for what it does not understand', () => {
    expect(read('window=2d&metric=cpu&from=abc&to=5')).toEqual({
      window: '1m',
      metric: 'records',
      range: null,
      hidden: new Set(),
    });
    // A range backwards, or narrower than a second (a click), is no range.
    expect(read('from=5000&to=1000').range).toBeNull();
    expect(read('from=1000&to=1500').range).toBeNull();
    expect(read('from=-1&to=5000').range).toBeNull();
  });

  it('writes a change back, keeping other parameters; a new window drops the old range', () => {
    const params = new URLSearchParams('table=x&window=1h&from=1000&to=61000');
    const state = readChartState(params, DEFAULTS);
    const query = chartStateQuery(params, state, { window: '6h' });
    expect(query).toBe('?table=x&window=6h&metric=records');
    const hidden = chartStateQuery(params, state, { hidden: new Set(['table:main.sales.orders', 'total']) });
    expect(hidden).toBe(
      '?table=x&window=1h&metric=records&from=1000&to=61000&hide=table%3Amain.sales.orders&hide=total',
    );
    // What it writes reads back the same (a reload keeps it).
    expect(read(hidden.slice(1))).toEqual({
      ...state,
      hidden: new Set(['table:main.sales.orders', 'total']),
    });
  });

  it('offers every window with a readable label', () => {
    expect(CHART_WINDOW_OPTIONS.map((o) => o.label)).toEqual(['1 m', '5 m', '15 m', '1 h', '6 h', '24 h']);
  });
});

'use client';

import { type KeyboardEvent, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useIsDark } from './theme';

/** One line of a chart: its name and which of the eight chart colours (`--chart-N` in globals.css) it takes. */
export interface ChartSeries {
  readonly label: string;
  readonly color: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
}

/** What a chart draws: x in ms since the epoch, one array of values per series (null: no value, a gap). */
export interface ChartData {
  readonly times: readonly number[];
  readonly values: ReadonlyArray<ReadonlyArray<number | null>>;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// Whole-number tick steps (1, 2, 5, 10, 20, 50, …): an idle chart's 0…1 axis shows 0 and 1, not 0.2 bytes.
const WHOLE_STEPS = Array.from({ length: 13 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function toAligned(data: ChartData): uPlot.AlignedData {
  return [data.times.map((t) => t / 1000), ...data.values.map((v) => [...v])];
}

/**
 * A time-series chart on uPlot (canvas). The chart is created once (again only when the theme or the series
 * change, since colours are baked into the canvas) and later `data` goes through `setData`; it takes its
 * container's width and follows it. `xRange` (ms) pins the time axis, so a window scrolls steadily even with
 * few points. `sparkline` drops axes and the cursor for inline use in table rows.
 *
 * With `onCursor` the chart reports the point under the cursor (index into `data.times`, null when it leaves)
 * and takes the keyboard: it is a Tab stop whose arrow keys move the cursor point by point (Home, End; Escape
 * hides it). With `onSelect`, dragging across the chart selects a time range (ms), reported once released.
 */
export function TimeChart({
  data,
  series,
  format,
  height,
  xRange,
  sparkline = false,
  testId,
  label,
  onCursor,
  onSelect,
  describedBy,
}: {
  data: ChartData;
  series: readonly ChartSeries[];
  format: (value: number) => string;
  height: number;
  xRange?: readonly [number, number] | undefined;
  sparkline?: boolean;
  testId?: string;
  /** The chart's accessible name (a canvas says nothing by itself). */
  label: string;
  onCursor?: ((index: number | null) => void) | undefined;
  onSelect?: ((from: number, to: number) => void) | undefined;
  /** The id of what says the chart's values in words (its readout). */
  describedBy?: string | undefined;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef({ data, format, xRange, onCursor, onSelect });
  latest.current = { data, format, xRange, onCursor, onSelect };
  const selectable = onSelect !== undefined;
  const keyboard = onCursor !== undefined;
  const dark = useIsDark();
  const seriesKey = series.map((s) => `${s.label}:${s.color}`).join('|');

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt on theme and series changes only; data and format are read through `latest`
  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const axis = cssVar('--chart-axis');
    const grid = cssVar('--chart-grid');
    const axisStyle = {
      stroke: axis,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1, size: 4 },
      font: '11px ui-sans-serif, system-ui, sans-serif',
    };
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 50),
      height,
      legend: { show: false },
      cursor: sparkline
        ? { show: false }
        : { drag: { x: selectable, y: false, setScale: false }, points: { size: 5 } },
      hooks: {
        setCursor: [(u) => latest.current.onCursor?.(u.cursor.idx ?? null)],
        setSelect: [
          (u) => {
            const { left, width } = u.select;
            if (width > 2) {
              const from = u.posToVal(left, 'x') * 1000;
              const to = u.posToVal(left + width, 'x') * 1000;
              latest.current.onSelect?.(from, to);
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
      padding: sparkline ? [2, 0, 2, 0] : [8, 8, 0, 0],
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => {
            const pinned = latest.current.xRange;
            return pinned === undefined ? [min, max] : [pinned[0] / 1000, pinned[1] / 1000];
          },
        },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
      },
      axes: sparkline
        ? [{ show: false }, { show: false }]
        : [
            {
              ...axisStyle,
              size: 30,
              space: 80,
              values: (_u, splits) => splits.map((s) => clock.format(s * 1000)),
            },
            {
              ...axisStyle,
              size: 64,
              space: 28,
              incrs: WHOLE_STEPS,
              values: (_u, splits) => splits.map((v) => latest.current.format(v)),
            },
          ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: cssVar(`--chart-${s.color}`),
          ...(series.length === 1 ? { fill: cssVar(`--chart-${s.color}-fill`) } : {}),
          width: sparkline ? 1.25 : 1.5,
          points: { show: false },
          spanGaps: false,
        })),
      ],
    };
    const plot = new uPlot(options, toAligned(latest.current.data), element);
    chart.current = plot;
    const observer = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(element.clientWidth, 50), height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [dark, seriesKey, height, sparkline, selectable]);

  useEffect(() => {
    chart.current?.setData(toAligned(data));
  }, [data]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const plot = chart.current;
    const times = plot?.data[0];
    if (plot === null || plot === undefined || times === undefined || times.length === 0) return;
    const last = times.length - 1;
    const at = plot.cursor.idx ?? null;
    let next: number;
    if (event.key === 'ArrowLeft') next = at === null ? last : Math.max(0, at - 1);
    else if (event.key === 'ArrowRight') next = at === null ? last : Math.min(last, at + 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = last;
    else if (event.key === 'Escape') {
      plot.setCursor({ left: -10, top: -10 });
      return;
    } else return;
    event.preventDefault();
    plot.setCursor({ left: plot.valToPos(times[next]!, 'x'), top: plot.bbox.height / devicePixelRatio / 2 });
  };

  return (
    <div
      ref={container}
      role="img"
      aria-label={label}
      aria-describedby={describedBy}
      data-testid={testId}
      tabIndex={keyboard ? 0 : undefined}
      onKeyDown={keyboard ? onKeyDown : undefined}
      className="w-full min-w-0 rounded focus-visible:outline-2 focus-visible:outline-sky-500"
    />
  );
}

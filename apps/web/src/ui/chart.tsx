'use client';

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useIsDark } from './theme';

/** One line of a chart: its name and which of the four chart colours (`--chart-N` in globals.css) it takes. */
export interface ChartSeries {
  readonly label: string;
  readonly color: 1 | 2 | 3 | 4;
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
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef({ data, format, xRange });
  latest.current = { data, format, xRange };
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
      cursor: sparkline ? { show: false } : { drag: { x: false, y: false }, points: { size: 5 } },
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
  }, [dark, seriesKey, height, sparkline]);

  useEffect(() => {
    chart.current?.setData(toAligned(data));
  }, [data]);

  return (
    <div ref={container} role="img" aria-label={label} data-testid={testId} className="w-full min-w-0" />
  );
}

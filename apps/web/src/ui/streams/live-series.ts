import type { LivePoint } from '../api-types';
import type { ChartData } from '../chart';

/** The windows the streams page offers (seconds), as `streams.live` takes them. */
export const WINDOWS = [
  { seconds: 60, label: '1 m' },
  { seconds: 300, label: '5 m' },
  { seconds: 900, label: '15 m' },
] as const;

/** One of the windows. */
export type WindowSeconds = (typeof WINDOWS)[number]['seconds'];

/** A chart's data of `points` (oldest first): one series per picked metric. */
export function seriesOf(
  points: readonly LivePoint[],
  ...pick: ReadonlyArray<(point: LivePoint) => number | null>
): ChartData {
  return { times: points.map((p) => p.t), values: pick.map((f) => points.map(f)) };
}

/** The last point, or null when there is none yet. */
export function lastPoint(points: readonly LivePoint[]): LivePoint | null {
  return points.length === 0 ? null : (points[points.length - 1] ?? null);
}

/**
 * The text of the "current records/s" figure: a plain integer without grouping (`12345`), so that a test can
 * read it with `Number(text)`; `0` before the first rate.
 */
export function recordsPerSecText(point: LivePoint | null): string {
  return String(Math.round(point?.recordsPerSec ?? 0));
}

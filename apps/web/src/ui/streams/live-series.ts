import type { LivePoint } from '../api-types';
import type { ChartData } from '../chart';

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

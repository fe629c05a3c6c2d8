import { describe, expect, it } from 'vitest';
import type { LivePoint } from '../api-types';
import { lastPoint, recordsPerSecText, seriesOf } from './live-series';

const point = (t: number, recordsPerSec: number, ackP99Ms: number | null): LivePoint => ({
  t,
  recordsPerSec,
  bytesPerSec: recordsPerSec * 100,
  ackP50Ms: null,
  ackP99Ms,
  inFlightBytes: 0,
  errorsPerSec: 0,
  publishLagMs: null,
  timeToTableMs: null,
  walBacklogBytes: null,
});

describe('live series', () => {
  it('makes one series per metric, nulls kept as gaps', () => {
    const points = [point(1000, 10, null), point(2000, 12.5, 4)];
    expect(
      seriesOf(
        points,
        (p) => p.recordsPerSec,
        (p) => p.ackP99Ms,
      ),
    ).toEqual({
      times: [1000, 2000],
      values: [
        [10, 12.5],
        [null, 4],
      ],
    });
  });

  it('reads the current records/s as a plain integer', () => {
    expect(recordsPerSecText(lastPoint([point(1, 1, null), point(2, 12345.6, null)]))).toBe('12346');
    expect(recordsPerSecText(lastPoint([]))).toBe('0');
  });
});

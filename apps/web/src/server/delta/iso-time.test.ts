import { describe, expect, it } from 'vitest';
import { isoDateFromDays, isoTimestampFromMicros } from './iso-time';

describe('isoTimestampFromMicros', () => {
  it.each([
    [253402300799999999n, '9999-12-31T23:59:59.999999Z'],
    [-62135596800000000n, '0001-01-01T00:00:00.000Z'],
    [-11676096000000001n, '1599-12-31T23:59:59.999999Z'],
    [-11676096000000000n, '1600-01-01T00:00:00.000Z'],
    [10413792000000001n, '2300-01-01T00:00:00.000001Z'],
    [10413791999999999n, '2299-12-31T23:59:59.999999Z'],
    [-1n, '1969-12-31T23:59:59.999999Z'],
    [0n, '1970-01-01T00:00:00.000Z'],
    [1_700_000_000_000_026n, '2023-11-14T22:13:20.000026Z'],
    [1_700_000_000_123_000n, '2023-11-14T22:13:20.123Z'],
    [951_782_400_000_000n, '2000-02-29T00:00:00.000Z'],
    [253402300800000000n, '+010000-01-01T00:00:00.000Z'],
    [-62135596800000001n, '0000-12-31T23:59:59.999999Z'],
    [-9223372036854775808n, '-290308-12-21T19:59:05.224192Z'],
    [9223372036854775807n, '+294247-01-10T04:00:54.775807Z'],
  ])('%s µs → %s', (micros, iso) => {
    expect(isoTimestampFromMicros(micros)).toBe(iso);
  });

  it('agrees with Date wherever a double holds the microseconds exactly (every day of 1900–2100)', () => {
    const day = 86_400_000;
    for (let ms = Date.UTC(1900, 0, 1); ms < Date.UTC(2100, 0, 1); ms += day + 1_234) {
      expect(isoTimestampFromMicros(BigInt(ms) * 1000n)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('isoDateFromDays', () => {
  it.each([
    [0, '1970-01-01'],
    [-1, '1969-12-31'],
    [-719162, '0001-01-01'],
    [2932896, '9999-12-31'],
    [-135140, '1600-01-01'],
    [11016, '2000-02-29'],
  ])('%s → %s', (days, iso) => {
    expect(isoDateFromDays(days)).toBe(iso);
  });
});

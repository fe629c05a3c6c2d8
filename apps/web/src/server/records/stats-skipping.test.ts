import type { DeltaSchema } from '@lakestream/delta';
import { describe, expect, it } from 'vitest';
import {
  compareCodePoints,
  compileFilters,
  type FilterOperator,
  parseTimestampMicros,
} from './record-filter';
import { fileMayMatchAll } from './stats-skipping';

const SCHEMA = {
  type: 'struct',
  fields: [
    { name: 'at', type: 'timestamp', nullable: true, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
    { name: 'price', type: 'decimal(10,2)', nullable: true, metadata: {} },
    { name: 'n', type: 'long', nullable: true, metadata: {} },
  ],
} as DeltaSchema;

const mayMatch = (column: string, op: FilterOperator, value: string, stats: object | undefined) =>
  fileMayMatchAll(compileFilters(SCHEMA, [{ column, op, value }]), stats && JSON.stringify(stats));

describe('file skipping by add.stats', () => {
  it('widens a timestamp max by the 999 µs its ms floor dropped', () => {
    // The file holds 00:00:01.000500; its max statistic is floored to 00:00:01.000.
    const stats = {
      numRecords: 1,
      minValues: { at: '2024-01-01T00:00:01.000Z' },
      maxValues: { at: '2024-01-01T00:00:01.000Z' },
      nullCount: { at: 0 },
    };
    expect(mayMatch('at', 'gt', '2024-01-01T00:00:01.0004Z', stats)).toBe(true);
    expect(mayMatch('at', 'gt', '2024-01-01T00:00:01.000999Z', stats)).toBe(false);
    expect(mayMatch('at', 'lt', '2024-01-01T00:00:01Z', stats)).toBe(false);
  });

  it('orders strings by code point, as the statistics do (an emoji sorts after U+FFFF)', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFF')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFFFF').toBe(true); // UTF-16 order, which would skip wrongly
    const stats = {
      numRecords: 2,
      minValues: { name: 'a' },
      maxValues: { name: '\u{1F600}' },
      nullCount: { name: 0 },
    };
    expect(mayMatch('name', 'eq', '\uFFFF', stats)).toBe(true);
  });

  it('never skips on decimals (inexact JSON numbers) nor without statistics; int64 bounds are exact', () => {
    const stats = {
      numRecords: 1,
      minValues: { price: 1.5 },
      maxValues: { price: 1.5 },
      nullCount: { price: 0 },
    };
    expect(mayMatch('price', 'eq', '99', stats)).toBe(true);
    expect(mayMatch('n', 'eq', '5', undefined)).toBe(true);
    // 2^53 + 1 is parsed exactly from the stats (not rounded to 2^53).
    const big =
      '{"numRecords":1,"minValues":{"n":9007199254740993},"maxValues":{"n":9007199254740993},"nullCount":{"n":0}}';
    const filters = (value: string) => compileFilters(SCHEMA, [{ column: 'n', op: 'eq', value }]);
    expect(fileMayMatchAll(filters('9007199254740992'), big)).toBe(false);
    expect(fileMayMatchAll(filters('9007199254740993'), big)).toBe(true);
  });

  it('parses timestamps with offsets and fractions exactly', () => {
    expect(parseTimestampMicros('2024-01-01T01:00:00.000001+01:00')).toBe(1_704_067_200_000_001n);
    expect(parseTimestampMicros('2024-01-01')).toBe(1_704_067_200_000_000n);
    expect(parseTimestampMicros('2024-13-01')).toBeUndefined();
  });
});

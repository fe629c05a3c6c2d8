import {
  Binary,
  Bool,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../json.js';
import { fromArrowSchema } from '../schema/arrow-schema.js';
import { computeFileStats, formatTimestampMicros, truncateMax, truncateMin } from './file-stats.js';

function batchOf(columns: Record<string, Vector>): RecordBatch {
  const fields = Object.entries(columns).map(([name, v]) => new Field(name, v.type, true));
  const length = Object.values(columns)[0]?.length ?? 0;
  const children = Object.values(columns).map((v) => v.data[0]!);
  return new RecordBatch(
    new Schema(fields),
    makeData({ type: new Struct(fields), length, nullCount: 0, children }),
  );
}

function timestamps(values: (bigint | null)[]): Vector {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  const data = makeData({
    type: new TimestampMicrosecond('UTC'),
    length: values.length,
    nullCount: values.filter((v) => v === null).length,
    nullBitmap: bitmap,
    data: BigInt64Array.from(values, (v) => v ?? 0n),
  } as never);
  return makeVector(data);
}

function stats(batch: RecordBatch, numIndexedCols?: number): string {
  return computeFileStats(
    [batch],
    fromArrowSchema(batch.schema),
    numIndexedCols === undefined ? {} : { numIndexedCols },
  );
}

describe('string truncation', () => {
  it('keeps short strings and cuts long ones with a tie-breaker', () => {
    expect(truncateMin('abc')).toBe('abc');
    expect(truncateMax('abc')).toBe('abc');
    expect(truncateMin('a'.repeat(40))).toBe('a'.repeat(32));
    expect(truncateMax('y'.repeat(40))).toBe(`${'y'.repeat(32)}\u007f`);
    expect(truncateMax(`z${'é'.repeat(40)}`)).toBe(`z${'é'.repeat(31)}\u{10ffff}`);
    // 32 code points, not UTF-16 units: an emoji is one character and never split.
    expect(truncateMin('😀'.repeat(40))).toBe('😀'.repeat(32));
    expect(truncateMax(`${'a'.repeat(32)}\u{10ffff}`)).toBeUndefined();
  });
});

describe('timestamps', () => {
  it('floors to milliseconds, also before 1970', () => {
    expect(formatTimestampMicros(1_704_067_201_500_999n)).toBe('2024-01-01T00:00:01.500Z');
    expect(formatTimestampMicros(-1n)).toBe('1969-12-31T23:59:59.999Z');
  });
});

describe('computeFileStats golden', () => {
  it('strings: byte (code point) order, truncation, nulls', () => {
    const batch = batchOf({
      s: vectorFromArray(['b', 'a'.repeat(40), null, 'y'.repeat(40)], new Utf8()),
      u: vectorFromArray(['\uff5e', '😀', 'z', null], new Utf8()),
    });
    expect(stats(batch)).toBe(
      '{"numRecords":4,"minValues":{"s":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","u":"z"},' +
        '"maxValues":{"s":"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\u007f","u":"😀"},"nullCount":{"s":1,"u":1}}',
    );
  });

  it('timestamps, int64 beyond 2^53, an all-null column', () => {
    const batch = batchOf({
      ts: timestamps([1_704_067_201_500_999n, null, -1n]),
      big: vectorFromArray([9_223_372_036_854_775_807n, -9_007_199_254_740_993n, 1n], new Int64()),
      none: vectorFromArray([null, null, null], new Int32()),
    });
    expect(stats(batch)).toBe(
      '{"numRecords":3,' +
        '"minValues":{"ts":"1969-12-31T23:59:59.999Z","big":-9007199254740993},' +
        '"maxValues":{"ts":"2024-01-01T00:00:01.500Z","big":9223372036854775807},' +
        '"nullCount":{"ts":1,"big":0,"none":3}}',
    );
    // Exact when parsed back.
    const parsed = parseJson(stats(batch)) as { maxValues: { big: bigint } };
    expect(parsed.maxValues.big).toBe(9_223_372_036_854_775_807n);
  });

  it('nested: struct nulls count in every leaf; no min/max for booleans, binaries, arrays', () => {
    const point = new Struct([new Field('x', new Float64(), true), new Field('tag', new Utf8(), true)]);
    const batch = batchOf({
      p: vectorFromArray([{ x: 1.5, tag: 'a' }, null, { x: -2, tag: null }], point),
      flag: vectorFromArray([true, false, null], new Bool()),
      bin: vectorFromArray([new Uint8Array([1]), null, new Uint8Array([2])], new Binary()),
      list: vectorFromArray([[1], null, []], new List(new Field('element', new Int32(), true))),
    });
    expect(stats(batch)).toBe(
      '{"numRecords":3,"minValues":{"p":{"x":-2,"tag":"a"}},"maxValues":{"p":{"x":1.5,"tag":"a"}},' +
        '"nullCount":{"p":{"x":1,"tag":2},"flag":1,"bin":1,"list":1}}',
    );
  });

  it('only the first N leaf columns, counting struct leaves', () => {
    const point = new Struct([new Field('x', new Float64(), true), new Field('y', new Float64(), true)]);
    const batch = batchOf({
      a: vectorFromArray([1, 2], new Int32()),
      p: vectorFromArray(
        [
          { x: 1, y: 2 },
          { x: 3, y: 4 },
        ],
        point,
      ),
      b: vectorFromArray([5, 6], new Int32()),
    });
    expect(stats(batch, 2)).toBe(
      '{"numRecords":2,"minValues":{"a":1,"p":{"x":1}},"maxValues":{"a":2,"p":{"x":3}},"nullCount":{"a":0,"p":{"x":0}}}',
    );
    expect(stats(batch, 0)).toBe('{"numRecords":2,"minValues":{},"maxValues":{},"nullCount":{}}');
  });

  it('omits min/max of a float column holding NaN', () => {
    const batch = batchOf({ f: vectorFromArray([1, Number.NaN, 3], new Float64()) });
    expect(stats(batch)).toBe('{"numRecords":3,"minValues":{},"maxValues":{},"nullCount":{"f":0}}');
  });
});

describe('min/max against a plain reference', () => {
  // A seeded generator: values near the edges where a word-wise or typed comparison could go wrong.
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const edgeLongs = [
    0n,
    -1n,
    1n,
    2n ** 32n,
    -(2n ** 32n),
    2n ** 31n,
    -(2n ** 31n) - 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
  ];
  const randomLong = (): bigint =>
    next() % 3 === 0
      ? edgeLongs[next() % edgeLongs.length]!
      : BigInt.asIntN(64, (BigInt(next()) << 32n) | BigInt(next()));

  it('agrees on int64, double and string columns with nulls, over several chunks and a sliced one', () => {
    for (let round = 0; round < 50; round++) {
      const batches: RecordBatch[] = [];
      const all = { big: [] as bigint[], x: [] as number[], s: [] as string[] };
      let nulls = { big: 0, x: 0, s: 0 };
      for (let b = 0; b < 3; b++) {
        const n = 1 + (next() % 40);
        const big = Array.from({ length: n }, () => (next() % 5 === 0 ? null : randomLong()));
        const x = Array.from({ length: n }, () => (next() % 6 === 0 ? null : (next() - 2 ** 31) / 7));
        const s = Array.from({ length: n }, () =>
          next() % 7 === 0
            ? null
            : String.fromCharCode(...Array.from({ length: next() % 5 }, () => 97 + (next() % 4))),
        );
        let batch = batchOf({
          big: vectorFromArray(big, new Int64()),
          x: vectorFromArray(x, new Float64()),
          s: vectorFromArray(s, new Utf8()),
        });
        const from = b === 1 ? Math.min(n - 1, next() % 3) : 0; // a sliced batch: data with an offset
        batch = batch.slice(from);
        batches.push(batch);
        for (const [name, values] of [
          ['big', big],
          ['x', x],
          ['s', s],
        ] as const) {
          for (const v of values.slice(from)) {
            if (v === null) nulls = { ...nulls, [name]: nulls[name] + 1 };
            else (all[name] as unknown[]).push(v);
          }
        }
      }
      const got = parseJson(computeFileStats(batches, fromArrowSchema(batches[0]!.schema))) as {
        minValues: Record<string, unknown>;
        maxValues: Record<string, unknown>;
        nullCount: Record<string, number>;
      };
      const sortedBig = [...all.big].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const sortedS = [...all.s].sort();
      const exact = (v: bigint | undefined) =>
        v === undefined ? undefined : Number.isSafeInteger(Number(v)) ? Number(v) : v;
      expect(got.nullCount).toEqual(nulls);
      expect(got.minValues.big).toEqual(exact(sortedBig[0]));
      expect(got.maxValues.big).toEqual(exact(sortedBig.at(-1)));
      expect(got.minValues.x).toBe(all.x.length === 0 ? undefined : Math.min(...all.x));
      expect(got.maxValues.x).toBe(all.x.length === 0 ? undefined : Math.max(...all.x));
      expect(got.minValues.s).toBe(sortedS[0]);
      expect(got.maxValues.s).toBe(sortedS.at(-1));
    }
  });
});

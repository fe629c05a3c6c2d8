import {
  Binary,
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  TimestampMicrosecond,
  Uint32,
  Uint64,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';

/** A row of the ingest test table, as plain JS (the source of truth for expected values). */
export interface IngestRow {
  id: number;
  big: bigint;
  u32: number | null;
  u64: bigint;
  f64: number | null;
  f32: number;
  flag: boolean | null;
  name: string | null;
  payload: Uint8Array | null;
  /** Microseconds since the epoch, UTC. */
  ts: bigint | null;
  /** Days since the epoch. */
  day: number;
  point: { x: number; label: string | null } | null;
  tags: number[] | null;
  attrs: Map<string, number | null>;
}

/** The Arrow types apps/ingest produces (see the delta README). */
export const ingestSchema = new Schema([
  new Field('id', new Int32(), false),
  new Field('big', new Int64(), false),
  new Field('u32', new Uint32(), true),
  new Field('u64', new Uint64(), false),
  new Field('f64', new Float64(), true),
  new Field('f32', new Float32(), false),
  new Field('flag', new Bool(), true),
  new Field('name', new Utf8(), true),
  new Field('payload', new Binary(), true),
  new Field('ts', new TimestampMicrosecond('UTC'), true),
  new Field('day', new DateDay(), false),
  new Field(
    'point',
    new Struct([new Field('x', new Float64(), false), new Field('label', new Utf8(), true)]),
    true,
  ),
  new Field('tags', new List(new Field('element', new Int32(), true)), true),
  new Field(
    'attrs',
    new Map_(
      new Field(
        'entries',
        new Struct<{ key: Utf8; value: Int32 }>([
          new Field('key', new Utf8(), false),
          new Field('value', new Int32(), true),
        ]),
        false,
      ),
    ),
    false,
  ),
]);

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` rows from `seed`, ids from `firstId`; includes int64 above 2^53, uint64 above 2^63, nulls, unicode. */
export function ingestRows(seed: number, n: number, firstId = 0): IngestRow[] {
  const r = prng(seed);
  const words = ['alpha', 'béta', 'γάμμα', '😀 emoji', 'x'.repeat(40), ''];
  return Array.from({ length: n }, (_, i): IngestRow => {
    const id = firstId + i;
    return {
      id,
      big: 9_007_199_254_740_993n + BigInt(id) * 1_000_003n,
      u32: r() < 0.1 ? null : Math.floor(r() * 4294967295),
      u64: 18_000_000_000_000_000_000n + BigInt(id),
      f64: r() < 0.1 ? null : (r() - 0.5) * 1e6,
      f32: Math.fround(r() * 100),
      flag: r() < 0.1 ? null : r() < 0.5,
      name: r() < 0.1 ? null : (words[Math.floor(r() * words.length)] as string),
      payload: r() < 0.2 ? null : Uint8Array.from([id & 255, 0, 255]),
      ts: r() < 0.1 ? null : 1_700_000_000_000_000n + BigInt(Math.floor(r() * 1e12)) + 1n,
      day: 19_000 + Math.floor(r() * 1000),
      point: r() < 0.1 ? null : { x: r(), label: r() < 0.3 ? null : `p${id}` },
      tags: r() < 0.1 ? null : Array.from({ length: Math.floor(r() * 4) }, () => Math.floor(r() * 100)),
      attrs: new Map([
        ['k', id],
        ['n', r() < 0.5 ? null : 7],
      ]),
    };
  });
}

function bigints(Ctor: BigInt64ArrayConstructor | BigUint64ArrayConstructor, values: (bigint | null)[]) {
  const data = new Ctor(values.length);
  values.forEach((v, i) => {
    data[i] = v ?? 0n;
  });
  return data;
}

function validity(values: unknown[]): Uint8Array {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return bitmap;
}

/** The rows as one Arrow record batch with {@link ingestSchema}. Exact for 64-bit and microsecond values. */
export function ingestBatch(rows: IngestRow[]): RecordBatch {
  const col = (name: string): Field => ingestSchema.fields.find((f) => f.name === name)!;
  const v = <T>(name: string, values: unknown[]): Vector =>
    vectorFromArray(values as T[], col(name).type) as unknown as Vector;
  const n = rows.length;
  const ts = rows.map((x) => x.ts);
  const u32 = rows.map((x) => x.u32);
  const children = [
    v(
      'id',
      rows.map((x) => x.id),
    ).data[0]!,
    makeData({
      type: new Int64(),
      length: n,
      data: bigints(
        BigInt64Array,
        rows.map((x) => x.big),
      ),
    } as never),
    makeData({
      type: new Uint32(),
      length: n,
      nullCount: u32.filter((x) => x === null).length,
      nullBitmap: validity(u32),
      data: Uint32Array.from(u32, (x) => x ?? 0),
    }),
    makeData({
      type: new Uint64(),
      length: n,
      data: bigints(
        BigUint64Array,
        rows.map((x) => x.u64),
      ),
    } as never),
    v(
      'f64',
      rows.map((x) => x.f64),
    ).data[0]!,
    v(
      'f32',
      rows.map((x) => x.f32),
    ).data[0]!,
    v(
      'flag',
      rows.map((x) => x.flag),
    ).data[0]!,
    v(
      'name',
      rows.map((x) => x.name),
    ).data[0]!,
    v(
      'payload',
      rows.map((x) => x.payload),
    ).data[0]!,
    makeData({
      type: new TimestampMicrosecond('UTC'),
      length: n,
      nullCount: ts.filter((x) => x === null).length,
      nullBitmap: validity(ts),
      data: bigints(BigInt64Array, ts),
    } as never),
    makeData({ type: new DateDay(), length: n, data: Int32Array.from(rows, (x) => x.day) }),
    v(
      'point',
      rows.map((x) => x.point),
    ).data[0]!,
    v(
      'tags',
      rows.map((x) => x.tags),
    ).data[0]!,
    v(
      'attrs',
      rows.map((x) => x.attrs),
    ).data[0]!,
  ];
  return new RecordBatch(
    ingestSchema,
    makeData({ type: new Struct(ingestSchema.fields), length: n, nullCount: 0, children }),
  );
}

import { createPrng, type Prng } from '@lakestream/testkit';
import {
  Bool,
  type Data,
  type DataType,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Uint64,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';

/**
 * NEOWISE-like source records as Arrow record batches (shared/spec/benchmark-schemas.md §1), with the Arrow
 * types apps/ingest produces: int32 for int32/sint32, Int64 for int64/sint64, Uint64 for fixed64, Float32 for
 * float, Utf8 for string, and `aperture` as List<Struct> with an `element` child. Every column is nullable;
 * the allwise_* columns are null in ~30% of rows. Built from a seeded PRNG, so every run measures the same data.
 */

const DOUBLES = ['ra', 'dec', 'sigra', 'sigdec', 'sigradec', 'glon', 'glat', 'elon', 'elat', 'x', 'y', 'z'];
const FLOATS_A = [
  'wx',
  'wy',
  'w1sky',
  'w1sigsk',
  'w1conf',
  'w2sky',
  'w2sigsk',
  'w2conf',
  'w1fitr',
  'w2fitr',
  'w1snr',
  'w2snr',
];
const FLUXES = ['w1flux', 'w1sigflux', 'w2flux', 'w2sigflux'];
const FLOATS_B = ['w1mpro', 'w1sigmpro', 'w1rchi2', 'w2mpro', 'w2sigmpro', 'w2rchi2', 'rchi2'];

const aperture = new Struct([
  new Field('band', new Int32(), true),
  new Field('idx', new Int32(), true),
  new Field('mag', new Float32(), true),
  new Field('sigmag', new Float32(), true),
  new Field('flg', new Int32(), true),
]);

const f = (name: string, type: DataType): Field => new Field(name, type, true);

/** The Arrow schema of a NEOWISE-like batch (column order as in the spec). */
export const neowiseSchema = new Schema([
  f('source_id', new Utf8()),
  f('cntr', new Int64()),
  ...DOUBLES.map((n) => f(n, new Float64())),
  ...FLOATS_A.map((n) => f(n, new Float32())),
  ...FLUXES.map((n) => f(n, new Float64())),
  ...FLOATS_B.map((n) => f(n, new Float32())),
  f('nb', new Int32()),
  f('na', new Int32()),
  f('w1sat', new Float32()),
  f('w2sat', new Float32()),
  f('satnum', new Int32()),
  f('cc_flags', new Utf8()),
  f('det_bit', new Int32()),
  f('ph_qual', new Utf8()),
  f('sso_flg', new Int32()),
  f('qual_frame', new Int32()),
  f('qi_fact', new Float32()),
  f('saa_sep', new Float32()),
  f('moon_masked', new Bool()),
  f('w1frtr', new Float32()),
  f('w2frtr', new Float32()),
  f('frame_id', new Utf8()),
  f('scan_id', new Utf8()),
  f('frame_num', new Int32()),
  f('mjd', new Float64()),
  f('allwise_cntr', new Int64()),
  f('r_allwise', new Float32()),
  f('pa_allwise', new Float32()),
  f('n_allwise', new Int32()),
  f('htm20', new Uint64()),
  f('spt_ind', new Int64()),
  f('aperture', new List(new Field('element', aperture, true))),
]);

function presence(n: number, valid: (i: number) => boolean): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(n / 8));
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (valid(i)) nullBitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return { nullBitmap, nullCount };
}

/** One batch of `rows` records starting at record number `first`. */
function neowiseBatch(rng: Prng, first: number, rows: number): RecordBatch {
  const r = rng.float;
  const f64 = (scale: number, offset = 0) => Float64Array.from({ length: rows }, () => offset + r() * scale);
  const f32 = (scale: number, offset = 0) => Float32Array.from({ length: rows }, () => offset + r() * scale);
  const i32 = (max: number, min = 0) =>
    Int32Array.from({ length: rows }, () => min + Math.floor(r() * (max - min)));
  const hex = (n: number) => Math.floor(n).toString(16).padStart(4, '0');
  const scanNum = Math.floor(r() * 90_000);
  const allwise = Array.from({ length: rows }, () => r() >= 0.3);
  const allwiseValid = presence(rows, (i) => allwise[i] === true);
  const columns: Data[] = [];
  const strings = (values: string[]) => vectorFromArray(values, new Utf8()).data[0] as Data;

  columns.push(
    strings(
      Array.from(
        { length: rows },
        (_, i) =>
          `${String(scanNum + Math.floor((first + i) / 5000)).padStart(4, '0')}r${String(i % 200).padStart(3, '0')}_${hex(r() * 65535)}-${String(first + i).padStart(6, '0')}`,
      ),
    ),
  );
  columns.push(
    makeData({
      type: new Int64(),
      length: rows,
      data: BigInt64Array.from({ length: rows }, (_, i) => 5_000_000_000n + BigInt(first + i)),
    } as never),
  );
  DOUBLES.forEach((_, k) => {
    columns.push(makeData({ type: new Float64(), length: rows, data: f64(k < 2 ? 360 : 1) }));
  });
  for (const _ of FLOATS_A) columns.push(makeData({ type: new Float32(), length: rows, data: f32(1000) }));
  for (const _ of FLUXES) columns.push(makeData({ type: new Float64(), length: rows, data: f64(1e5) }));
  for (const _ of FLOATS_B) columns.push(makeData({ type: new Float32(), length: rows, data: f32(20) }));
  columns.push(makeData({ type: new Int32(), length: rows, data: i32(3) }));
  columns.push(makeData({ type: new Int32(), length: rows, data: i32(3) }));
  columns.push(makeData({ type: new Float32(), length: rows, data: f32(0.1) }));
  columns.push(makeData({ type: new Float32(), length: rows, data: f32(0.1) }));
  columns.push(makeData({ type: new Int32(), length: rows, data: i32(4) }));
  const ccFlags = ['0000', '0000', '0000', '0d0h', 'hd00', '00H0'];
  columns.push(
    strings(Array.from({ length: rows }, () => ccFlags[Math.floor(r() * ccFlags.length)] as string)),
  );
  columns.push(makeData({ type: new Int32(), length: rows, data: i32(4) }));
  const qual = ['AA', 'AB', 'BA', 'BB', 'AU', 'UA', 'CC'];
  columns.push(strings(Array.from({ length: rows }, () => qual[Math.floor(r() * qual.length)] as string)));
  columns.push(makeData({ type: new Int32(), length: rows, data: i32(2, -1) }));
  columns.push(makeData({ type: new Int32(), length: rows, data: i32(11) }));
  columns.push(makeData({ type: new Float32(), length: rows, data: f32(1) }));
  columns.push(makeData({ type: new Float32(), length: rows, data: f32(180) }));
  const moon = new Uint8Array(Math.ceil(rows / 8));
  for (let i = 0; i < rows; i++) if (r() < 0.05) moon[i >> 3]! |= 1 << (i & 7);
  columns.push(makeData({ type: new Bool(), length: rows, data: moon }));
  columns.push(makeData({ type: new Float32(), length: rows, data: f32(1) }));
  columns.push(makeData({ type: new Float32(), length: rows, data: f32(1) }));
  const frame = (i: number) => Math.floor((first + i) / 800);
  columns.push(
    strings(
      Array.from(
        { length: rows },
        (_, i) => `${String(scanNum).padStart(5, '0')}a${String(frame(i) % 1000).padStart(3, '0')}`,
      ),
    ),
  );
  columns.push(strings(Array.from({ length: rows }, () => `${String(scanNum).padStart(5, '0')}a`)));
  columns.push(
    makeData({
      type: new Int32(),
      length: rows,
      data: Int32Array.from({ length: rows }, (_, i) => frame(i)),
    }),
  );
  columns.push(makeData({ type: new Float64(), length: rows, data: f64(3000, 55_000) }));
  columns.push(
    makeData({
      type: new Int64(),
      length: rows,
      ...allwiseValid,
      data: BigInt64Array.from({ length: rows }, () => 1_000_000_000n + BigInt(Math.floor(r() * 1e9))),
    } as never),
  );
  columns.push(makeData({ type: new Float32(), length: rows, ...allwiseValid, data: f32(3) }));
  columns.push(makeData({ type: new Float32(), length: rows, ...allwiseValid, data: f32(360) }));
  columns.push(makeData({ type: new Int32(), length: rows, ...allwiseValid, data: i32(10) }));
  columns.push(
    makeData({
      type: new Uint64(),
      length: rows,
      data: BigUint64Array.from({ length: rows }, () => BigInt(Math.floor(r() * 2 ** 52)) * 1024n),
    } as never),
  );
  columns.push(
    makeData({
      type: new Int64(),
      length: rows,
      data: BigInt64Array.from({ length: rows }, () => BigInt(Math.floor(r() * 2 ** 40))),
    } as never),
  );
  // aperture: 12..16 entries per record.
  const valueOffsets = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) valueOffsets[i + 1] = valueOffsets[i]! + 12 + Math.floor(r() * 5);
  const n = valueOffsets[rows]!;
  const entries = makeData({
    type: aperture,
    length: n,
    nullCount: 0,
    children: [
      makeData({ type: new Int32(), length: n, data: Int32Array.from({ length: n }, (_, j) => 1 + (j % 2)) }),
      makeData({ type: new Int32(), length: n, data: Int32Array.from({ length: n }, (_, j) => 1 + (j % 8)) }),
      makeData({
        type: new Float32(),
        length: n,
        data: Float32Array.from({ length: n }, () => 8 + r() * 10),
      }),
      makeData({ type: new Float32(), length: n, data: Float32Array.from({ length: n }, () => r() * 0.5) }),
      makeData({
        type: new Int32(),
        length: n,
        data: Int32Array.from({ length: n }, () => (r() < 0.9 ? 0 : 1)),
      }),
    ],
  });
  const listType = neowiseSchema.fields[neowiseSchema.fields.length - 1]!.type as List;
  columns.push(makeData({ type: listType, length: rows, nullCount: 0, valueOffsets, child: entries }));

  return new RecordBatch(
    neowiseSchema,
    makeData({ type: new Struct(neowiseSchema.fields), length: rows, nullCount: 0, children: columns }),
  );
}

/** Options of {@link neowiseBatches}. */
export interface NeowiseBatchOptions {
  /** PRNG seed (default 42). */
  seed?: number;
  /** Number of batches (default 10). */
  batches?: number;
  /** Records per batch (default 10,000). */
  rowsPerBatch?: number;
}

/** Seeded NEOWISE-like record batches; the same options always give the same data. */
export function neowiseBatches(options: NeowiseBatchOptions = {}): RecordBatch[] {
  const rng = createPrng(options.seed ?? 42);
  const rows = options.rowsPerBatch ?? 10_000;
  return Array.from({ length: options.batches ?? 10 }, (_, b) => neowiseBatch(rng, b * rows, rows));
}

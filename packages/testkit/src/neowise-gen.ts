import { createPrng, type Prng } from './prng.js';
import { encodeAll, toJsonRecords } from './records.js';
import { neowiseSchema } from './schemas.js';

const CC_FLAGS = ['0000', '0000', '0000', '0d0h', '00h0', 'D000', '0H00', 'hh00', '00dd'];
const PH_QUAL = ['AA', 'AB', 'AC', 'BA', 'BB', 'AU', 'UA', 'CU', 'AX'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

const digits = (rng: Prng, n: number): string => String(rng.int(0, 10 ** n - 1)).padStart(n, '0');
const letters = (rng: Prng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += LETTERS[rng.int(0, 25)];
  return s;
};
const f32 = Math.fround;

/** One aperture magnitude entry (spec §1, message `Aperture`). */
function aperture(rng: Prng, i: number): Record<string, number> {
  return {
    band: (i & 1) + 1,
    idx: ((i >> 1) % 8) + 1,
    mag: f32(rng.range(8, 17.5)),
    sigmag: f32(rng.range(0.005, 0.4)),
    flg: rng.chance(0.85) ? 0 : rng.int(1, 32),
  };
}

/**
 * The field values of one NEOWISE-like record (spec §1): realistic ranges, `cntr` unique and > 2^32, the
 * allwise fields absent in ~30% of rows, 12..16 apertures. int64 values are JS numbers (all < 2^53).
 */
export function neowiseObject(rng: Prng, index: number): Record<string, unknown> {
  const ra = rng.range(0, 360);
  const dec = Math.asin(rng.range(-1, 1)) * (180 / Math.PI);
  const raRad = (ra * Math.PI) / 180;
  const decRad = (dec * Math.PI) / 180;
  const scan = `${digits(rng, 5)}${letters(rng, 1)}`;
  const o: Record<string, unknown> = {
    source_id: `${digits(rng, 4)}r${digits(rng, 3)}_${letters(rng, 2)}${digits(rng, 2)}-${digits(rng, 6)}`,
    cntr: 5_000_000_000 + index * 37 + rng.int(0, 36),
    ra,
    dec,
    sigra: rng.range(0.05, 2),
    sigdec: rng.range(0.05, 2),
    sigradec: rng.range(-0.5, 0.5),
    glon: rng.range(0, 360),
    glat: rng.range(-90, 90),
    elon: rng.range(0, 360),
    elat: rng.range(-90, 90),
    x: Math.cos(decRad) * Math.cos(raRad),
    y: Math.cos(decRad) * Math.sin(raRad),
    z: Math.sin(decRad),
    wx: f32(rng.range(1, 1016)),
    wy: f32(rng.range(1, 1016)),
    w1sky: f32(rng.range(10, 400)),
    w1sigsk: f32(rng.range(0.5, 5)),
    w1conf: f32(rng.range(1, 20)),
    w2sky: f32(rng.range(10, 400)),
    w2sigsk: f32(rng.range(0.5, 5)),
    w2conf: f32(rng.range(1, 20)),
    w1fitr: f32(rng.range(0, 20)),
    w2fitr: f32(rng.range(0, 20)),
    w1snr: f32(rng.range(2, 500)),
    w2snr: f32(rng.range(2, 500)),
    w1flux: rng.range(10, 1e5),
    w1sigflux: rng.range(1, 500),
    w2flux: rng.range(10, 1e5),
    w2sigflux: rng.range(1, 500),
    w1mpro: f32(rng.range(5, 17)),
    w1sigmpro: f32(rng.range(0.01, 0.5)),
    w1rchi2: f32(rng.range(0.2, 5)),
    w2mpro: f32(rng.range(5, 16)),
    w2sigmpro: f32(rng.range(0.01, 0.5)),
    w2rchi2: f32(rng.range(0.2, 5)),
    rchi2: f32(rng.range(0.2, 5)),
    nb: rng.int(1, 3),
    na: rng.int(0, 1),
    w1sat: f32(rng.chance(0.9) ? 0 : rng.range(0, 1)),
    w2sat: f32(rng.chance(0.9) ? 0 : rng.range(0, 1)),
    satnum: rng.int(0, 4),
    cc_flags: rng.pick(CC_FLAGS),
    det_bit: rng.int(0, 3),
    ph_qual: rng.pick(PH_QUAL),
    sso_flg: rng.chance(0.97) ? 0 : rng.int(-2, 4),
    qual_frame: rng.pick([0, 5, 10, 10, 10]),
    qi_fact: f32(rng.pick([0, 0.5, 1, 1, 1])),
    saa_sep: f32(rng.range(0, 180)),
    moon_masked: rng.chance(0.1),
    w1frtr: f32(rng.range(0, 1)),
    w2frtr: f32(rng.range(0, 1)),
    frame_id: `${scan}${digits(rng, 3)}`,
    scan_id: scan,
    frame_num: rng.int(1, 250),
    mjd: rng.range(56600, 60400),
    htm20: rng.int(8 * 4 ** 19, 16 * 4 ** 20 - 1),
    spt_ind: rng.int(-1, 1) * rng.int(100_000_000, 999_999_999),
  };
  if (rng.chance(0.7)) {
    o.allwise_cntr = rng.int(1_000_000_000, 4_000_000_000) * 1000 + rng.int(0, 999);
    o.r_allwise = f32(rng.range(0, 3));
    o.pa_allwise = f32(rng.range(0, 360));
    o.n_allwise = rng.int(1, 3);
  }
  const apertures = rng.int(12, 16);
  o.aperture = Array.from({ length: apertures }, (_, i) => aperture(rng, i));
  return o;
}

/** `count` NEOWISE-like field-value objects, the same for the same `seed`. */
export function generateNeowiseObjects(count: number, seed: number): Record<string, unknown>[] {
  const rng = createPrng(seed);
  return Array.from({ length: count }, (_, i) => neowiseObject(rng, i));
}

/** `count` encoded NEOWISE-like records (proto2 wire format, ~700 bytes each), the same for the same seed. */
export function generateNeowise(count: number, seed: number): Uint8Array[] {
  return encodeAll(neowiseSchema().type, generateNeowiseObjects(count, seed));
}

/** The same records as `generateNeowise(count, seed)`, as JSON texts (int64 as strings, field names as in the .proto). */
export function generateNeowiseAsJson(count: number, seed: number): string[] {
  return toJsonRecords(neowiseSchema().type, generateNeowise(count, seed));
}

/**
 * The CRC32C loops the WAL's checksum is measured against (`crc32c-bench.ts`): a byte-at-a-time table loop
 * (the textbook baseline), the slicing-by-8 loop with byte loads that `apps/ingest/src/wal/crc32c.ts` held
 * until 2026-11-24 (commit 2c44c84), and the slicing-by-16 word loop that replaced it until the WAL moved to
 * the native `@node-rs/crc32` (commit f3735c4 holds it), both copied here unchanged.
 */

const POLY = 0x82f63b78;
const TABLES: Uint32Array[] = [];
{
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[n] = c >>> 0;
  }
  TABLES.push(t0);
  for (let t = 1; t < 8; t++) {
    const prev = TABLES[t - 1]!;
    const next = new Uint32Array(256);
    for (let n = 0; n < 256; n++) next[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    TABLES.push(next);
  }
}
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
];

/** CRC32C one byte per step through one 256-entry table. */
export function crc32cBytewise(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = T0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC32C slicing-by-8 with byte loads: the WAL's loop before 2026-11-24. */
export function crc32cSlicing8(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  let i = 0;
  const n = bytes.length;
  const end8 = n - (n & 7);
  while (i < end8) {
    const lo = (c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>> 0;
    c =
      T7[lo & 0xff]! ^
      T6[(lo >>> 8) & 0xff]! ^
      T5[(lo >>> 16) & 0xff]! ^
      T4[lo >>> 24]! ^
      T3[bytes[i + 4]!]! ^
      T2[bytes[i + 5]!]! ^
      T1[bytes[i + 6]!]! ^
      T0[bytes[i + 7]!]!;
    i += 8;
  }
  while (i < n) c = T0[(c ^ bytes[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const TABLES16: Int32Array[] = [Int32Array.from(T0)];
for (let t = 1; t < 16; t++) {
  const prev = TABLES16[t - 1]!;
  const next = new Int32Array(256);
  for (let n = 0; n < 256; n++) next[n] = (prev[n]! >>> 8) ^ TABLES16[0]![prev[n]! & 0xff]!;
  TABLES16.push(next);
}
const [S0, S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, S13, S14, S15] = TABLES16 as [
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
];

// The word loads read little-endian words; on a big-endian host every byte goes through the byte loop.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** CRC32C slicing-by-16 with 32-bit word loads: the WAL's loop from 2026-11-24 until it moved to the native
 * `@node-rs/crc32` the same week. */
export function crc32cSlicing16(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  let i = 0;
  const n = bytes.length;
  // Bytes up to the first 4-byte-aligned address, so the words below are aligned views.
  const head = LITTLE_ENDIAN ? Math.min(n, (4 - (bytes.byteOffset & 3)) & 3) : n;
  while (i < head) c = S0[(c ^ bytes[i++]!) & 0xff]! ^ (c >>> 8);
  const blocks = (n - i) >>> 4;
  if (blocks > 0) {
    const w = new Int32Array(bytes.buffer, bytes.byteOffset + i, blocks * 4);
    for (let k = 0; k < w.length; k += 4) {
      const a = c ^ w[k]!;
      const b = w[k + 1]!;
      const d = w[k + 2]!;
      const e = w[k + 3]!;
      c =
        S15[a & 0xff]! ^
        S14[(a >>> 8) & 0xff]! ^
        S13[(a >>> 16) & 0xff]! ^
        S12[a >>> 24]! ^
        S11[b & 0xff]! ^
        S10[(b >>> 8) & 0xff]! ^
        S9[(b >>> 16) & 0xff]! ^
        S8[b >>> 24]! ^
        S7[d & 0xff]! ^
        S6[(d >>> 8) & 0xff]! ^
        S5[(d >>> 16) & 0xff]! ^
        S4[d >>> 24]! ^
        S3[e & 0xff]! ^
        S2[(e >>> 8) & 0xff]! ^
        S1[(e >>> 16) & 0xff]! ^
        S0[e >>> 24]!;
    }
    i += blocks * 16;
  }
  while (i < n) c = S0[(c ^ bytes[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

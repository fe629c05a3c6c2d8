import type { Prng } from '@lakestream/testkit';

/** Bytes that often matter to a protobuf reader: continuation bits, wire types 6/7, group tags, lengths. */
const INTERESTING = [
  0x00, 0x01, 0x7f, 0x80, 0xff, 0x0e, 0x0f, 0x0b, 0x0c, 0x1a, 0x22, 0x4b, 0x4c, 0xc0, 0xed, 0xf8,
];

/**
 * A corrupted copy of `record` (never modified): bit flips, byte inserts, deletes and overwrites, a
 * truncation, a splice with `other`, or a run of 0xff/0x80 bytes. One to three mutations are applied.
 */
export function mutateBytes(rng: Prng, record: Uint8Array, other: Uint8Array): Uint8Array {
  let out = Array.from(record);
  for (let n = rng.int(1, 3); n > 0; n--) {
    const at = rng.int(0, out.length);
    switch (rng.int(0, 6)) {
      case 0:
        if (out.length > 0) out[Math.min(at, out.length - 1)]! ^= 1 << rng.int(0, 7);
        break;
      case 1:
        out.splice(at, 0, rng.chance(0.5) ? rng.pick(INTERESTING) : rng.int(0, 255));
        break;
      case 2:
        out.splice(at, rng.int(1, 4));
        break;
      case 3:
        out = out.slice(0, at);
        break;
      case 4:
        out = [...out.slice(0, at), ...Array.from(other.subarray(rng.int(0, other.length)))];
        break;
      case 5:
        if (out.length > 0) out[Math.min(at, out.length - 1)] = rng.pick(INTERESTING);
        break;
      default:
        out.splice(at, 0, ...Array<number>(rng.int(1, 12)).fill(rng.chance(0.5) ? 0xff : 0x80));
    }
  }
  return Uint8Array.from(out);
}

/** A random byte string of 0..96 bytes, half of them drawn from bytes that matter to a protobuf reader. */
export function randomBytes(rng: Prng): Uint8Array {
  return Uint8Array.from({ length: rng.int(0, 96) }, () =>
    rng.chance(0.5) ? rng.pick(INTERESTING) : rng.int(0, 255),
  );
}

import { WireFault } from './fault.js';

/**
 * Slow paths of varint reading, for values the generated code's inline one-byte fast path does not cover.
 * A varint carries at most 10 bytes (64 bits). 64-bit values travel as two 32-bit halves: the functions
 * return the low half and leave the high half and the new position in `cursor`, so nothing is allocated.
 */
export const cursor = { pos: 0, hi: 0 };

/** Reads a varint at `pos` (bounded by `end`) and returns its low 32 bits; `cursor.pos` moves past it. */
export function readVarint32(buf: Uint8Array, pos: number, end: number): number {
  let value = 0;
  for (let shift = 0; shift < 32; shift += 7) {
    if (pos >= end) throw truncatedVarint(pos);
    const byte = buf[pos++]!;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      cursor.pos = pos;
      return value;
    }
  }
  // Bytes 6 to 10 only carry high bits (a negative int32 is sign-extended to 10 bytes).
  for (let count = 5; count < 10; count++) {
    if (pos >= end) throw truncatedVarint(pos);
    if (buf[pos++]! < 0x80) {
      cursor.pos = pos;
      return value;
    }
  }
  throw new WireFault('VARINT_TOO_LONG', pos - 10, 'a varint runs past 10 bytes');
}

/** Reads a 64-bit varint at `pos`; returns the low half, leaves the high half in `cursor.hi`. */
export function readVarint64(buf: Uint8Array, pos: number, end: number): number {
  let lo = 0;
  let hi = 0;
  let byte = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw truncatedVarint(pos);
    byte = buf[pos++]!;
    lo |= (byte & 0x7f) << shift;
    if (byte < 0x80) return finish(lo, 0, pos);
  }
  // The fifth byte straddles the halves: 4 bits to lo, 3 bits to hi.
  if (pos >= end) throw truncatedVarint(pos);
  byte = buf[pos++]!;
  lo |= (byte & 0x0f) << 28;
  hi = (byte & 0x7f) >>> 4;
  if (byte < 0x80) return finish(lo, hi, pos);
  for (let shift = 3; shift < 32; shift += 7) {
    if (pos >= end) throw truncatedVarint(pos);
    byte = buf[pos++]!;
    hi |= (byte & 0x7f) << shift;
    if (byte < 0x80) return finish(lo, hi, pos);
  }
  throw new WireFault('VARINT_TOO_LONG', pos - 10, 'a varint runs past 10 bytes');
}

/** Reads a length prefix and checks that `length` bytes remain before `end`; returns the length. */
export function readLength(buf: Uint8Array, pos: number, end: number): number {
  const start = pos;
  const length = readVarint32(buf, pos, end);
  if (length < 0 || length > end - cursor.pos) {
    throw new WireFault(
      'LENGTH_OUT_OF_BOUNDS',
      start,
      `a length of ${length >>> 0} bytes runs past the end of its message (${end - cursor.pos} bytes left)`,
    );
  }
  return length;
}

function finish(lo: number, hi: number, pos: number): number {
  cursor.pos = pos;
  cursor.hi = hi | 0;
  return lo | 0;
}

function truncatedVarint(pos: number): WireFault {
  return new WireFault('TRUNCATED', pos, 'the message ends inside a varint');
}

/**
 * Returns -1 when `buf[start..end)` is well-formed UTF-8, else the offset of the first byte of the first
 * ill-formed sequence. Rejects what the Unicode standard rejects: overlong forms, surrogates (U+D800..DFFF),
 * code points above U+10FFFF, stray continuation bytes and truncated sequences.
 */
export function findInvalidUtf8(buf: Uint8Array, start: number, end: number): number {
  let pos = start;
  while (pos < end) {
    const lead = buf[pos]!;
    if (lead < 0x80) {
      pos++;
      continue;
    }
    const size = sequenceSize(buf, pos, end, lead);
    if (size === 0) return pos;
    pos += size;
  }
  return -1;
}

/** Length of the well-formed multi-byte sequence at `pos`, or 0 when it is ill-formed. */
function sequenceSize(buf: Uint8Array, pos: number, end: number, lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) {
    return pos + 1 < end && isContinuation(buf[pos + 1]!) ? 2 : 0;
  }
  if (lead >= 0xe0 && lead <= 0xef) {
    if (pos + 2 >= end) return 0;
    const second = buf[pos + 1]!;
    // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
    const low = lead === 0xe0 ? 0xa0 : 0x80;
    const high = lead === 0xed ? 0x9f : 0xbf;
    return second >= low && second <= high && isContinuation(buf[pos + 2]!) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    if (pos + 3 >= end) return 0;
    const second = buf[pos + 1]!;
    // F0 needs 90..BF (no overlongs); F4 needs 80..8F (nothing above U+10FFFF).
    const low = lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xf4 ? 0x8f : 0xbf;
    return second >= low && second <= high && isContinuation(buf[pos + 2]!) && isContinuation(buf[pos + 3]!)
      ? 4
      : 0;
  }
  return 0;
}

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/**
 * The bytes of a JSON string with escapes, decoded the way `JSON.parse` decodes them (RFC 8259 §7): `\"`,
 * `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX` (a surrogate pair of two escapes is one code point).
 */

/** Hex digit values by byte; -1 for a byte that is not a hex digit. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

/** The byte each one-character escape stands for, by the byte after the backslash; 0: not one. */
const SIMPLE = new Uint8Array(128);
SIMPLE[34] = 34; // \"
SIMPLE[92] = 92; // \\
SIMPLE[47] = 47; // \/
SIMPLE[98] = 8; // \b
SIMPLE[102] = 12; // \f
SIMPLE[110] = 10; // \n
SIMPLE[114] = 13; // \r
SIMPLE[116] = 9; // \t

/** The UTF-16 unit of the four hex digits at `at` (`\uXXXX` without the `\u`), or -1. */
function hexUnit(source: Uint8Array, at: number, end: number): number {
  if (at + 4 > end) return -1;
  const a = HEX[source[at]!]!;
  const b = HEX[source[at + 1]!]!;
  const c = HEX[source[at + 2]!]!;
  const d = HEX[source[at + 3]!]!;
  return (a | b | c | d) < 0 ? -1 : (a << 12) | (b << 8) | (c << 4) | d;
}

/**
 * Decodes the string body `source[start, end)` (between its quotes; the caller has checked it holds no raw
 * control byte and is well-formed UTF-8) into `out` as UTF-8, and returns the byte count; `out` needs room
 * for `end - start` bytes (no escape is shorter than what it decodes to). Returns -1 where `JSON.parse`
 * would fail (an unknown escape, bad hex digits) and where the string would hold an unpaired surrogate
 * (`"\ud800"`: no UTF-8 form; the parser's slow path reports it), so -1 means "decode this record the slow way".
 */
export function unescapeJsonString(source: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  let i = start;
  while (i < end) {
    const byte = source[i]!;
    if (byte !== 92) {
      out[n++] = byte;
      i++;
      continue;
    }
    const kind = source[i + 1] ?? 0;
    if (kind !== 117) {
      const simple = kind < 128 ? SIMPLE[kind]! : 0;
      if (simple === 0 || i + 1 >= end) return -1;
      out[n++] = simple;
      i += 2;
      continue;
    }
    let unit = hexUnit(source, i + 2, end);
    if (unit < 0) return -1;
    i += 6;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      // A high surrogate must be followed by a `\u` low surrogate: together one code point.
      if (unit >= 0xdc00 || source[i] !== 92 || source[i + 1] !== 117) return -1;
      const low = hexUnit(source, i + 2, end);
      if (low < 0xdc00 || low > 0xdfff) return -1;
      i += 6;
      unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
    }
    n = writeCodePoint(out, n, unit);
  }
  return n;
}

/** Writes the UTF-8 encoding of `code` (not a surrogate) at `out[n]`; returns the index past it. */
function writeCodePoint(out: Uint8Array, n: number, code: number): number {
  if (code < 0x80) {
    out[n] = code;
    return n + 1;
  }
  if (code < 0x800) {
    out[n] = 0xc0 | (code >> 6);
    out[n + 1] = 0x80 | (code & 0x3f);
    return n + 2;
  }
  if (code < 0x10000) {
    out[n] = 0xe0 | (code >> 12);
    out[n + 1] = 0x80 | ((code >> 6) & 0x3f);
    out[n + 2] = 0x80 | (code & 0x3f);
    return n + 3;
  }
  out[n] = 0xf0 | (code >> 18);
  out[n + 1] = 0x80 | ((code >> 12) & 0x3f);
  out[n + 2] = 0x80 | ((code >> 6) & 0x3f);
  out[n + 3] = 0x80 | (code & 0x3f);
  return n + 4;
}

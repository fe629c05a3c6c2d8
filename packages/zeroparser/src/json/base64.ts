/**
 * Base64 decoding for binary columns: the standard alphabet (`+`, `/`) and the URL-safe one (`-`, `_`),
 * with or without `=` padding. Node's `Buffer.from(s, 'base64')` skips characters it does not know, which
 * would turn a typo into silently different bytes, so this decoder rejects them instead.
 */

/** Six-bit value of each ASCII character, or -1. */
const SEXTETS = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  SEXTETS['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}
SEXTETS['-'.charCodeAt(0)] = 62;
SEXTETS['_'.charCodeAt(0)] = 63;

/** How many bytes `text` decodes to, or -1 when it is not valid base64 (bad character, length or padding). */
export function base64DecodedLength(text: string): number {
  let length = text.length;
  if (length > 0 && text.charCodeAt(length - 1) === 61) {
    // Padding: only in a text whose length is a multiple of 4, one or two `=`.
    if (length % 4 !== 0) return -1;
    length--;
    if (text.charCodeAt(length - 1) === 61) length--;
  }
  if (length % 4 === 1) return -1;
  return Math.floor((length * 3) / 4);
}

/**
 * Decodes `text` into `out` from `offset`; `out` must have room for `base64DecodedLength(text)` bytes.
 * Returns false, having written garbage, when a character is not in either alphabet.
 */
export function decodeBase64Into(
  text: string,
  decodedLength: number,
  out: Uint8Array,
  offset: number,
): boolean {
  const end = offset + decodedLength;
  let bits = 0;
  let count = 0;
  let at = offset;
  const chars = Math.ceil((decodedLength * 4) / 3);
  for (let i = 0; i < chars; i++) {
    const code = text.charCodeAt(i);
    const sextet = code < 128 ? SEXTETS[code]! : -1;
    if (sextet < 0) return false;
    bits = (bits << 6) | sextet;
    count += 6;
    if (count >= 8) {
      count -= 8;
      if (at < end) out[at++] = (bits >>> count) & 0xff;
    }
  }
  return true;
}

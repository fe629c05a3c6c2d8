import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';

// Bit-at-a-time reference (no tables), to check the slicing-by-16 loop on every length and alignment.
function reference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  it('matches the published check value and the RFC 3720 (iSCSI) vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('agrees with a bit-at-a-time reference on every length 0..200 and on unaligned views', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 2654435761) >>> 24);
    for (let n = 0; n <= 200; n++) expect(crc32c(data.subarray(0, n))).toBe(reference(data.subarray(0, n)));
    for (let start = 1; start < 9; start++)
      expect(crc32c(data.subarray(start, start + 77))).toBe(reference(data.subarray(start, start + 77)));
  });

  it('agrees with the reference on large buffers at every alignment, split anywhere', () => {
    const data = Uint8Array.from({ length: 70_001 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff);
    const whole = reference(data);
    for (let start = 0; start < 8; start++) {
      for (const length of [15, 16, 17, 63, 64, 65, 4096 + 3, 70_001 - 8]) {
        const view = data.subarray(start, start + length);
        expect(crc32c(view)).toBe(reference(view));
      }
    }
    for (const cut of [1, 5, 16, 4097, 33_333]) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(whole);
    }
  });

  it('continues a checksum across pieces', () => {
    const data = new TextEncoder().encode('123456789');
    expect(crc32c(data.subarray(4), crc32c(data.subarray(0, 4)))).toBe(0xe3069283);
  });
});

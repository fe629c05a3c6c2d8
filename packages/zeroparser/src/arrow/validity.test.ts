import { describe, expect, it } from 'vitest';
import { fillValidity, summarizePresence } from './validity.js';

/** The bitmap `fillValidity` writes for bit `bit` of `words`, over a buffer of 0xAA bytes (never left stale). */
function bitmapOf(words: number[], bit: number): number[] {
  const presence = Int32Array.from(words);
  const bitmap = new Uint8Array(((words.length + 7) >>> 3) + 1).fill(0xaa);
  fillValidity(presence, bit, summarizePresence(presence), bitmap);
  return Array.from(bitmap);
}

describe('validity bitmaps from presence words', () => {
  it('summarises the bits set in every row and in some row', () => {
    expect(summarizePresence(Int32Array.from([0b0111, 0b0101, 0b1101]))).toEqual({
      all: 0b0101,
      any: 0b1111,
    });
  });

  it('a column present in every row: all ones up to the last row, zeros after it', () => {
    const words = Array.from({ length: 11 }, () => 1 << 31);
    expect(bitmapOf(words, 31)).toEqual([0xff, 0b0000_0111, 0xaa]);
  });

  it('a column absent from every row: zeros', () => {
    expect(bitmapOf([1, 1, 1, 1, 1, 1, 1, 1, 1], 4)).toEqual([0, 0, 0xaa]);
  });

  it('a column present in some rows: one bit per row, in row order', () => {
    // bit 2 set in rows 0, 3, 8 and 9
    const words = [4, 1, 0, 4 | 1, 0, 0, 1, 0, 4, 4];
    expect(bitmapOf(words, 2)).toEqual([0b0000_1001, 0b0000_0011, 0xaa]);
  });

  it('a batch whose row count is a multiple of eight fills whole bytes', () => {
    expect(
      bitmapOf(
        Array.from({ length: 16 }, () => 2),
        1,
      ),
    ).toEqual([0xff, 0xff, 0xaa]);
  });
});

// @ts-expect-error lz4js (an independent LZ4 frame encoder, used only here) ships no types.
import * as lz4js from 'lz4js';
import { describe, expect, it } from 'vitest';
import { decodeLz4Frames, Lz4FrameError } from './lz4-frame.js';

const compressFrame = (lz4js as { compress(data: Uint8Array): Uint8Array }).compress;

/** 150,000 bytes: "lakestream " repeated, with a counter every 4,000 bytes (input of the CLI fixture below). */
function fixtureInput(): Uint8Array {
  let s = '';
  for (let i = 0; s.length < 150_000; i++) s += `${i % 400 === 0 ? `#${i}#` : ''}lakestream `;
  return new TextEncoder().encode(s.slice(0, 150_000));
}

/**
 * `lz4 -BD -B4 --content-size -BX` (lz4 CLI 1.9.4) of `fixtureInput()`: linked 64 KiB blocks, block and content
 * checksums, the content size in the header.
 */
const CLI_FRAME = Buffer.from(
  'BCJNGFxA8EkCAAAAAADpXgEAAO8jMCNsYWtlc3RyZWFtIAsA//////////////////////8jPyM0MDUR//////////////////////8xHzg1Ef//////////////////////Mi8xMjYR//////////////////////8zHzY2Ef//////////////////////Mi8yMDYR//////////////////////8zDw1W//////////////////////8zHzIOVv//////////////////////Mx8zDlb//////////////////////zMfMw5W//////////////////////8zHzQOVv//////////////////////Mx80Dlb//////////////////////zMfNA5W//////////////////////8zHzUOVv//////////////////////Mx81Dlb///////////////////8GUGVhbSBsAjbcnFcBAAAP/P///xQvIzYOVv//////////////////////Mx82Dlb//////////////////////zMfNg5W//////////////////////8zHzcOVv//////////////////////Mx83Dlb//////////////////////zMfOA5W//////////////////////8zHzgOVv//////////////////////Mx84Dlb//////////////////////zMfOQ5W//////////////////////8zHzkOVv//////////////////////My8xMA9W//////////////////////8zLzEwEFb//////////////////////zMvMTARVv//////////////////////My8xMRJW//////////////////////8zLzExE1b////////////////UUG0gbGFr1h1DrngAAAC/ZXN0cmVhbSBsYWsLAP////86PyMxMhNW//////////////////////80HzITVv//////////////////////NB8yE1b//////////////////////zQfMxNW//////////////////////80HzMTVqVQc3RyZWFYZtX/AAAAADfeDkU=',
  'base64',
);

/** A seeded generator (mulberry32), so a failure names an input that can be made again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random bytes with runs and repeats (so the encoder emits literals, short and long, overlapping matches). */
function sample(seed: number): Uint8Array {
  const next = random(seed);
  const out = new Uint8Array(Math.floor(next() * 300_000));
  let i = 0;
  while (i < out.length) {
    const kind = next();
    const n = Math.min(out.length - i, 1 + Math.floor(next() * (kind < 0.3 ? 20 : 2_000)));
    if (kind < 0.3 || i === 0) for (let k = 0; k < n; k++) out[i + k] = Math.floor(next() * 256);
    else if (kind < 0.6) out.fill(Math.floor(next() * 4), i, i + n);
    else {
      const back = 1 + Math.floor(next() * Math.min(i, 70_000));
      for (let k = 0; k < n; k++) out[i + k] = out[i + k - back]!;
    }
    i += n;
  }
  return out;
}

function decode(frame: Uint8Array, size: number): Uint8Array {
  const dst = new Uint8Array(size);
  expect(decodeLz4Frames(frame, dst)).toBe(size);
  return dst;
}

/** A frame header: magic, FLG (version 01, independent blocks), BD (block max `bd`), header checksum byte. */
function header(bd = 0x40): number[] {
  return [0x04, 0x22, 0x4d, 0x18, 0x60, bd, 0x00];
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

function refusal(frame: number[] | Uint8Array, size: number): string {
  try {
    decodeLz4Frames(Uint8Array.from(frame), new Uint8Array(size));
  } catch (err) {
    expect(err).toBeInstanceOf(Lz4FrameError);
    return (err as Error).message;
  }
  throw new Error('decoded');
}

describe('decodeLz4Frames', () => {
  it('decodes what an independent encoder (lz4js) wrote, on 40 seeded random inputs', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const input = sample(seed);
      expect(
        Buffer.from(decode(compressFrame(input), input.length)).equals(Buffer.from(input)),
        `seed ${seed}`,
      ).toBe(true);
    }
  });

  it('decodes the lz4 CLI frame: linked blocks, checksums, content size', () => {
    const input = fixtureInput();
    expect(Buffer.from(decode(CLI_FRAME, input.length)).equals(Buffer.from(input))).toBe(true);
  });

  it('decodes concatenated frames and skips skippable frames', () => {
    const a = sample(7);
    const b = sample(8);
    const skippable = Uint8Array.from([0x52, 0x2a, 0x4d, 0x18, ...u32(3), 1, 2, 3]);
    const both = Buffer.concat([compressFrame(a), skippable, compressFrame(b)]);
    expect(Buffer.from(decode(both, a.length + b.length)).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('refuses output past the declared length before writing it: a match-length bomb', () => {
    // One sequence: 1 literal, then a match of 1 byte back whose length bytes add up to ~255 × 100,000.
    const block = [0x1f, 0x41, 0x01, 0x00, ...new Array<number>(100_000).fill(0xff), 0x00];
    const frame = [...header(0x70), ...u32(block.length), ...block, ...u32(0)];
    expect(refusal(frame, 1024)).toBe('the data decodes to more than the 1024 bytes declared');
  });

  it('refuses a block larger than the input or than the frame allows, a match before the output, garbage, a cut', () => {
    expect(refusal([...header(0x70), ...u32(0x10000000), 0, 0, 0, 0], 1024)).toBe(
      "block of 268435456 bytes exceeds the frame's block size 4194304",
    );
    expect(refusal([...header(0x70), ...u32(4_000_000), 0x10, 0x41], 1024)).toMatch(
      /^the frame is cut short/,
    );
    expect(refusal([...header(), ...u32(4), 0x14, 0x41, 0x05, 0x00, ...u32(0)], 64)).toBe(
      'a match refers 5 bytes back from output byte 1',
    );
    expect(refusal([1, 2, 3, 4, 5, 6, 7, 8], 64)).toBe('not an LZ4 frame (magic number 0x4030201 at byte 0)');
    const frame = compressFrame(sample(3));
    expect(refusal(frame.subarray(0, frame.length - 9), 300_000)).toMatch(/cut short/);
    expect(refusal([0x04, 0x22, 0x4d, 0x18, 0x61, 0x40, 0], 64)).toBe(
      'the frame needs a dictionary (DictID set)',
    );
  });

  it('refuses a frame whose content size disagrees with what it decodes to', () => {
    const input = fixtureInput();
    const lying = Uint8Array.from(CLI_FRAME);
    lying[6] = lying[6]! + 1; // content size (bytes 6-13): 150,000 → 150,001
    expect(refusal(lying, input.length + 1)).toBe(
      `the frame declares ${input.length + 1} content bytes but decodes to ${input.length}`,
    );
  });
});

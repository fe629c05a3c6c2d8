/*
 * LZ4 frame decoding into a buffer of known size (the LZ4 frame format v1.6.x and the LZ4 block format, both
 * in the lz4 repository's doc/). Arrow IPC's LZ4_FRAME codec compresses each buffer as one frame and states its
 * uncompressed length beside it, so the output size is known before decoding.
 *
 * Written here rather than taken from npm: the pure-JS decoder there (lz4js 0.2.0) trusts every length it reads
 * (a 20-byte frame claiming a 256 MiB block keeps it busy for 6 s writing past its output), and lz4-napi
 * allocates whatever the frame decodes to. This decoder checks each length against the input left and the
 * output left before it copies a byte, so its work is bounded by input + output and its memory by `dst`.
 * Checksums (header, block, content) are skipped, not verified; the content size, when present, must match.
 */

const FRAME_MAGIC = 0x184d2204;
/** Skippable frames: magic 0x184D2A50..0x184D2A5F, a 4-byte size, then that many bytes to ignore. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** BD bits 6-4 → the largest block a frame may hold. */
const BLOCK_MAX_BYTES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };
const UNCOMPRESSED_BLOCK = 0x80000000;
const MIN_MATCH = 4;
/** Below this many bytes a loop copies faster than `set`/`copyWithin`, which make a view or a call per copy. */
const SHORT_COPY = 32;

/** Why an LZ4 frame did not decode (the caller adds where). */
export class Lz4FrameError extends Error {
  override readonly name = 'Lz4FrameError';
}

/**
 * Decodes the LZ4 frames in `src` (skippable frames ignored) into `dst` and returns the bytes written. Throws
 * `Lz4FrameError` when the input is not an LZ4 frame, is cut short, uses a dictionary, refers before the start
 * of its output, or would decode to more than `dst.length` bytes (checked before writing).
 */
export function decodeLz4Frames(src: Uint8Array, dst: Uint8Array): number {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let s = 0;
  let d = 0;
  while (s < src.length) {
    need(src, s, 4, 'a frame magic number');
    const magic = view.getUint32(s, true);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(src, s, 8, 'a skippable frame size');
      const skip = view.getUint32(s + 4, true);
      need(src, s + 8, skip, 'a skippable frame');
      s += 8 + skip;
      continue;
    }
    if (magic !== FRAME_MAGIC) {
      throw new Lz4FrameError(`not an LZ4 frame (magic number 0x${magic.toString(16)} at byte ${s})`);
    }
    const frameStart = d;
    const frame = readFrameHeader(src, view, s + 4);
    s = frame.dataStart;
    for (;;) {
      need(src, s, 4, 'a block size');
      const word = view.getUint32(s, true);
      s += 4;
      if (word === 0) break;
      const size = (word & ~UNCOMPRESSED_BLOCK) >>> 0;
      if (size > frame.blockMaxBytes) {
        throw new Lz4FrameError(
          `block of ${size} bytes exceeds the frame's block size ${frame.blockMaxBytes}`,
        );
      }
      need(src, s, size, 'a block');
      const limit = Math.min(dst.length, d + frame.blockMaxBytes);
      if ((word & UNCOMPRESSED_BLOCK) !== 0) {
        if (d + size > limit) throw tooLong(dst, limit);
        dst.set(src.subarray(s, s + size), d);
        d += size;
      } else {
        d = decodeBlock(src, s, s + size, dst, d, limit);
      }
      s += size;
      if (frame.blockChecksum) s += 4;
    }
    if (frame.contentChecksum) s += 4;
    if (s > src.length) throw new Lz4FrameError('the frame is cut short (a checksum is missing)');
    if (frame.contentSize !== undefined && frame.contentSize !== d - frameStart) {
      throw new Lz4FrameError(
        `the frame declares ${frame.contentSize} content bytes but decodes to ${d - frameStart}`,
      );
    }
  }
  return d;
}

interface FrameHeader {
  readonly blockMaxBytes: number;
  readonly blockChecksum: boolean;
  readonly contentChecksum: boolean;
  readonly contentSize: number | undefined;
  /** Where the first block starts. */
  readonly dataStart: number;
}

function readFrameHeader(src: Uint8Array, view: DataView, at: number): FrameHeader {
  need(src, at, 3, 'a frame descriptor');
  const flg = src[at]!;
  const bd = src[at + 1]!;
  if (flg >> 6 !== 1) throw new Lz4FrameError(`unsupported LZ4 frame version ${flg >> 6}`);
  if ((flg & 0x01) !== 0) throw new Lz4FrameError('the frame needs a dictionary (DictID set)');
  const blockMaxBytes = BLOCK_MAX_BYTES[(bd >> 4) & 7];
  if (blockMaxBytes === undefined)
    throw new Lz4FrameError(`invalid block maximum size code ${(bd >> 4) & 7}`);
  let p = at + 2;
  let contentSize: number | undefined;
  if ((flg & 0x08) !== 0) {
    need(src, p, 9, 'a content size');
    const size = view.getBigUint64(p, true);
    contentSize = size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(size);
    p += 8;
  }
  return {
    blockMaxBytes,
    blockChecksum: (flg & 0x10) !== 0,
    contentChecksum: (flg & 0x04) !== 0,
    contentSize,
    dataStart: p + 1, // the header checksum byte
  };
}

/**
 * Decodes one LZ4 block, `src[s..end)`, into `dst` from `d` up to `limit`; returns the new end of output. Each
 * sequence: a token (literal length, match length − 4, in nibbles; 15 means more bytes follow, each adding up
 * to 255), the literals, then a 2-byte little-endian offset back into the output; the last sequence stops after
 * its literals.
 */
function decodeBlock(
  src: Uint8Array,
  s: number,
  end: number,
  dst: Uint8Array,
  d: number,
  limit: number,
): number {
  while (s < end) {
    const token = src[s++]!;
    let literals = token >> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (s >= end) throw cutShort();
        b = src[s++]!;
        literals += b;
      } while (b === 255);
    }
    if (s + literals > end) throw cutShort();
    if (d + literals > limit) throw tooLong(dst, limit);
    if (literals < SHORT_COPY) {
      for (let k = 0; k < literals; k++) dst[d + k] = src[s + k]!;
    } else {
      dst.set(src.subarray(s, s + literals), d);
    }
    s += literals;
    d += literals;
    if (s === end) break;
    if (s + 2 > end) throw cutShort();
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > d) {
      throw new Lz4FrameError(`a match refers ${offset} bytes back from output byte ${d}`);
    }
    let match = (token & 15) + MIN_MATCH;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (s >= end) throw cutShort();
        b = src[s++]!;
        match += b;
      } while (b === 255);
    }
    if (d + match > limit) throw tooLong(dst, limit);
    let from = d - offset;
    if (offset >= match && match >= SHORT_COPY) {
      dst.copyWithin(d, from, from + match);
      d += match;
    } else {
      // A short match, or an overlapping one (it repeats the last `offset` bytes): byte by byte.
      const stop = d + match;
      while (d < stop) dst[d++] = dst[from++]!;
    }
  }
  return d;
}

function need(src: Uint8Array, at: number, n: number, what: string): void {
  if (at + n > src.length) throw new Lz4FrameError(`the frame is cut short (${what} at byte ${at})`);
}

function cutShort(): Lz4FrameError {
  return new Lz4FrameError('a block is cut short');
}

function tooLong(dst: Uint8Array, limit: number): Lz4FrameError {
  return new Lz4FrameError(
    limit < dst.length
      ? "a block decodes to more than the frame's block maximum size"
      : `the data decodes to more than the ${dst.length} bytes declared`,
  );
}

import type { FileHandle } from 'node:fs/promises';
import { FRAME_HEADER_BYTES, frameChecksum, MAX_PAYLOAD_BYTES } from './frame.js';
import { ioError } from './wal-error.js';

/** A frame read back: where it starts in the file and its payload. */
export interface ReadFrame {
  readonly offset: number;
  /** A view into a read buffer that is never reused (safe to keep; it pins at most one chunk). */
  readonly payload: Uint8Array;
}

/** How a scan ended: at the end of the file, or at the first frame that is not whole and valid. */
export type FrameScanEnd =
  | { readonly kind: 'end'; readonly offset: number }
  | { readonly kind: 'bad'; readonly offset: number; readonly problem: string };

/** Default read size: large enough for sequential throughput, small enough to stream 64 MiB segments. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads the frames of one segment in order, from `start` up to `end` (a file size or a durable offset),
 * checking each frame's length and checksum, reading `CHUNK_BYTES` at a time (never the whole file). Stops at
 * the first bad or truncated frame and returns where and why; the caller decides whether that is a torn tail
 * or corruption. Throws an `IO` `WalError` when a read fails.
 */
export async function* readFrames(
  handle: FileHandle,
  file: string,
  start: number,
  end: number,
): AsyncGenerator<ReadFrame, FrameScanEnd, undefined> {
  let buf = new Uint8Array(0);
  let bufStart = start; // file offset of buf[0]
  let pos = start;

  // Makes bytes [pos, pos + need) available in `buf`; returns false when the range passes `end`.
  const ensure = async (need: number): Promise<boolean> => {
    if (pos + need > end) return false;
    if (pos + need <= bufStart + buf.length) return true;
    const keep = buf.subarray(pos - bufStart);
    const raw = Buffer.allocUnsafe(Math.min(Math.max(CHUNK_BYTES, need), end - pos));
    // Plain Uint8Array views (not Buffers) for payloads, so callers see the type the contract promises.
    const next = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
    next.set(keep, 0);
    let filled = keep.length;
    while (filled < need) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(next, filled, next.length - filled, pos + filled));
      } catch (cause) {
        throw ioError('read', file, cause);
      }
      if (bytesRead === 0) break; // the file is shorter than `end` said: treated as truncation below
      filled += bytesRead;
    }
    buf = next.subarray(0, filled);
    bufStart = pos;
    return filled >= need;
  };

  for (;;) {
    if (pos === end) return { kind: 'end', offset: pos };
    if (!(await ensure(FRAME_HEADER_BYTES)))
      return { kind: 'bad', offset: pos, problem: `truncated frame header (${end - pos} bytes left)` };
    const at = pos - bufStart;
    const view = new DataView(buf.buffer, buf.byteOffset + at, FRAME_HEADER_BYTES);
    const length = view.getUint32(0, true);
    const checksum = view.getUint32(4, true);
    if (length > MAX_PAYLOAD_BYTES)
      return { kind: 'bad', offset: pos, problem: `frame length ${length} exceeds ${MAX_PAYLOAD_BYTES}` };
    if (!(await ensure(FRAME_HEADER_BYTES + length)))
      return {
        kind: 'bad',
        offset: pos,
        problem: `truncated frame: length ${length} but ${end - pos - FRAME_HEADER_BYTES} bytes left`,
      };
    const from = pos - bufStart + FRAME_HEADER_BYTES;
    const payload = buf.subarray(from, from + length);
    if (frameChecksum(payload) !== checksum)
      return { kind: 'bad', offset: pos, problem: 'frame checksum mismatch' };
    yield { offset: pos, payload };
    pos += FRAME_HEADER_BYTES + length;
  }
}

import { crc32c } from './crc32c.js';

/**
 * One WAL entry on disk: u32 payload length, u32 masked CRC32C of the payload (both little-endian), payload.
 * The CRC is masked as LevelDB does (rotate right 15, add a constant) so that a run of zero bytes — what a
 * file system may show past the last fsync after a power loss — never reads as a valid empty frame.
 */

/** Bytes before the payload: length and checksum. */
export const FRAME_HEADER_BYTES = 8;
/** The largest payload a frame may carry (256 MiB); larger lengths are treated as damage by recovery. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;
const MASK_DELTA = 0xa282ead8;

/** The checksum stored in a frame for `payload`. */
export function frameChecksum(payload: Uint8Array): number {
  const crc = crc32c(payload);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** The 8-byte frame header for `payload` (the payload itself is written as is, after it). */
export function encodeFrameHeader(payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, frameChecksum(payload), true);
  return header;
}

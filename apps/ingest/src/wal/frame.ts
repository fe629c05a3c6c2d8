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

/**
 * An entry's bytes as handed to `append`: one buffer, or parts written one after another as one payload (so a
 * caller can log a header and a large received buffer without first copying them together).
 */
export type WalPayload = Uint8Array | readonly Uint8Array[];

/** The length of a payload, whole or in parts. */
export function payloadLength(payload: WalPayload): number {
  if (payload instanceof Uint8Array) return payload.length;
  let n = 0;
  for (const part of payload) n += part.length;
  return n;
}

/** The checksum stored in a frame for `payload` (its parts checksummed in order, as one). */
export function frameChecksum(payload: WalPayload): number {
  let crc = 0;
  if (payload instanceof Uint8Array) crc = crc32c(payload);
  else for (const part of payload) crc = crc32c(part, crc);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** The 8-byte frame header for `payload` (the payload itself is written as is, after it). */
export function encodeFrameHeader(payload: WalPayload): Uint8Array {
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, payloadLength(payload), true);
  view.setUint32(4, frameChecksum(payload), true);
  return header;
}

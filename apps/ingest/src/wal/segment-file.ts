import { crc32c } from './crc32c.js';

/**
 * Segment files: `<first position, 20 digits>.wal`, starting with a 20-byte header —
 * magic `LSWL`, u32 format version, u64 first position, u32 CRC32C of the 16 bytes before it (all
 * little-endian). Frames follow the header (see `frame.ts`). The name and the header carry the same first
 * position, so a renamed or misplaced file is caught at open.
 */

/** Size of the segment header in bytes. */
export const SEGMENT_HEADER_BYTES = 20;
/** Version of the on-disk format written by this code; any other version is refused. */
export const SEGMENT_FORMAT_VERSION = 1;
const MAGIC = 0x4c57534c; // "LSWL" read as a little-endian u32
const NAME = /^(\d{20})\.wal$/;

/** The file name of the segment whose first entry has `firstPosition` (zero-padded so names sort). */
export function segmentFileName(firstPosition: bigint): string {
  return `${firstPosition.toString().padStart(20, '0')}.wal`;
}

/** The first position encoded in a segment file name, or `undefined` when `name` is not a segment. */
export function parseSegmentFileName(name: string): bigint | undefined {
  const match = NAME.exec(name);
  return match?.[1] === undefined ? undefined : BigInt(match[1]);
}

/** The header bytes of a segment starting at `firstPosition`. */
export function encodeSegmentHeader(firstPosition: bigint): Uint8Array {
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, SEGMENT_FORMAT_VERSION, true);
  view.setBigUint64(8, firstPosition, true);
  view.setUint32(16, crc32c(bytes.subarray(0, 16)), true);
  return bytes;
}

/** The first position of a header, or a reason in words why `bytes` is not a valid header. */
export function decodeSegmentHeader(bytes: Uint8Array): { firstPosition: bigint } | { problem: string } {
  if (bytes.length < SEGMENT_HEADER_BYTES)
    return { problem: `header is ${bytes.length} bytes, expected ${SEGMENT_HEADER_BYTES}` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, SEGMENT_HEADER_BYTES);
  if (view.getUint32(0, true) !== MAGIC) return { problem: 'header magic is not LSWL' };
  if (view.getUint32(16, true) !== crc32c(bytes.subarray(0, 16)))
    return { problem: 'header checksum mismatch' };
  const version = view.getUint32(4, true);
  if (version !== SEGMENT_FORMAT_VERSION)
    return { problem: `format version ${version} is not supported (expected ${SEGMENT_FORMAT_VERSION})` };
  return { firstPosition: view.getBigUint64(8, true) };
}

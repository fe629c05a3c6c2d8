/** The write-ahead log: open and recover a WAL, and its on-disk frame and segment formats. */
export { crc32c } from './crc32c.js';
export { FRAME_HEADER_BYTES, frameChecksum } from './frame.js';
export { openWal, WAL_DEFAULTS } from './open-wal.js';
export { type RecoveredSegment, recoverSegments, type WalRecovery } from './recover.js';
export { SEGMENT_HEADER_BYTES } from './segment-file.js';
export type { WalOptions } from './wal.js';

import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC32C (Castagnoli), the checksum of every WAL frame, from `@node-rs/crc32`: native code that uses the CPU's
 * CRC32 instruction (SSE 4.2 / ARMv8), measured by `bench/src/wal/crc32c-bench.ts` at ~3× the slicing-by-16
 * JavaScript loop the WAL used before. Continues from `crc` (the result of a previous call; default: a fresh
 * checksum), so a payload written in parts is checksummed part by part. Returns an unsigned 32-bit integer.
 * `crc32c("123456789") = 0xE3069283`.
 */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  return nativeCrc32c(bytes, crc);
}

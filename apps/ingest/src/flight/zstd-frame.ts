import { ZSTDDecoder } from 'zstddec';

/*
 * Zstandard decoding into a buffer of known size, with zstddec: the reference zstd decoder (facebook/zstd's
 * single-file decoder) compiled to WebAssembly, no dependencies, the module inlined (nothing fetched or built
 * at install). `ZSTD_decompress` writes at most the capacity it is given and verifies the content checksum
 * when the frame has one; its error codes come back as a negative size, which zstddec turns into an empty
 * result, so a decode that does not produce exactly the declared length failed. The WebAssembly memory grows
 * to the largest buffer decoded so far (input + output) and keeps that size.
 */

const decoder = new ZSTDDecoder();
await decoder.init();

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

function isZstdFrame(src: Uint8Array): boolean {
  return MAGIC.every((b, i) => src[i] === b);
}

/** Why a Zstandard frame did not decode (the caller adds where). */
export class ZstdFrameError extends Error {
  override readonly name = 'ZstdFrameError';
}

/**
 * Decodes the Zstandard frames in `src`, which must hold exactly `size` bytes of content. Throws
 * `ZstdFrameError` when they do not decode (corrupt, cut short, a checksum mismatch) or decode to another length.
 */
export function decodeZstdFrames(src: Uint8Array, size: number): Uint8Array {
  if (size === 0) {
    // zstddec reads a size of 0 as "take it from the frame header", which the sender controls: not decoded.
    if (src.length === 0 || isZstdFrame(src)) return new Uint8Array(0);
    throw new ZstdFrameError('the data is not a Zstandard frame (no magic number)');
  }
  const out = decoder.decode(src, size);
  if (out.length !== size) {
    throw new ZstdFrameError(
      out.length === 0
        ? `the data is not a Zstandard frame that decodes to the ${size} bytes declared (corrupt or cut short)`
        : `the data decodes to ${out.length} bytes, not the ${size} declared`,
    );
  }
  return out;
}

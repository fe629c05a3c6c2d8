import { CompressionType, Message, MessageHeader } from 'apache-arrow';
import { BufferRegion, RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { decodeLz4Frames } from './lz4-frame.js';
import { decodeZstdFrames } from './zstd-frame.js';

/*
 * Arrow IPC body compression (Schema.fbs `BodyCompression`, method BUFFER): every non-empty buffer of a
 * compressed record batch is an int64 little-endian uncompressed length followed by the buffer compressed
 * with the codec, or by the buffer as is when the length is -1. apache-arrow 21 has a codec registry
 * (`compressionRegistry`), but its `Codec.decode(bytes)` is not given the declared length, so it can neither
 * size nor bound its output; here the declared lengths are read and bounded first, each buffer is decoded
 * into a body of exactly that size, and the result is an ordinary uncompressed record batch message.
 */

const LENGTH_PREFIX_BYTES = 8;
const NOT_COMPRESSED = -1n;

/** Codecs this node decodes. */
export const SUPPORTED_CODECS: readonly CompressionType[] = [CompressionType.LZ4_FRAME, CompressionType.ZSTD];

/** Why a compressed body was refused; `message` says what, the caller adds where and what to do. */
export class BodyCompressionError extends Error {
  override readonly name = 'BodyCompressionError';
  constructor(
    /** `LIMIT`: the declared size is over the caller's bound; `UNSUPPORTED`: an unknown codec; `CORRUPT`: the
     * body does not decode. */
    readonly kind: 'LIMIT' | 'UNSUPPORTED' | 'CORRUPT',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One buffer of a compressed body: where its bytes are, and its declared uncompressed length. */
interface CompressedBuffer {
  readonly bytes: Uint8Array;
  /** Uncompressed length, or -1: `bytes` are the buffer as is. */
  readonly declared: number;
}

/** A compressed body, read and checked, not yet decoded. */
export interface CompressedBody {
  readonly codec: CompressionType;
  readonly buffers: readonly (CompressedBuffer | undefined)[];
  /** Bytes of the uncompressed body (buffers padded to 8 bytes). */
  readonly uncompressedBytes: number;
}

/**
 * Reads the buffer layout of a compressed record batch: each buffer region must lie inside `body` and start
 * with its length prefix; the declared lengths must be -1 or non-negative and add up (with 8-byte padding) to at
 * most `maxUncompressedBytes`. Cheap: reads 8 bytes per buffer, allocates nothing sized by the sender. Throws
 * `BodyCompressionError` (`LIMIT` or `CORRUPT`).
 */
export function readCompressedBody(
  header: RecordBatchHeader,
  body: Uint8Array,
  maxUncompressedBytes: number,
): CompressedBody {
  const codec = header.compression?.type;
  if (codec === undefined || !SUPPORTED_CODECS.includes(codec)) {
    throw new BodyCompressionError('UNSUPPORTED', `IPC compression ${codecName(codec)} is not supported`);
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const buffers: (CompressedBuffer | undefined)[] = [];
  let total = 0;
  header.buffers.forEach(({ offset, length }, i) => {
    if (length === 0) {
      buffers.push(undefined);
      return;
    }
    if (offset < 0 || length < LENGTH_PREFIX_BYTES || offset + length > body.length) {
      throw new BodyCompressionError(
        'CORRUPT',
        `buffer ${i} (${length} bytes at ${offset}) does not fit the ${body.length}-byte body with its 8-byte length prefix`,
      );
    }
    const prefix = view.getBigInt64(offset, true);
    const bytes = body.subarray(offset + LENGTH_PREFIX_BYTES, offset + length);
    let declared: number;
    if (prefix === NOT_COMPRESSED) declared = -1;
    else if (prefix >= 0n && prefix <= BigInt(maxUncompressedBytes)) declared = Number(prefix);
    else if (prefix > 0n) throw overLimit(`buffer ${i} declares ${prefix}`, maxUncompressedBytes);
    else
      throw new BodyCompressionError('CORRUPT', `buffer ${i} declares an uncompressed length of ${prefix}`);
    total += pad8(declared === -1 ? bytes.length : declared);
    if (total > maxUncompressedBytes) {
      throw overLimit(`its buffers declare ${total} or more`, maxUncompressedBytes);
    }
    buffers.push({ bytes, declared });
  });
  return { codec, buffers, uncompressedBytes: total };
}

/**
 * Decodes a body read by `readCompressedBody` as an uncompressed record batch: encodes its `Message` flatbuffer
 * (same nodes, buffer regions of the declared lengths, no compression), asks `place(header, bodyBytes)` where
 * the body goes (a view of that size, e.g. inside the IPC stream being built, so the body is written once),
 * then decodes each buffer there. Throws `BodyCompressionError('CORRUPT')` naming the buffer when one does not
 * decode to exactly its declared length.
 */
export function decompressRecordBatch(
  message: Message<MessageHeader.RecordBatch>,
  compressed: CompressedBody,
  place: (header: Uint8Array, bodyBytes: number) => Uint8Array,
): void {
  const rb = message.header();
  const regions: BufferRegion[] = [];
  let at = 0;
  for (const buffer of compressed.buffers) {
    const length = buffer === undefined ? 0 : buffer.declared === -1 ? buffer.bytes.length : buffer.declared;
    regions.push(new BufferRegion(at, length));
    at += pad8(length);
  }
  const plain = new RecordBatchHeader(rb.length, rb.nodes, regions, null, rb.variadicBufferCounts);
  const header = Message.encode(new Message(at, message.version, MessageHeader.RecordBatch, plain));
  const body = place(header, at);
  compressed.buffers.forEach((buffer, i) => {
    if (buffer === undefined) return;
    const { offset, length } = regions[i]!;
    const target = body.subarray(offset, offset + length);
    try {
      if (buffer.declared === -1) target.set(buffer.bytes);
      else decodeInto(compressed.codec, buffer.bytes, target);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new BodyCompressionError(
        'CORRUPT',
        `buffer ${i} (${codecName(compressed.codec)}) does not decompress: ${detail}`,
        { cause: err },
      );
    }
  });
}

function decodeInto(codec: CompressionType, src: Uint8Array, dst: Uint8Array): void {
  if (codec === CompressionType.ZSTD) {
    dst.set(decodeZstdFrames(src, dst.length));
    return;
  }
  const written = decodeLz4Frames(src, dst);
  if (written !== dst.length) {
    throw new Error(`the data decodes to ${written} bytes, not the ${dst.length} declared`);
  }
}

/** The codec's name as the Arrow spec spells it (`LZ4_FRAME`, `ZSTD`). */
export function codecName(codec: CompressionType | undefined): string {
  return codec === undefined ? 'none' : (CompressionType[codec] ?? String(codec));
}

function overLimit(what: string, max: number): BodyCompressionError {
  return new BodyCompressionError(
    'LIMIT',
    `${what} uncompressed bytes, more than the ${max} this node decompresses per batch`,
  );
}

function pad8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

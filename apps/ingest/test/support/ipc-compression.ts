import { CompressionType, Message, type MessageHeader } from 'apache-arrow';
import {
  BodyCompression,
  BufferRegion,
  RecordBatch as RecordBatchHeader,
} from 'apache-arrow/ipc/metadata/message';
// @ts-expect-error lz4js (an independent LZ4 frame encoder, used only by tests) ships no types.
import * as lz4js from 'lz4js';
import type { IpcMessage } from './flight-client.js';

const lz4Compress = (lz4js as { compress(data: Uint8Array): Uint8Array }).compress;

/** LZ4 frame of `data`, written by lz4js (linked 4 MiB blocks). */
export function lz4Frame(data: Uint8Array): Uint8Array {
  return lz4Compress(data);
}

/**
 * A Zstandard frame holding `data` in raw (stored) blocks of up to 128 KiB (RFC 8878 §3.1.1): magic, a header
 * with the single-segment flag and a 4-byte content size, then the blocks, the last one flagged. Valid input
 * for any decoder; made here because no zstd encoder is a dependency (real compressed frames come from the
 * official SDK and the zstd CLI fixture).
 */
export function zstdStoredFrame(data: Uint8Array): Uint8Array {
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0xa0, ...u32(data.length)];
  const out: Uint8Array[] = [];
  let at = 0;
  do {
    const n = Math.min(128 * 1024, data.length - at);
    const last = at + n === data.length ? 1 : 0;
    const blockHeader = (n << 3) | last; // block type 0: raw
    parts.push(blockHeader & 0xff, (blockHeader >> 8) & 0xff, (blockHeader >> 16) & 0xff);
    out.push(Uint8Array.from(parts), data.subarray(at, at + n));
    parts.length = 0;
    at += n;
  } while (at < data.length);
  return Buffer.concat(out);
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

/** How `compressBatch` writes each buffer. */
export interface CompressOptions {
  /** Buffers (by index) written as is behind the -1 length (the writer's choice when compressing does not pay). */
  readonly stored?: (index: number) => boolean;
  /** Replaces a buffer's length prefix (to declare a wrong or absurd size). */
  readonly declare?: (index: number, length: number) => bigint;
  /** Replaces a buffer's compressed bytes (to corrupt them). */
  readonly mangle?: (index: number, compressed: Uint8Array) => Uint8Array;
}

/**
 * An uncompressed IPC RecordBatch message turned into a compressed one as an Arrow writer would make it:
 * `BodyCompression {codec}` in the header, each non-empty buffer as its int64 uncompressed length and the
 * compressed bytes (LZ4: lz4js; ZSTD: stored frames), buffers 8-byte aligned.
 */
export function compressBatch(
  message: IpcMessage,
  codec: CompressionType,
  options: CompressOptions = {},
): IpcMessage {
  const msg = Message.decode(message.header) as Message<MessageHeader.RecordBatch>;
  const rb = msg.header();
  const parts: Uint8Array[] = [];
  const regions: BufferRegion[] = [];
  let at = 0;
  rb.buffers.forEach(({ offset, length }, i) => {
    if (length === 0) {
      regions.push(new BufferRegion(at, 0));
      return;
    }
    const data = message.body.subarray(offset, offset + length);
    const stored = options.stored?.(i) ?? false;
    let payload = stored
      ? data
      : codec === CompressionType.LZ4_FRAME
        ? lz4Frame(data)
        : zstdStoredFrame(data);
    if (options.mangle !== undefined) payload = options.mangle(i, payload);
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigInt64(
      0,
      options.declare?.(i, length) ?? (stored ? -1n : BigInt(length)),
      true,
    );
    const size = 8 + payload.length;
    const padded = Math.ceil(size / 8) * 8;
    const chunk = new Uint8Array(padded);
    chunk.set(prefix, 0);
    chunk.set(payload, 8);
    parts.push(chunk);
    regions.push(new BufferRegion(at, size));
    at += padded;
  });
  const body = Buffer.concat(parts);
  const compressed = new RecordBatchHeader(
    rb.length,
    rb.nodes,
    regions,
    new BodyCompression(codec),
    rb.variadicBufferCounts,
  );
  const header = Message.encode(new Message(body.length, msg.version, msg.headerType, compressed));
  return { header, body };
}

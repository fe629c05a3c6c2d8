import { open } from 'node:fs/promises';
import { FRAME_HEADER_BYTES, frameChecksum, SEGMENT_HEADER_BYTES } from '@lakestream/ingest/wal';

/** Where one frame is: its segment file, the offset of its header, its payload's length and checksum. */
export interface FrameLocation {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly checksum: number;
}

/**
 * Reads every frame of `files` (whole segments, in order) into one reused buffer of `chunkBytes` (grown only
 * for a frame larger than it), verifying each checksum: a scan that keeps no payload (the WAL's open-time
 * check, a header pass) needs no fresh memory per chunk. Returns the frames seen. A baseline for the WAL scan
 * benchmark, not the WAL's reader: it stops at the first bad frame with an error, without the torn-tail rules.
 */
export async function scanReusedBuffer(files: readonly string[], chunkBytes: number): Promise<number> {
  let buf = Buffer.allocUnsafe(chunkBytes);
  let frames = 0;
  for (const file of files) {
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      let bufStart = SEGMENT_HEADER_BYTES;
      let filled = 0;
      let pos = SEGMENT_HEADER_BYTES;
      // Makes [pos, pos + need) available, moving the unread tail to the front of the same buffer.
      const ensure = async (need: number): Promise<boolean> => {
        if (pos + need <= bufStart + filled) return true;
        const keep = bufStart + filled - pos;
        if (need > buf.length) {
          const bigger = Buffer.allocUnsafe(need);
          buf.copy(bigger, 0, pos - bufStart, pos - bufStart + keep);
          buf = bigger;
        } else buf.copyWithin(0, pos - bufStart, pos - bufStart + keep);
        bufStart = pos;
        filled = keep;
        const want = Math.min(buf.length, size - pos);
        while (filled < want) {
          const { bytesRead } = await handle.read(buf, filled, want - filled, pos + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return filled >= need;
      };
      while (pos < size) {
        if (!(await ensure(FRAME_HEADER_BYTES))) throw new Error(`${file}: truncated frame at ${pos}`);
        const at = pos - bufStart;
        const length = buf.readUInt32LE(at);
        const checksum = buf.readUInt32LE(at + 4);
        if (!(await ensure(FRAME_HEADER_BYTES + length)))
          throw new Error(`${file}: truncated frame at ${pos}`);
        const from = pos - bufStart + FRAME_HEADER_BYTES;
        if (frameChecksum(buf.subarray(from, from + length)) !== checksum)
          throw new Error(`${file}: bad checksum at ${pos}`);
        frames++;
        pos += FRAME_HEADER_BYTES + length;
      }
    } finally {
      await handle.close();
    }
  }
  return frames;
}

/** Every frame's location in `files`, from their frame headers alone (what an open-time scan could keep). */
export async function indexFrames(files: readonly string[]): Promise<FrameLocation[]> {
  const index: FrameLocation[] = [];
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  for (const file of files) {
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      for (let pos = SEGMENT_HEADER_BYTES; pos < size; ) {
        await handle.read(header, 0, FRAME_HEADER_BYTES, pos);
        const length = header.readUInt32LE(0);
        index.push({ file, offset: pos, length, checksum: header.readUInt32LE(4) });
        pos += FRAME_HEADER_BYTES + length;
      }
    } finally {
      await handle.close();
    }
  }
  return index;
}

/**
 * Reads each indexed frame's payload into a buffer of exactly its size with one read, verifying its checksum:
 * payloads a replay may keep, without a chunk's straddling frame copied twice. Returns the frames read.
 */
export async function scanExactFrames(index: readonly FrameLocation[]): Promise<number> {
  let frames = 0;
  let file: string | undefined;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    for (const f of index) {
      if (f.file !== file) {
        await handle?.close();
        handle = await open(f.file, 'r');
        file = f.file;
      }
      const payload = Buffer.allocUnsafeSlow(f.length);
      const { bytesRead } = await handle!.read(payload, 0, f.length, f.offset + FRAME_HEADER_BYTES);
      if (bytesRead !== f.length || frameChecksum(payload) !== f.checksum)
        throw new Error(`${f.file}: bad frame at ${f.offset}`);
      frames++;
    }
  } finally {
    await handle?.close();
  }
  return frames;
}

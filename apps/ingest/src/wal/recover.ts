import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFrames } from './frame-reader.js';
import {
  decodeSegmentHeader,
  encodeSegmentHeader,
  parseSegmentFileName,
  SEGMENT_HEADER_BYTES,
} from './segment-file.js';
import { ioError, WalError } from './wal-error.js';

/** A segment as recovery left it: every byte up to `size` is a valid header followed by whole frames. */
export interface RecoveredSegment {
  readonly file: string;
  readonly firstPosition: bigint;
  readonly entries: number;
  readonly size: number;
}

/** What recovery found and did (for the startup log and metrics). */
export interface WalRecovery {
  /** Segment files found (after any cut). */
  readonly segments: number;
  /** Entries found in them. */
  readonly entries: number;
  /** Set when the last segment ended in a torn frame (or header) that was cut off. */
  readonly tornTail?: {
    readonly file: string;
    readonly offset: number;
    readonly bytesCut: number;
    readonly problem: string;
  };
}

/**
 * Scans the segments of `dir` in position order and verifies every header and frame. In the last segment,
 * the first bad or truncated frame (or an unreadable header) is a torn tail left by a crash: the file is
 * truncated there and fsync'd, and recovery continues. Anywhere else a bad frame cannot come from a crash
 * (segments are only created once the previous one is fsync'd whole), so it is corruption: throws a
 * `CORRUPT` `WalError` naming the file and offset rather than silently dropping acked entries. Also throws
 * `CORRUPT` when a header disagrees with its file name or segments leave a gap, `IO` when the disk fails.
 * `onEntry` sees every verified entry in position order (a torn tail's frames are never seen).
 */
export async function recoverSegments(
  dir: string,
  onEntry?: (position: bigint, payload: Uint8Array) => void,
): Promise<{ segments: RecoveredSegment[]; recovery: WalRecovery }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw ioError('directory listing', dir, cause);
  }
  const found = names
    .map((name) => ({ name, first: parseSegmentFileName(name) }))
    .filter((s): s is { name: string; first: bigint } => s.first !== undefined)
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));

  const segments: RecoveredSegment[] = [];
  let tornTail: WalRecovery['tornTail'];
  let entriesTotal = 0;
  for (const [index, { name, first }] of found.entries()) {
    const file = join(dir, name);
    const last = index === found.length - 1;
    const previous = segments.at(-1);
    if (previous !== undefined && previous.firstPosition + BigInt(previous.entries) !== first) {
      const end = previous.firstPosition + BigInt(previous.entries);
      throw new WalError(
        'CORRUPT',
        `WAL segment ${file} starts at position ${first} but the segment before it (${previous.file}) ends at position ${end}`,
        { file, offset: 0 },
      );
    }
    const handle = await open(file, last ? 'r+' : 'r').catch((cause: unknown) => {
      throw ioError('open', file, cause);
    });
    try {
      const size = (await handle.stat()).size;
      const header = new Uint8Array(SEGMENT_HEADER_BYTES);
      const { bytesRead } = await handle.read(header, 0, SEGMENT_HEADER_BYTES, 0);
      const decoded = decodeSegmentHeader(header.subarray(0, bytesRead));
      if ('problem' in decoded) {
        if (!last)
          throw new WalError(
            'CORRUPT',
            `WAL segment ${file} has a bad header at offset 0: ${decoded.problem}`,
            {
              file,
              offset: 0,
            },
          );
        // A crash while the segment was being created: nothing in it was ever fsync'd, so nothing acked.
        await handle.truncate(0);
        await handle.write(encodeSegmentHeader(first), 0, SEGMENT_HEADER_BYTES, 0);
        await handle.datasync();
        tornTail = { file, offset: 0, bytesCut: size, problem: decoded.problem };
        segments.push({ file, firstPosition: first, entries: 0, size: SEGMENT_HEADER_BYTES });
        continue;
      }
      if (decoded.firstPosition !== first)
        throw new WalError(
          'CORRUPT',
          `WAL segment ${file} is named for position ${first} but its header says ${decoded.firstPosition}`,
          { file, offset: 8 },
        );
      let entries = 0;
      const frames = readFrames(handle, file, SEGMENT_HEADER_BYTES, size);
      let step = await frames.next();
      while (!step.done) {
        onEntry?.(first + BigInt(entries), step.value.payload);
        entries++;
        step = await frames.next();
      }
      const end = step.value;
      if (end.kind === 'bad') {
        if (!last)
          throw new WalError(
            'CORRUPT',
            `WAL segment ${file} is damaged at offset ${end.offset}: ${end.problem}`,
            {
              file,
              offset: end.offset,
            },
          );
        await handle.truncate(end.offset);
        await handle.datasync();
        tornTail = { file, offset: end.offset, bytesCut: size - end.offset, problem: end.problem };
      }
      entriesTotal += entries;
      segments.push({ file, firstPosition: first, entries, size: end.offset });
    } catch (error) {
      throw error instanceof WalError ? error : ioError('recovery', file, error);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
  return {
    segments,
    recovery: { segments: segments.length, entries: entriesTotal, ...(tornTail ? { tornTail } : {}) },
  };
}

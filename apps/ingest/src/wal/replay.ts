import { open } from 'node:fs/promises';
import { readFrames } from './frame-reader.js';
import type { RecoveredSegment } from './recover.js';
import { SEGMENT_HEADER_BYTES } from './segment-file.js';
import type { WalEntry } from './wal.js';
import { ioError, WalError } from './wal-error.js';

/**
 * Streams the entries at or after `from` out of `segments` (in order, each readable up to its `size`), one
 * segment and one 1 MiB chunk at a time. A segment that has vanished is skipped only when `trimmed` says a
 * `trim` removed it meanwhile (its entries are published); otherwise that is an `IO` error. A frame that no
 * longer verifies (the disk changed under us) throws a `CORRUPT` `WalError` naming the file and offset.
 */
export async function* replaySegments(
  segments: readonly RecoveredSegment[],
  from: bigint,
  trimmed: (segment: RecoveredSegment) => boolean,
): AsyncGenerator<WalEntry, void, undefined> {
  for (const segment of segments) {
    if (segment.firstPosition + BigInt(segment.entries) <= from || segment.entries === 0) continue;
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(segment.file, 'r');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && trimmed(segment)) continue;
      throw ioError('open', segment.file, cause);
    }
    try {
      let position = segment.firstPosition;
      const frames = readFrames(handle, segment.file, SEGMENT_HEADER_BYTES, segment.size);
      for (;;) {
        const step = await frames.next();
        if (step.done) {
          if (step.value.kind === 'bad')
            throw new WalError(
              'CORRUPT',
              `WAL segment ${segment.file} is damaged at offset ${step.value.offset}: ${step.value.problem}`,
              { file: segment.file, offset: step.value.offset },
            );
          break;
        }
        if (position >= from) yield { position, payload: step.value.payload };
        position++;
      }
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

import type { PersistentStreams } from '../stream/persistent-streams.js';
import { decodeWalRecordHead } from '../stream/wal-entry.js';
import type { Wal } from '../wal/wal.js';

/** What the WAL held at start: the backlog recovery replays. */
export interface WalBacklog {
  /** Positions `[from, to)`: every entry still on disk when the node started. */
  readonly from: bigint;
  readonly to: bigint;
  readonly entries: number;
  /** Entries carrying records (the rest are persistent-stream lifecycle events). */
  readonly recordEntries: number;
  /** Payload bytes of all entries. */
  readonly bytes: number;
  /** Entries whose header could not be read (the replay holds them for an operator). */
  readonly unreadable: number;
  /** How long the pass took (ms). */
  readonly ms: number;
}

/**
 * The first step of recovery, before the node serves: one pass over every entry still in the WAL, reading
 * only entry headers, to bring persistent-stream state up to date (`resume_stream` answers from it, so it
 * must be complete before the first call). Records are neither decoded nor published here: that is the
 * replay's job (`startBacklogReplay`), which runs while the node serves. Throws `WalError` when the WAL
 * cannot be read.
 */
export async function restoreStreams(wal: Wal, persistent: PersistentStreams): Promise<WalBacklog> {
  const started = performance.now();
  const from = wal.oldestPosition;
  const to = wal.nextPosition;
  let entries = 0;
  let recordEntries = 0;
  let bytes = 0;
  let unreadable = 0;
  for await (const e of wal.replay(from)) {
    if (e.position >= to) break;
    entries++;
    bytes += e.payload.length;
    let head: ReturnType<typeof decodeWalRecordHead>;
    try {
      head = decodeWalRecordHead(e.payload);
    } catch {
      unreadable++;
      continue;
    }
    if (head.kind === 'records') recordEntries++;
    persistent.apply(head);
  }
  return { from, to, entries, recordEntries, bytes, unreadable, ms: performance.now() - started };
}

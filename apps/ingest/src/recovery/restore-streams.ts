import type { PersistentStreams } from '../pipeline/persistent-streams.js';
import { decodeWalRecordHead } from '../pipeline/wal-entry.js';
import type { Wal, WalEntry } from '../wal/wal.js';

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
}

/** Restores persistent-stream state while the WAL is opened (see `restoreStreams`). */
export interface StreamRestorer {
  /** Pass as `WalOptions.onRecoveredEntry`. */
  readonly onRecoveredEntry: (entry: WalEntry) => void;
  /** Once the WAL is open: the range and counts of what it held. */
  backlog(wal: Wal): WalBacklog;
}

/**
 * The first step of recovery, before the node serves: every entry the WAL's open verifies goes through here
 * (no second read of the log), and its header — only the header: records are neither decoded nor published
 * here, that is the replay's job (`startBacklogReplay`, while the node serves) — brings persistent-stream
 * state up to date: `resume_stream` answers from it, so it must be complete before the first call.
 */
export function restoreStreams(persistent: PersistentStreams): StreamRestorer {
  let entries = 0;
  let recordEntries = 0;
  let bytes = 0;
  let unreadable = 0;
  return {
    onRecoveredEntry(e) {
      entries++;
      bytes += e.payload.length;
      let head: ReturnType<typeof decodeWalRecordHead>;
      try {
        head = decodeWalRecordHead(e.payload);
      } catch {
        unreadable++;
        return;
      }
      if (head.kind === 'records') recordEntries++;
      persistent.apply(head, e.position);
    },
    backlog(wal) {
      return { from: wal.oldestPosition, to: wal.nextPosition, entries, recordEntries, bytes, unreadable };
    },
  };
}

import type { WriteMode } from './file-io.js';
import type { WalPayload } from './frame.js';
import type { WalRecovery } from './recover.js';

/**
 * The write-ahead log's contract (implementation: `open-wal.ts`). An entry is durable — and may be acked —
 * once `append` resolves: the fsync covering it has returned.
 */

export type { WriteMode } from './file-io.js';
export type { WalPayload } from './frame.js';
export type { WalRecovery } from './recover.js';

/** One logged entry. `position` is global, grows by one per entry, and is never reused (not even after a
 * restart with every segment trimmed): it is the `txn.version` under which the entry is published.
 * (Positions handed out to entries that were never acked — the process died before their fsync — may be
 * given again after a restart: nobody saw them.) */
export interface WalEntry {
  readonly position: bigint;
  readonly payload: Uint8Array;
}

/** Tuning of a WAL; every field has a measured default (see apps/ingest/README-wal.md). */
export interface WalOptions {
  /** Start a new segment file past this size. Default 64 MiB. */
  segmentBytes?: number;
  /** Group commit: fsync once this many bytes wait… Default 1 MiB (only matters with a delay below). */
  groupCommitBytes?: number;
  /** …or once the oldest waiting entry is this old (ms), whichever comes first. 0 = as soon as the disk is
   * free (entries arriving during an fsync still batch into the next one). Default 0: on the measured disk a
   * delay only added latency (see apps/ingest/README-wal.md). */
  groupCommitMs?: number;
  /** How frames are written before the fsync: `async` (libuv pool, never blocks the event loop on a slow
   * disk) or `sync` (`writevSync`). Default `async`. */
  writeMode?: WriteMode;
  /** Position of the first entry when the directory holds no segment yet (e.g. one past the table's latest
   * `txn.version` when a node starts on an empty disk). Ignored otherwise. Default 0. */
  firstPosition?: bigint;
  /** Called with the duration (seconds) of every fdatasync of a segment: the node's fsync-latency metric. */
  onFsync?: (seconds: number) => void;
  /**
   * Called at open with every entry recovery verified, in position order, before `openWal` resolves: a pass
   * over the log without reading it a second time (the node restores persistent-stream state from the
   * headers). Torn entries cut from the tail are never passed. A throw fails the open.
   */
  onRecoveredEntry?: (entry: WalEntry) => void;
}

/** Counters for metrics and tests. */
export interface WalStats {
  /** fdatasync calls on segment files (group commits, plus one per sealed segment). */
  readonly fsyncs: number;
  /** fsync calls on the directory (segment created or deleted). */
  readonly dirFsyncs: number;
  /** Entries made durable since open. */
  readonly entries: number;
  /** Frame bytes (headers + payloads) made durable since open. */
  readonly bytes: number;
  /** Segment files in the directory (sealed + the active one). */
  readonly segments: number;
  /** Position one past the last durable entry. */
  readonly durablePosition: bigint;
  /** Whether a write or fsync failed (every append now rejects). */
  readonly poisoned: boolean;
}

export interface Wal extends AsyncDisposable {
  /** Appends entries (in order, one frame each: length, CRC32C, payload — a payload in parts is one entry,
   * replayed as one buffer); resolves with their positions once an fsync covers them. Rejects with `WalError`
   * when the disk fails (`IO`: the node must stop acking) or the WAL is closed (`CLOSED`); with `RangeError`
   * for a payload over 256 MiB. The payloads must not be changed until the promise settles (large ones and
   * large parts are written from the caller's memory). */
  append(payloads: readonly WalPayload[]): Promise<bigint[]>;
  /** Every durable entry still in the log at or after `from`, in order (recovery), read segment by segment
   * (never all in memory). A torn tail was cut at open. Throws `CORRUPT`/`IO` `WalError` while iterating. */
  replay(from: bigint): AsyncIterable<WalEntry>;
  /** Deletes segments whose entries are all below `upTo` (they are published); never the active segment.
   * Throws an `IO` `WalError` when a delete fails, a `RangeError` when `upTo` is past the durable position
   * (nothing there can have been published: a caller's bug, refused rather than acted on). */
  trim(upTo: bigint): Promise<void>;
  /** How many segment files `trim(upTo)` would delete now (0: trimming would do nothing). */
  trimmable(upTo: bigint): number;
  /** The position the next entry will get. */
  readonly nextPosition: bigint;
  /** The position of the first entry of the oldest segment still on disk: where a replay of everything starts.
   * Entries from here to `nextPosition` at open are what recovery must hand on before any of them is trimmed. */
  readonly oldestPosition: bigint;
  /** Bytes appended but not yet covered by an fsync (for backpressure and metrics). */
  readonly pendingBytes: number;
  /** What recovery found at open (segments, entries, any torn tail cut). */
  readonly recovery: WalRecovery;
  /** Counters for metrics. */
  stats(): WalStats;
  /** fsyncs what is pending and closes the files. Idempotent; later appends reject with `CLOSED`. */
  close(): Promise<void>;
}

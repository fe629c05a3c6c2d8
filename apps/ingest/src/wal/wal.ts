/**
 * The write-ahead log's contract (implementation: `open-wal.ts`). An entry is durable — and may be acked —
 * once `append` resolves: the fsync covering it has returned.
 */

/** One logged entry. `position` is global, grows by one per entry, and is never reused (not even after a
 * restart with every segment trimmed): it is the `txn.version` under which the entry is published. */
export interface WalEntry {
  readonly position: bigint;
  readonly payload: Uint8Array;
}

export interface WalOptions {
  /** Start a new segment file past this size. Default 64 MiB. */
  segmentBytes?: number;
  /** Group commit: fsync once this many bytes wait… */
  groupCommitBytes?: number;
  /** …or once the oldest waiting entry is this old (ms), whichever comes first. */
  groupCommitMs?: number;
}

export interface Wal extends AsyncDisposable {
  /** Appends entries (in order, one frame each: length, CRC32C, payload); resolves with their positions once
   * an fsync covers them. Rejects with `WalError` when the disk fails (the node must stop acking). */
  append(payloads: readonly Uint8Array[]): Promise<bigint[]>;
  /** Every entry still in the log at or after `from`, in order (recovery). A torn tail was cut at open. */
  replay(from: bigint): AsyncIterable<WalEntry>;
  /** Deletes segments whose entries are all below `upTo` (they are published). */
  trim(upTo: bigint): Promise<void>;
  /** The position the next entry will get. */
  readonly nextPosition: bigint;
  /** Bytes appended but not yet covered by an fsync (for backpressure and metrics). */
  readonly pendingBytes: number;
  /** fsyncs what is pending and closes the files. */
  close(): Promise<void>;
}

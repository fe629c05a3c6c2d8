import type { RecordBatch } from 'apache-arrow';
import type { PackedRows } from '../publish/packed-rows.js';
import type { ByteBudget } from './byte-budget.js';
import { heldBytes } from './held-bytes.js';

/**
 * Memory every accepted request holds until its WAL append settled, whatever its size: grpc-js's message
 * objects and the decoded request, the session's in-flight entry, the WAL entry's header and frame, the pending
 * append, and the ~16 promises and closures chaining them. Measured on a node whose WAL group commit was held
 * back (`groupCommitMs` 600 s), one-record requests of 737-byte NEOWISE-like records waiting: V8 heap + array
 * buffers grew by 5.1 KB per request between 2,829 and 8,487 requests (5.3-5.9 KB per request at those counts),
 * of which 2 × the message (1.5 KB) and the packed rows (~1.1 KB) are counted apart: 2.5-2.9 KB. Counted as
 * 3 KiB (apps/ingest/README.md, Memory).
 */
export const REQUEST_OVERHEAD_BYTES = 3072;

/** What one accepted request holds against the node budget, and until when. */
export interface RequestHold {
  /**
   * The received message and its WAL payload (a copy of its records for a single-record request; a batch request
   * is logged from the message itself, so this counts it twice) and {@link REQUEST_OVERHEAD_BYTES}: released
   * once the append settled.
   */
  readonly untilDurable: number;
  /** The decoded batch, or the packed records (see `heldBytes`): released once published. */
  readonly untilPublished: number;
}

/**
 * Reserves what a stream's requests hold in the node budget (`--node-inflight-bytes`), so that the budget
 * covers the memory really held, not just the bytes received: until durable, the message and its WAL payload
 * (two × the message) and the request's fixed overhead ({@link REQUEST_OVERHEAD_BYTES}); until published, the
 * decoded batch with its objects — 1.2× its protobuf bytes for NEOWISE-like records in requests of 1,000, several
 * times more for columns of small varints — or, for a small request, its records packed (`heldBytes`). So a
 * stream of one-record requests is stopped at the budget like any other. The size is known only after decoding,
 * so the reservation is made from an estimate (this stream's last held-to-received ratio, 1 at first) and
 * corrected at once; an estimate that was low overshoots the budget by the difference, for one request.
 */
export class RequestHolds {
  private decodedPerByte = 1;

  constructor(private readonly budget: ByteBudget) {}

  /** Waits until a message of `messageBytes` fits (see the class); returns the bytes reserved. */
  async reserve(messageBytes: number, signal: AbortSignal): Promise<number> {
    const reserved =
      2 * messageBytes + REQUEST_OVERHEAD_BYTES + Math.ceil(messageBytes * this.decodedPerByte);
    await this.budget.acquire(reserved, signal);
    return reserved;
  }

  /** Turns a reservation into what the request's rows really hold (taking or giving back the difference). */
  settle(reserved: number, messageBytes: number, rows: RecordBatch | PackedRows): RequestHold {
    const decoded = heldBytes(rows);
    if (messageBytes > 0) this.decodedPerByte = decoded / messageBytes;
    const hold: RequestHold = {
      untilDurable: 2 * messageBytes + REQUEST_OVERHEAD_BYTES,
      untilPublished: decoded,
    };
    const diff = hold.untilDurable + hold.untilPublished - reserved;
    if (diff > 0) this.budget.take(diff);
    else this.budget.release(-diff);
    return hold;
  }

  /** Gives back a reservation that was not used (the request failed before it was logged). */
  cancel(reserved: number): void {
    this.budget.release(reserved);
  }
}

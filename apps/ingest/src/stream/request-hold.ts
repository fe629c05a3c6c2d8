import type { RecordBatch } from 'apache-arrow';
import type { ByteBudget } from './byte-budget.js';
import { heldBytes } from './held-bytes.js';

/** What one accepted request holds against the node budget, and until when. */
export interface RequestHold {
  /**
   * The received message and its WAL payload (a copy of its records for a single-record request; a batch request
   * is logged from the message itself, so this counts it twice): released once the append settled.
   */
  readonly untilDurable: number;
  /** The decoded batch: released once it is published. */
  readonly untilPublished: number;
}

/**
 * Reserves what a stream's requests hold in the node budget (`--node-inflight-bytes`), so that the budget
 * covers the memory really held, not just the bytes received: until durable, the message and its WAL payload
 * (two × the message); until published, the decoded batch, which is 1.2× its protobuf bytes for NEOWISE-like
 * records and several times more for columns of small varints. The decoded size is known only after decoding,
 * so the reservation is made from an estimate (this stream's last decoded-to-received ratio, 1 at first) and
 * corrected at once; an estimate that was low overshoots the budget by the difference, for one request.
 */
export class RequestHolds {
  private decodedPerByte = 1;

  constructor(private readonly budget: ByteBudget) {}

  /** Waits until a message of `messageBytes` fits (see the class); returns the bytes reserved. */
  async reserve(messageBytes: number, signal: AbortSignal): Promise<number> {
    const reserved = 2 * messageBytes + Math.ceil(messageBytes * this.decodedPerByte);
    await this.budget.acquire(reserved, signal);
    return reserved;
  }

  /** Turns a reservation into what the decoded `batch` really holds (taking or giving back the difference). */
  settle(reserved: number, messageBytes: number, batch: RecordBatch): RequestHold {
    const decoded = heldBytes(batch);
    if (messageBytes > 0) this.decodedPerByte = decoded / messageBytes;
    const hold: RequestHold = { untilDurable: 2 * messageBytes, untilPublished: decoded };
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

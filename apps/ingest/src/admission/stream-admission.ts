import type { RecordBatch } from 'apache-arrow';
import type { PackedRows } from '../publish/packed-rows.js';
import { ByteBudget } from './byte-budget.js';
import { type RequestHold, RequestHolds } from './request-hold.js';

/**
 * Admission of one stream's requests (a Zerobus stream or a Flight DoPut alike): each request waits until its
 * message fits the stream's budget (`--stream-inflight-bytes`: bytes read and not yet acked), then the node's
 * (`--node-inflight-bytes`: memory held until published, see `RequestHolds`), and only then is decoded. The
 * stream does not read its next message while a request waits here, which is what turns into HTTP/2 flow
 * control for the producer.
 */
export class StreamAdmission {
  private readonly stream: ByteBudget;
  private readonly holds: RequestHolds;

  constructor(streamInFlightBytes: number, nodeBudget: ByteBudget) {
    this.stream = new ByteBudget(streamInFlightBytes);
    this.holds = new RequestHolds(nodeBudget);
  }

  /**
   * Waits until a message of `bytes` fits the stream's budget and then the node's, then runs `decode`. Rejects
   * with the signal's reason when the wait is aborted, or with what `decode` throws; either way what was taken
   * is given back first.
   */
  async admit<T>(bytes: number, signal: AbortSignal, decode: () => T): Promise<Admitted<T>> {
    await this.stream.acquire(bytes, signal);
    let reserved: number;
    try {
      reserved = await this.holds.reserve(bytes, signal);
    } catch (err) {
      this.stream.release(bytes);
      throw err;
    }
    const admitted = new AdmittedRequest(this.stream, this.holds, bytes, reserved);
    try {
      return { admitted, decoded: decode() };
    } catch (err) {
      admitted.cancel();
      throw err;
    }
  }
}

/** What `StreamAdmission.admit` resolves to: the request's place in the budgets and what `decode` returned. */
export interface Admitted<T> {
  readonly admitted: AdmittedRequest;
  readonly decoded: T;
}

/** A request holding its place in its stream's budget and the node's, until its WAL append settled. */
export class AdmittedRequest {
  constructor(
    private readonly stream: ByteBudget,
    private readonly holds: RequestHolds,
    /** The message's bytes, held in the stream's budget. */
    readonly bytes: number,
    private readonly reserved: number,
  ) {}

  /**
   * Turns the node reservation into what the request's `rows` really hold (`RequestHolds.settle`): the pipeline
   * gives that back, in part once durable and the rest once published.
   */
  hold(rows: RecordBatch | PackedRows): RequestHold {
    return this.holds.settle(this.reserved, this.bytes, rows);
  }

  /** Gives the stream's bytes back, once the request's WAL append settled (logged or not). */
  settled(): void {
    this.stream.release(this.bytes);
  }

  /** Gives everything back: the request is not logged (refused after admission, or empty). */
  cancel(): void {
    this.stream.release(this.bytes);
    this.holds.cancel(this.reserved);
  }
}

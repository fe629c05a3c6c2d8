/**
 * What the node remembers of streams that ended: a failure counter per table (cumulative since the node
 * started, so a sampler turns it into a rate however briefly a failed stream was live), and a bounded ring of
 * the last ended streams with a sequence number each, which the control plane reads with a cursor
 * (`after`) and keeps. Both are updated in the same instant a stream leaves the live registry, so a reader
 * that polls sees every end either as a live stream or here.
 */

/** The status a stream ended with: a gRPC code name (`OK`, `INVALID_ARGUMENT`, …) and its message. */
export interface StreamOutcome {
  readonly code: string;
  /** Empty for OK; else the status details the client got. */
  readonly message: string;
  /** Ended by a new catalog snapshot that took its rights (credential revoked, grant lost, table dropped). */
  readonly revoked?: boolean;
}

/** One ended stream, as the admin API lists it. */
export interface EndedStream {
  /** Its place in the node's history: 1, 2, … since the node started. */
  readonly seq: number;
  readonly streamId: string;
  readonly kind: 'ephemeral' | 'persistent';
  /** Three-part table name, lower case; empty when the stream ended before naming one. */
  readonly table: string;
  /** Empty when it ended before authenticating. */
  readonly principalId: string;
  readonly credentialId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly records: number;
  readonly bytes: number;
  /** Highest offset acked on the connection, or -1. */
  readonly ackedOffset: bigint;
  readonly outcome: StreamOutcome;
}

/** A page of the history: the streams after the cursor, and what the ring still holds. */
export interface EndedPage {
  readonly streams: readonly EndedStream[];
  /** The sequence number of the oldest stream still held (0 when none ended yet): a reader whose cursor is
   * below `oldest - 1` lost the streams between (the ring wrapped). */
  readonly oldest: number;
  /** The sequence number of the newest ended stream (0 when none): the cursor to pass next time when
   * `streams` was not cut by `limit`. */
  readonly newest: number;
}

/** Ended streams the node keeps by default (`--ended-streams`). */
export const DEFAULT_ENDED_STREAMS = 1000;

/** Codes that are not a failure of the stream: a clean end, and a client that cancelled its own call. */
const NOT_FAILURES = new Set(['OK', 'CANCELLED']);

/** The node's recent ended streams (a ring of `capacity`) and its failed-stream counters per table. */
export class EndedStreams {
  private readonly ring: EndedStream[] = [];
  private next = 1;
  private readonly failures = new Map<string, number>();

  constructor(private readonly capacity = DEFAULT_ENDED_STREAMS) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ended-stream capacity must be a positive integer, got ${capacity}`);
  }

  /** Records an ended stream (the oldest falls out when the ring is full); counts it when it failed. */
  record(stream: Omit<EndedStream, 'seq'>): void {
    if (!NOT_FAILURES.has(stream.outcome.code))
      this.failures.set(stream.table, (this.failures.get(stream.table) ?? 0) + 1);
    if (this.ring.length === this.capacity) this.ring.shift();
    this.ring.push({ ...stream, seq: this.next++ });
  }

  /** Failed streams per table since the node started (table `''`: ended before naming one). */
  failedStreams(): ReadonlyMap<string, number> {
    return this.failures;
  }

  /** The ended streams after sequence number `after`, oldest first, at most `limit`. */
  since(after: number, limit: number): EndedPage {
    const first = this.ring[0]?.seq ?? 0;
    const start = Math.max(0, after + 1 - first);
    return {
      streams: this.ring.slice(start, start + Math.max(0, limit)),
      oldest: first,
      newest: this.next - 1,
    };
  }
}

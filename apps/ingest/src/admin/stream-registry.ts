/**
 * What the admin API and the metrics read of the node's live streams. The stream handlers own the streams
 * (`stream/live-streams.ts`); its `LiveStreams` satisfies this interface as it is, so pass it directly.
 */

import type { EndedPage } from '../stream/ended-streams.js';

/** The state of a live stream. */
export type StreamState = 'opening' | 'open' | 'draining' | 'closing';

/** Counters of one live stream, as the admin API lists them. */
export interface StreamInfo {
  readonly streamId: string;
  readonly kind: 'ephemeral' | 'persistent';
  /** Three-part table name, lower case. */
  readonly table: string;
  readonly principalId: string;
  /** When the stream opened (ms since the epoch). */
  readonly startedAt: number;
  readonly state: StreamState;
  readonly records: number;
  readonly bytes: number;
  /** Highest offset acked on this connection, or -1 before the first ack. */
  readonly ackedOffset: bigint;
  /** Median and 99th percentile of recent ack latencies (ms); `undefined` before the first ack. */
  readonly ackLatencyP50Ms: number | undefined;
  readonly ackLatencyP99Ms: number | undefined;
  /** Failed requests of this stream (bad records, refused batches). */
  readonly errors: number;
  /** Bytes read and not yet acked. */
  readonly inFlightBytes: number;
}

/** The node's live streams, listed on demand (admin `ListStreams`, metrics at each scrape). */
export interface StreamRegistry {
  /** Every live stream now. Called once per admin call or scrape, so it should be cheap (no I/O). */
  list(): readonly StreamInfo[];
  /** Whether the node is draining (reported by admin `GetStatus`); `undefined` reads as not draining. */
  readonly isDraining?: boolean;
  /** Ended streams and failure counters (admin `ListEndedStreams`, `ListStreamsResponse.failures`); none
   * lists no failures and no ended streams. */
  readonly history?: EndedHistory;
}

/** What the admin API reads of the node's ended streams (`stream/ended-streams.ts`). */
export interface EndedHistory {
  /** Failed streams per table since the node started. */
  failedStreams(): ReadonlyMap<string, number>;
  /** The ended streams after seq `after`, oldest first, at most `limit`. */
  since(after: number, limit: number): EndedPage;
}

/**
 * Starts draining the node: every live stream gets `close_stream_signal` with `graceMs`, new streams are
 * refused. Resolves with the number of streams signalled as soon as they are signalled (not when they end).
 */
export type DrainHandler = (graceMs: number) => Promise<number>;

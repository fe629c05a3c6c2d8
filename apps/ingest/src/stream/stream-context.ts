import type { Authenticator } from '../auth/authenticator.js';
import type { IngestError } from '../base/errors.js';
import type { Log } from '../base/log.js';
import type { CatalogSource } from '../catalog/catalog-view.js';
import type { StreamHandoff } from '../handoff/stream-handoff.js';
import type { IngestPipeline } from '../pipeline/ingest-pipeline.js';
import { ABUSE_TIMEOUTS } from './abuse-limits.js';
import type { LiveStreams } from './live-streams.js';

/*
 * What every ingest call (a Zerobus stream, a Flight DoPut) is given by the server: the node's pipeline,
 * catalog, authenticator and live streams, the stream limits with their defaults, the log and metrics.
 */

/** Limits of a node's streams (see `config/options.ts` for their flags). */
export interface StreamLimits {
  /** Largest request message accepted (bytes). Default 10 MiB; larger ones fail with INVALID_ARGUMENT. */
  readonly maxRequestBytes: number;
  /** Largest single record (bytes, or UTF-16 units of a JSON record). Default 10 MiB; larger ones fail with
   * INVALID_ARGUMENT naming the record. */
  readonly maxRecordBytes: number;
  /** Bytes one stream may have read and not yet acked; beyond it the stream is not read. Default 64 MiB. */
  readonly streamInFlightBytes: number;
  /** Live streams per node; more are refused with RESOURCE_EXHAUSTED. Default 1024. */
  readonly maxStreams: number;
  /**
   * Live streams (Zerobus and Flight) of one principal per node; more are refused with RESOURCE_EXHAUSTED.
   * Default a quarter of `maxStreams` (`defaultStreamsPerPrincipal`).
   */
  readonly maxStreamsPerPrincipal: number;
  /** A stream that sends no first message (`create_stream`, …) within this long ends with DEADLINE_EXCEEDED. */
  readonly handshakeTimeoutMs: number;
  /** An open stream that sends no request for this long is closed (status OK, see `IngestSession`); 0: never. */
  readonly idleTimeoutMs: number;
  /**
   * A live stream whose right to write a catalog change took away is ended (with the reason's status) at its
   * next request, or after this long if it sends none (see `IngestSession.recheck`). Default 10 s.
   */
  readonly revokedStreamGraceMs: number;
}

/** Everything a stream handler uses. */
export interface StreamContext {
  readonly pipeline: IngestPipeline;
  readonly catalog: CatalogSource;
  readonly authenticator: Authenticator;
  readonly live: LiveStreams;
  /** Which node holds each persistent stream, and moving them (create, resume, retire). */
  readonly handoff: StreamHandoff;
  readonly limits: StreamLimits;
  readonly log: Log;
  /** Why a new stream is refused for load (`NodeLoad.refusal`); optional: no load thresholds. */
  readonly load?: { refusal(): IngestError | undefined } | undefined;
  /** Prometheus counters (optional: tests run without). */
  readonly metrics?: StreamMetrics | undefined;
}

/** The metrics a stream updates (the matching part of `IngestMetrics`). */
export interface StreamMetrics {
  readonly recordsReceived: { inc(labels: { table: string }, value: number): void };
  readonly bytesReceived: { inc(labels: { table: string }, value: number): void };
  readonly acks: { inc(labels: { table: string }, value: number): void };
  readonly recordsAcked: { inc(labels: { table: string }, value: number): void };
  readonly ackLatency: { observe(labels: { table: string }, value: number): void };
  readonly errors: { inc(labels: { code: string }, value: number): void };
}

/**
 * Default limits (spec: the client caps requests at 10 MiB − 64 KiB; timeouts: see `abuse-limits.ts`). The
 * per-principal stream limit follows `maxStreams` (`defaultStreamsPerPrincipal`).
 */
export const DEFAULT_LIMITS: Omit<StreamLimits, 'maxStreamsPerPrincipal'> = {
  // A largest record (10 MiB) and its request's framing (offsets, table name) fit in one request.
  maxRequestBytes: 10 * 1024 * 1024 + 64 * 1024,
  maxRecordBytes: 10 * 1024 * 1024,
  streamInFlightBytes: 64 * 1024 * 1024,
  maxStreams: 1024,
  handshakeTimeoutMs: ABUSE_TIMEOUTS.streamHandshakeMs,
  idleTimeoutMs: ABUSE_TIMEOUTS.streamIdleMs,
  revokedStreamGraceMs: 10_000,
};

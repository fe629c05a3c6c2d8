import type { CatalogSource, CatalogView } from '../catalog/catalog-view.js';
import { LatencyTracker } from '../publish/latency-tracker.js';
import { EndedStreams, type StreamOutcome } from './ended-streams.js';

/** The state of a live stream, as the admin API lists it. */
export type LiveStreamState = 'opening' | 'open' | 'draining' | 'closing';

/** Counters of one live stream (admin API, metrics, tests). */
export interface LiveStreamInfo {
  readonly streamId: string;
  readonly kind: 'ephemeral' | 'persistent';
  readonly table: string;
  readonly principalId: string;
  /** The credential that proved the principal (OAuth client id or producer token id); empty before. */
  readonly credentialId: string;
  readonly peer: string;
  readonly startedAt: number;
  readonly state: LiveStreamState;
  readonly requests: number;
  readonly records: number;
  readonly bytes: number;
  /** Highest offset acked on this connection, or -1. */
  readonly ackedOffset: bigint;
  readonly ackLatencyP50Ms: number | undefined;
  readonly ackLatencyP99Ms: number | undefined;
  readonly errors: number;
  /** Bytes read and not yet acked on this stream. */
  readonly inFlightBytes: number;
}

/** What the registry needs of a live stream. */
export interface LiveStream {
  info(): LiveStreamInfo;
  /** Sends `close_stream_signal{durationMs}` and ends the call once its acks are out (or the time passed). */
  drain(durationMs: number): void;
  /** Resolves when the call has ended. */
  readonly ended: Promise<void>;
  /** The status the call ended with; `undefined` while it runs. */
  outcome(): StreamOutcome | undefined;
  /** Re-checks the principal's rights against a new catalog snapshot (revocation). */
  recheck(view: CatalogView): void;
  /** Ends the call at once with the error (node stop, take-over of a persistent stream). */
  abort(reason: unknown): void;
}

/** Mutable counters a stream session updates. */
export class StreamCounters {
  requests = 0;
  records = 0;
  bytes = 0;
  ackedOffset = -1n;
  errors = 0;
  inFlightBytes = 0;
  readonly ackLatency = new LatencyTracker(1024);
}

/** The identity and state a `LiveStreamInfo` reports besides the counters. */
export interface StreamIdentity {
  readonly streamId: string;
  readonly kind: LiveStreamInfo['kind'];
  readonly table: string | undefined;
  readonly principalId: string | undefined;
  readonly credentialId: string | undefined;
  readonly peer: string;
  readonly startedAt: number;
  readonly state: LiveStreamState;
}

/** What the admin API lists for one stream (shared by the Zerobus and Flight sessions). */
export function describeStream(identity: StreamIdentity, c: StreamCounters): LiveStreamInfo {
  return {
    ...identity,
    table: identity.table ?? '',
    principalId: identity.principalId ?? '',
    credentialId: identity.credentialId ?? '',
    requests: c.requests,
    records: c.records,
    bytes: c.bytes,
    ackedOffset: c.ackedOffset,
    ackLatencyP50Ms: c.ackLatency.quantile(0.5),
    ackLatencyP99Ms: c.ackLatency.quantile(0.99),
    errors: c.errors,
    inFlightBytes: c.inFlightBytes,
  };
}

/**
 * The node's live streams, and what it remembers of those that ended (`history`): their count (per node and per principal, for the limits), the list with counters for the admin API, drain (send
 * `close_stream_signal` to all, wait for them to end), forced stop and revocation checks on every new catalog
 * snapshot (which connection serves a persistent stream: `StreamHandoff`).
 */
export class LiveStreams {
  private readonly streams = new Set<LiveStream>();
  /** Live streams per principal (those `attribute` counted). */
  private readonly byPrincipal = new Map<string, number>();
  private draining: number | undefined;
  private stopped: { reason: unknown } | undefined;
  private readonly unsubscribe: () => void;
  /** Ended streams and failure counters, updated in the instant a stream leaves the registry. */
  readonly history: EndedStreams;

  /** @param endedCapacity how many ended streams `history` keeps (default `DEFAULT_ENDED_STREAMS`). */
  constructor(catalog: CatalogSource, endedCapacity?: number) {
    this.history = new EndedStreams(endedCapacity);
    this.unsubscribe = catalog.subscribe((view) => {
      for (const s of this.streams) s.recheck(view);
    });
  }

  /** Live stream count. */
  get size(): number {
    return this.streams.size;
  }

  /** Whether the node is draining (new streams are refused). */
  get isDraining(): boolean {
    return this.draining !== undefined;
  }

  /** Registers a stream; it is removed when its `ended` resolves. */
  add(stream: LiveStream): void {
    this.streams.add(stream);
    void stream.ended.then(() => {
      this.streams.delete(stream);
      this.remember(stream);
    });
    if (this.stopped !== undefined) stream.abort(this.stopped.reason);
    else if (this.draining !== undefined) stream.drain(this.draining);
  }

  /** Moves an ended stream to `history` (same tick as it leaves the live list: no poll misses it). */
  private remember(stream: LiveStream): void {
    const info = stream.info();
    this.history.record({
      streamId: info.streamId,
      kind: info.kind,
      table: info.table,
      principalId: info.principalId,
      credentialId: info.credentialId,
      startedAt: info.startedAt,
      endedAt: Date.now(),
      records: info.records,
      bytes: info.bytes,
      ackedOffset: info.ackedOffset,
      outcome: stream.outcome() ?? { code: 'UNKNOWN', message: 'the stream ended without a status' },
    });
  }

  /** How many live streams `principalId` holds (see `attribute`). */
  streamsOf(principalId: string): number {
    return this.byPrincipal.get(principalId) ?? 0;
  }

  /** Counts `stream` (one `add` registered) against `principalId` until it ends. */
  attribute(stream: LiveStream, principalId: string): void {
    this.byPrincipal.set(principalId, this.streamsOf(principalId) + 1);
    void stream.ended.then(() => {
      const left = this.streamsOf(principalId) - 1;
      if (left > 0) this.byPrincipal.set(principalId, left);
      else this.byPrincipal.delete(principalId);
    });
  }

  /** Failed streams per table since the node started (see `EndedStreams.failedStreams`). */
  failedStreams(): ReadonlyMap<string, number> {
    return this.history.failedStreams();
  }

  /** Up to `count` streams in state `open`, the newest first (what a busy node sheds, `StreamShedder`). */
  newestOpen(count: number): LiveStream[] {
    const out: LiveStream[] = [];
    const all = [...this.streams];
    for (let i = all.length - 1; i >= 0 && out.length < count; i--) {
      if (all[i]!.info().state === 'open') out.push(all[i]!);
    }
    return out;
  }

  /** Every live stream's counters. */
  list(): LiveStreamInfo[] {
    return [...this.streams].map((s) => s.info());
  }

  /**
   * Drains the node: every live stream (and any that still opens) gets `close_stream_signal{durationMs}`;
   * resolves when all have ended, or after `durationMs` plus a grace second, when the rest are aborted.
   */
  async drain(durationMs: number): Promise<void> {
    this.draining = durationMs;
    for (const s of this.streams) s.drain(durationMs);
    const all = Promise.all([...this.streams].map((s) => s.ended));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), durationMs + 1000);
    });
    const outcome = await Promise.race([all, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      for (const s of this.streams) s.abort(new Error('drain timed out'));
      await Promise.all([...this.streams].map((s) => s.ended));
    }
  }

  /**
   * Forced stop: aborts every live stream with `reason`, and any stream added later at once. (The registry
   * holds every call, so one loop here replaces an abort listener per call on a shared signal, which grew
   * with the stream count and tripped Node's MaxListenersExceededWarning at 11 streams.)
   */
  stop(reason: unknown): void {
    this.stopped ??= { reason };
    for (const s of this.streams) s.abort(reason);
  }

  /** Stops listening to the catalog. */
  close(): void {
    this.unsubscribe();
  }
}

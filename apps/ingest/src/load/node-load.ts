import { IngestError } from '../base/errors.js';

/** Why a node counts itself busy: too many streams, its memory budget nearly full, too much unpublished. */
export type BusyReason = 'streams' | 'inflight' | 'wal_backlog';

/** Every reason, in the order the metrics and messages list them. */
export const BUSY_REASONS: readonly BusyReason[] = ['streams', 'inflight', 'wal_backlog'];

/**
 * When a node refuses new streams (see `config/options.ts`: `--busy-streams`, `--busy-inflight-fraction`,
 * `--busy-wal-backlog-bytes`). 0 turns a threshold off.
 */
export interface LoadThresholds {
  /** Live streams at which new ones are refused. */
  readonly streams: number;
  /** Share of the node's memory budget (`--node-inflight-bytes`) held at which new streams are refused. */
  readonly inflightFraction: number;
  /** Durable bytes waiting to be published (all tables) at which new streams are refused. */
  readonly walBacklogBytes: number;
}

/** What the node's load is read from, at each check. */
export interface LoadSources {
  /** Live streams. */
  streams(): number;
  /** Bytes held in the node's memory budget, and its capacity. */
  inflight(): { readonly used: number; readonly capacity: number };
  /** Durable bytes not yet published. */
  walBacklogBytes(): number;
}

/** One threshold passed: which, its value and the threshold. */
export interface BusySignal {
  readonly reason: BusyReason;
  readonly value: number;
  readonly threshold: number;
}

/**
 * The node's load against its thresholds: `busy()` says which are reached (a new stream is refused), `over()`
 * which are passed (existing streams may be shed, `StreamShedder`). A stream count equal to `--busy-streams`
 * is busy but not over: shedding there would only swap one stream for the next that connects.
 */
export class NodeLoad {
  constructor(
    readonly thresholds: LoadThresholds,
    private readonly sources: LoadSources,
  ) {}

  /** The thresholds reached now (empty: the node takes new streams). */
  busy(): BusySignal[] {
    return this.signals().filter((s) => s.value >= s.threshold);
  }

  /** The thresholds passed now. Memory and backlog count from the threshold on, streams above it. */
  over(): BusySignal[] {
    return this.signals().filter((s) =>
      s.reason === 'streams' ? s.value > s.threshold : s.value >= s.threshold,
    );
  }

  /**
   * Why a new stream is refused now, or `undefined`: UNAVAILABLE naming the threshold and the value, which the
   * SDKs retry (a balancer in front picks another node). Existing streams are never checked here.
   */
  refusal(): IngestError | undefined {
    const first = this.busy()[0];
    if (first === undefined) return undefined;
    return new IngestError(
      'UNAVAILABLE',
      `this ingest node is busy (${describe(first)}); reconnect to another node`,
    );
  }

  private signals(): BusySignal[] {
    const t = this.thresholds;
    const out: BusySignal[] = [];
    if (t.streams > 0) out.push({ reason: 'streams', value: this.sources.streams(), threshold: t.streams });
    if (t.inflightFraction > 0) {
      const { used, capacity } = this.sources.inflight();
      out.push({ reason: 'inflight', value: used / capacity, threshold: t.inflightFraction });
    }
    if (t.walBacklogBytes > 0) {
      out.push({
        reason: 'wal_backlog',
        value: this.sources.walBacklogBytes(),
        threshold: t.walBacklogBytes,
      });
    }
    return out;
  }
}

/** A signal in words: `12 live streams, --busy-streams 12`. */
export function describe(s: BusySignal): string {
  switch (s.reason) {
    case 'streams':
      return `${s.value} live streams, --busy-streams ${s.threshold}`;
    case 'inflight':
      return `${(s.value * 100).toFixed(1)}% of the memory budget held, --busy-inflight-fraction ${s.threshold}`;
    case 'wal_backlog':
      return `${s.value} bytes waiting to be published, --busy-wal-backlog-bytes ${s.threshold}`;
  }
}

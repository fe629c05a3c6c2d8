/** Options of {@link BacklogBound}. */
export interface BacklogBoundOptions {
  /** The wanted longest time from ack to visible, in ms: the backlog is bounded to this × the publish rate. */
  readonly maxVisibleDelayMs: number;
  /**
   * The bound never goes below this (bytes): room for one commit being written and the next one filling, so a
   * node that has not published yet (or whose store stalls) still takes a burst. Typically 2 × `flushBytes`.
   */
  readonly floorBytes: number;
  /** The clock, in ms (default `performance.now`); tests pass their own. */
  readonly now?: () => number;
}

/** Length of one rate sample: publishing comes in commits, about one per `flushMs` under load. */
const WINDOW_MS = 1000;
/** Weight of the newest sample in the moving average: the rate follows a change within a few seconds. */
const ALPHA = 0.3;

/**
 * The node's backlog bound: how many bytes may wait unpublished so that they are visible within the wanted
 * delay, from the publish rate the node measures (an exponentially weighted moving average of the bytes
 * published per second, in 1 s samples). Under unpaced load the publisher is the bottleneck, so without a
 * bound the backlog grows to the whole node budget and the delay to `budget ÷ rate`; with it, producers are
 * held back (HTTP/2 flow control, delayed acks) once `maxVisibleDelayMs × rate` bytes wait. A store that stalls
 * publishes nothing: the rate decays and the bound falls to its floor. Acks keep their meaning: the bound only
 * delays reading the next request.
 */
export class BacklogBound {
  private readonly now: () => number;
  private windowStart: number;
  private windowBytes = 0;
  private rate = 0;

  constructor(private readonly options: BacklogBoundOptions) {
    this.now = options.now ?? (() => performance.now());
    this.windowStart = this.now();
  }

  /** Counts `bytes` (as held in the node budget) just published. */
  published(bytes: number): void {
    this.roll();
    this.windowBytes += bytes;
  }

  /** The measured publish rate, bytes per second (0 before the first full sample). */
  get bytesPerSecond(): number {
    this.roll();
    return this.rate;
  }

  /** The bound now: `maxVisibleDelayMs × rate`, at least the floor. */
  get bytes(): number {
    return Math.max(this.options.floorBytes, (this.bytesPerSecond * this.options.maxVisibleDelayMs) / 1000);
  }

  /** Closes every sample whose second is over (a second without publishing is a sample of 0). */
  private roll(): void {
    const now = this.now();
    const elapsed = now - this.windowStart;
    if (elapsed < WINDOW_MS) return;
    const windows = Math.floor(elapsed / WINDOW_MS);
    this.rate = ALPHA * ((this.windowBytes * 1000) / WINDOW_MS) + (1 - ALPHA) * this.rate;
    // The samples after the first were empty: each one decays the average.
    if (windows > 1) this.rate *= (1 - ALPHA) ** Math.min(windows - 1, 64);
    this.windowBytes = 0;
    this.windowStart += windows * WINDOW_MS;
  }
}

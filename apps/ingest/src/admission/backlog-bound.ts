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
 * How long a table's failed publish attempt counts without a newer one: longer than the publishers' longest
 * backoff (30 s), so a table whose store keeps failing stays failing between its attempts.
 */
const FAILING_FOR_MS = 60_000;

/**
 * The node's backlog bound: how many bytes may wait unpublished so that they are visible within the wanted
 * delay, from the publish rate the node measures (an exponentially weighted moving average of the bytes
 * published per second, in 1 s samples). Under unpaced load the publisher is the bottleneck, so without a
 * bound the backlog grows to the whole node budget and the delay to `budget ÷ rate`; with it, producers are
 * held back (HTTP/2 flow control, delayed acks) once `maxVisibleDelayMs × rate` bytes wait. A slow store (its
 * commits land, slowly) is what the bound is for: the rate falls and so does the bound, down to its floor when
 * the store hangs. A failing store (its publish attempts error) is told apart: while a table's latest attempt
 * failed, the bound yields to the node budget (`bytes` is infinite), so the WAL absorbs the outage up to the
 * budget, as without the bound; it applies again once that table commits. Acks keep their meaning: the bound
 * only delays reading the next request.
 */
export class BacklogBound {
  private readonly now: () => number;
  private windowStart: number;
  private windowBytes = 0;
  private rate = 0;
  /** Tables whose latest publish attempt failed, with when (the clock's ms). */
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly options: BacklogBoundOptions) {
    this.now = options.now ?? (() => performance.now());
    this.windowStart = this.now();
  }

  /** Counts `bytes` (as held in the node budget) just published. */
  published(bytes: number): void {
    this.roll();
    this.windowBytes += bytes;
  }

  /** Counts a failed publish attempt of `table`: its store errs, so the bound yields to the budget. */
  publishFailed(table: string): void {
    this.failedAt.set(table, this.now());
  }

  /** Counts a commit of `table`: its store publishes again, so the bound applies to it again. */
  committed(table: string): void {
    this.failedAt.delete(table);
  }

  /** Whether a table's latest publish attempt failed, within the last minute (the store fails, not slows). */
  get storeFailing(): boolean {
    const now = this.now();
    for (const [table, at] of this.failedAt) {
      if (now - at <= FAILING_FOR_MS) return true;
      this.failedAt.delete(table);
    }
    return false;
  }

  /** The measured publish rate, bytes per second (0 before the first full sample). */
  get bytesPerSecond(): number {
    this.roll();
    return this.rate;
  }

  /** The bound now: `maxVisibleDelayMs × rate`, at least the floor; infinite (none) while the store fails. */
  get bytes(): number {
    if (this.storeFailing) return Number.POSITIVE_INFINITY;
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

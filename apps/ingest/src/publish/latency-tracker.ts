/**
 * Percentiles over a sliding window of recent samples (ms). Cheap enough for one sample per request: a
 * ring of the last `size` values, sorted only when read.
 */
export class LatencyTracker {
  private readonly ring: Float64Array;
  private count = 0;
  private next = 0;

  constructor(size = 2048) {
    this.ring = new Float64Array(size);
  }

  /** Records one sample. */
  add(ms: number): void {
    this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
  }

  /** The `p`-quantile (0..1) of the window, or `undefined` with no samples. */
  quantile(p: number): number | undefined {
    if (this.count === 0) return undefined;
    const sorted = this.ring.slice(0, this.count).sort();
    return sorted[Math.min(this.count - 1, Math.floor(p * this.count))];
  }
}

/**
 * The durable frontier: every WAL position below it is durable and its rows were handed to their table's
 * publisher. Appends may resolve out of order across streams; the frontier only moves over a gap-free run.
 */
export class Frontier {
  private next: bigint;
  private readonly ahead = new Set<bigint>();

  constructor(start: bigint) {
    this.next = start;
  }

  /** The first position not yet known to be resolved. */
  get value(): bigint {
    return this.next;
  }

  /** Marks positions resolved (durable and handed on); returns whether the frontier moved. */
  resolve(positions: readonly bigint[]): boolean {
    for (const p of positions) if (p >= this.next) this.ahead.add(p);
    const before = this.next;
    while (this.ahead.delete(this.next)) this.next++;
    return this.next !== before;
  }
}

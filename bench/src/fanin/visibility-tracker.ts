import { openTable, type Table } from '@lakestream/delta';

/** Ack → visible of one acked-records milestone. */
export interface Visibility {
  /** Epoch ms at which the snapshot that first held the milestone's records was read. */
  visibleAt: number;
  /** Ms from the ack to `visibleAt`. */
  ms: number;
}

/**
 * Time from ack to visible in the Delta table, attributed by record counts. Every ack event appends a
 * milestone `(cumulative acked records, ack time)`; every 250 ms the table's latest snapshot is read and its
 * `numRecords` (the sum of `numRecords` in the add actions' stats) taken as the visible count V; every
 * milestone whose cumulative count is ≤ V and not yet seen becomes visible at the time that snapshot read
 * finished. This assumes the table publishes records in ack order across streams (it is not exact when the
 * publishers of different streams commit out of ack order) and has the poll period (+ the snapshot read) as
 * resolution, so it errs high by up to ~250 ms.
 */
export class VisibilityTracker {
  readonly #milestones: { cumulative: number; ackedAt: number }[] = [];
  readonly #seen: Visibility[] = [];
  #acked = 0;
  #next = 0;
  #visible = 0;
  #table: Table | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> = Promise.resolve();
  #stopped = false;
  /** Snapshot reads that failed after the table existed. */
  pollErrors = 0;

  constructor(readonly location: string) {}

  /** Records `records` acked at `ackedAt` (epoch ms). */
  acked(records: number, ackedAt: number): void {
    this.#acked += records;
    this.#milestones.push({ cumulative: this.#acked, ackedAt });
  }

  /** Starts polling every `periodMs`. */
  start(periodMs = 250): void {
    this.#timer = setInterval(() => {
      this.#polling = this.#polling.then(() => this.poll());
    }, periodMs);
  }

  /** Reads the latest snapshot once and marks what became visible. */
  async poll(): Promise<void> {
    if (this.#stopped) return;
    try {
      this.#table ??= await openTable(this.location);
    } catch {
      return; // not created yet
    }
    try {
      const snap = await this.#table.snapshot();
      const visibleAt = performance.timeOrigin + performance.now();
      this.#visible = snap.numRecords ?? this.#visible;
      while (this.#next < this.#milestones.length) {
        const m = this.#milestones[this.#next]!;
        if (m.cumulative > this.#visible) break;
        this.#seen.push({ visibleAt, ms: visibleAt - m.ackedAt });
        this.#next++;
      }
    } catch {
      this.pollErrors++;
    }
  }

  /** Records visible at the last poll. */
  get visibleRecords(): number {
    return this.#visible;
  }

  /** Every milestone seen visible so far, in ack order. */
  get visibilities(): readonly Visibility[] {
    return this.#seen;
  }

  /** Acked milestones not yet seen visible. */
  get pending(): number {
    return this.#milestones.length - this.#next;
  }

  /** Polls until every acked milestone is visible or `timeoutMs` passed, then stops polling. */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
    }
    await this.stop();
  }

  /** Stops polling and closes the table handle. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#polling;
    const table = this.#table;
    this.#table = undefined;
    this.#stopped = true;
    await table?.close();
  }
}

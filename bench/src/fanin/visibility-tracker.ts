import { Worker } from 'node:worker_threads';
import type { VisibilityObservation, VisibilityPollerJob } from './visibility-poller.js';

/** Ack → visible of one acked-records milestone. */
export interface Visibility {
  /** Epoch ms at which the snapshot read that first held the milestone's records finished. */
  visibleAt: number;
  /** Ms from the ack to `visibleAt`. */
  ms: number;
  /** Acked requests the milestone stands for (those acked at the same instant). */
  requests: number;
}

/**
 * Time from ack to visible in the Delta table, attributed by record counts. Every ack event appends a
 * milestone `(cumulative acked records, ack time)`; a poller thread reads the table's latest snapshot every
 * 250 ms and reports its `numRecords` (the sum of `numRecords` in the add actions' stats) as the visible count
 * V; every milestone whose cumulative count is ≤ V and not yet seen becomes visible at the time that read
 * finished. This assumes the table publishes records in ack order across streams (not exact when publishers
 * of different streams commit out of ack order) and has the poll period (+ the read) as resolution, so it
 * errs high by up to ~250 ms.
 */
export class VisibilityTracker {
  readonly #milestones: { cumulative: number; ackedAt: number; requests: number }[] = [];
  readonly #seen: Visibility[] = [];
  #acked = 0;
  #next = 0;
  #visible = 0;
  #worker: Worker | undefined;
  #exited: Promise<void> = Promise.resolve();
  /** Snapshot reads that failed after the table existed (and a crash of the poller thread). */
  pollErrors = 0;
  /** The poller thread's crash, if it crashed. */
  lastError: string | undefined;

  constructor(readonly location: string) {}

  /** Records `records` acked at `ackedAt` (epoch ms). Requests acked at the same instant (one cumulative ack)
   * make one milestone: a stream of one-record requests would otherwise keep millions of them. */
  acked(records: number, ackedAt: number): void {
    this.#acked += records;
    const last = this.#milestones[this.#milestones.length - 1];
    if (last !== undefined && last.ackedAt === ackedAt && this.#next < this.#milestones.length) {
      last.cumulative = this.#acked;
      last.requests++;
    } else this.#milestones.push({ cumulative: this.#acked, ackedAt, requests: 1 });
  }

  /** Starts the poller thread (a read every `periodMs`). */
  start(periodMs = 250): void {
    const job: VisibilityPollerJob = { role: 'fanin-visibility', location: this.location, periodMs };
    this.#worker = new Worker(new URL('./visibility-poller.js', import.meta.url), { workerData: job });
    const worker = this.#worker;
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (o: VisibilityObservation) => this.observe(o));
    // A poller that dies stops the visibility figures, not the run (the error is counted and shown).
    worker.on('error', (err) => {
      this.pollErrors++;
      this.lastError = err.message;
    });
  }

  /** Marks what a snapshot read saw. */
  observe(o: VisibilityObservation): void {
    if (o.error === true || o.numRecords < 0) {
      this.pollErrors++;
      return;
    }
    this.#visible = Math.max(this.#visible, o.numRecords);
    while (this.#next < this.#milestones.length) {
      const m = this.#milestones[this.#next]!;
      if (m.cumulative > this.#visible) break;
      this.#seen.push({ visibleAt: o.t, ms: o.t - m.ackedAt, requests: m.requests });
      this.#next++;
    }
  }

  /** Records visible at the last read. */
  get visibleRecords(): number {
    return this.#visible;
  }

  /** Every milestone seen visible so far, in ack order. */
  get visibilities(): readonly Visibility[] {
    return this.#seen;
  }

  /** Acked milestones not yet seen visible (one per ack instant). */
  get pending(): number {
    return this.#milestones.length - this.#next;
  }

  /** Waits until every acked milestone is visible or `timeoutMs` passed, then stops the poller. */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
    }
    await this.stop();
  }

  /** Stops the poller thread (idempotent). */
  async stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker === undefined) return;
    worker.postMessage('stop');
    await this.#exited;
  }
}

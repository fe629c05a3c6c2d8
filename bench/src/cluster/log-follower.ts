import { type Action, openStorage, parseCommit, type Storage } from '@lakestream/delta';
import { epochNow } from '../ingest/push-stream.js';

/** One commit of the followed table, as the follower first saw it. */
export interface SeenCommit {
  readonly version: number;
  /** Epoch ms at which the listing that found it finished (errs late by up to the poll period). */
  readonly seenAt: number;
  /** The writer it is attributed to (see {@link LogFollowerOptions.writerOf}); undefined for none. */
  readonly writer: string | undefined;
  /** Records its data files add (`numRecords` of their stats). */
  readonly records: number;
}

/** Options of {@link LogFollower}. */
export interface LogFollowerOptions {
  /** The table's location: a directory or an object-store URI (`openStorage` picks the adapter). */
  readonly location: string;
  /** Maps a commit's `txn.appId` to its writer (here, the node id before the first `:`). */
  readonly writerOf: (appId: string) => string;
  /** Called after every listing: the records each writer has made visible so far, and when. */
  readonly onRead?: (visible: ReadonlyMap<string, number>, at: number) => void;
}

const LOG_PREFIX = '_delta_log/';
const COMMIT = /^_delta_log\/(\d{20})\.json$/;

/**
 * Follows a Delta table's log the way a reader polling for new data would: every period it lists
 * `_delta_log/` after the last commit it read (one listing, then one read per new commit) and attributes each
 * new commit's records to the writer of its `txn`. With several nodes on one table, that is what tells one
 * node's records apart from another's, so that time to visible is measured per node (a node publishes in the
 * order it acked; nodes do not publish in any common order). Works alike on a local directory and on an object
 * store: the same five `Storage` operations the nodes commit with.
 */
export class LogFollower {
  readonly commits: SeenCommit[] = [];
  readonly #storage: Storage;
  readonly #visible = new Map<string, number>();
  #after: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  /** Listings or reads that failed (the follower goes on at the next period). */
  errors = 0;
  lastError: string | undefined;

  constructor(readonly options: LogFollowerOptions) {
    this.#storage = openStorage(options.location);
  }

  /** The newest version read so far (-1: none). */
  get version(): number {
    return this.commits.at(-1)?.version ?? -1;
  }

  /** Records made visible so far by each writer. */
  get visible(): ReadonlyMap<string, number> {
    return this.#visible;
  }

  /** Reads the log every `periodMs` until {@link stop}. */
  start(periodMs: number): void {
    const tick = (): void => {
      this.#running = this.poll().then(() => {
        if (this.#timer !== undefined) this.#timer = setTimeout(tick, periodMs);
      });
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops polling (after the read under way). */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One listing and the reads of the commits it found new. */
  async poll(): Promise<void> {
    try {
      const names = await this.#storage.list(
        LOG_PREFIX,
        this.#after === undefined ? {} : { startAfter: this.#after },
      );
      for (const name of names) {
        const m = COMMIT.exec(name);
        if (m === null) continue;
        const bytes = await this.#storage.read(name);
        if (bytes === undefined) throw new Error(`${name} was listed but could not be read`);
        this.#take(Number(m[1]), parseCommit(new TextDecoder().decode(bytes), name));
        this.#after = name;
      }
      this.options.onRead?.(this.#visible, epochNow());
    } catch (err) {
      this.errors++;
      this.lastError = (err as Error).message;
    }
  }

  #take(version: number, actions: Action[]): void {
    let appId: string | undefined;
    let records = 0;
    for (const a of actions) {
      if ('txn' in a) appId = a.txn.appId;
      else if ('add' in a && a.add.stats !== undefined) {
        const n = (JSON.parse(a.add.stats) as { numRecords?: unknown }).numRecords;
        if (typeof n === 'number') records += n;
      }
    }
    const writer = appId === undefined ? undefined : this.options.writerOf(appId);
    if (writer !== undefined) this.#visible.set(writer, (this.#visible.get(writer) ?? 0) + records);
    this.commits.push({ version, seenAt: epochNow(), writer, records });
  }
}

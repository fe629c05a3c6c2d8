import { IngestError } from '../base/errors.js';
import type { Log } from '../base/log.js';
import { readOptionalFile } from '../base/read-optional-file.js';
import { writeFileAtomic } from '../base/write-file-atomic.js';

/** How often, at most, an advance of the mark is written (a trim writes it at once). */
const SAVE_EVERY_MS = 1000;

interface MarkFile {
  version: 1;
  /** Every WAL entry below this position is published, or was decided on by an operator. */
  publishedBelow: string;
}

/**
 * The WAL trim point, kept in `<dataDir>/published.json`: every entry below it is in its table (or was
 * discarded or quarantined). The WAL deletes whole segments only, so after a restart the backlog starts below
 * it — at the oldest segment still on disk — and the replay skips what lies below it without decoding, or
 * checking a table: an entry whose table was dropped since it was published is not mistaken for one that
 * never was. Written atomically before every WAL trim, and otherwise at most once a second as publishing
 * moves it (a crash loses at most that second: those entries are checked against their table as before).
 */
export class PublishedMark {
  private saved: bigint;
  private wanted: bigint;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly file: string,
    below: bigint,
    private readonly log: Log,
  ) {
    this.saved = below;
    this.wanted = below;
  }

  /**
   * Loads the mark, checked against the WAL: a mark beyond the WAL's next position belongs to a WAL that is
   * gone (its directory emptied) and would skip new entries, so it is reset to the WAL's oldest position, and
   * saved, before anything is replayed.
   */
  static async load(
    file: string,
    wal: { readonly oldestPosition: bigint; readonly nextPosition: bigint },
    log: Log,
  ): Promise<PublishedMark> {
    const text = await readOptionalFile(file);
    let below = wal.oldestPosition;
    if (text !== undefined) {
      let parsed: MarkFile;
      try {
        parsed = JSON.parse(text) as MarkFile;
        below = BigInt(parsed.publishedBelow);
      } catch (err) {
        throw new IngestError(
          'INTERNAL',
          `${file} cannot be read (${(err as Error).message}); delete it to have the node check every WAL entry against its table`,
        );
      }
    }
    if (below > wal.nextPosition) {
      log.warn(
        { file, publishedBelow: below.toString(), walNext: wal.nextPosition.toString() },
        'the published mark is beyond the WAL (the WAL directory was emptied?): reset to the WAL start',
      );
      below = wal.oldestPosition;
      await writeMark(file, below);
    }
    return new PublishedMark(file, below, log);
  }

  /** Every WAL entry below this position was published (as of the last start, or since). */
  get below(): bigint {
    return this.saved;
  }

  /** Moves the mark to `position` (the trim invariant must hold for it): written within a second. */
  advance(position: bigint): void {
    if (position <= this.wanted) return;
    this.wanted = position;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.save(this.wanted).catch((err) =>
        this.log.warn(
          { err, file: this.file },
          'saving the published mark failed; retried at the next publish',
        ),
      );
    }, SAVE_EVERY_MS);
  }

  /** Writes the mark at `position` now (before a WAL trim: the entries below it leave the WAL). */
  save(position: bigint): Promise<void> {
    if (position > this.wanted) this.wanted = position;
    // One write at a time, each of the latest position: a slow write never lands after a later one.
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        const at = this.wanted;
        if (at <= this.saved) return;
        await writeMark(this.file, at);
        this.saved = at;
      });
    return this.writing;
  }

  /** Writes what is pending now (at shutdown) and stops the timer. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.save(this.wanted);
  }
}

function writeMark(file: string, publishedBelow: bigint): Promise<void> {
  const body: MarkFile = { version: 1, publishedBelow: publishedBelow.toString() };
  return writeFileAtomic(file, `${JSON.stringify(body)}\n`);
}

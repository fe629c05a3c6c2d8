import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../base/file-modes.js';
import { fsyncDir, writeAll } from './file-io.js';
import { FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, payloadLength, type WalPayload } from './frame.js';
import { FrameBatch } from './frame-batch.js';
import { type RecoveredSegment, recoverSegments, type WalRecovery } from './recover.js';
import { replaySegments } from './replay.js';
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentFileName } from './segment-file.js';
import type { Wal, WalEntry, WalOptions, WalStats } from './wal.js';
import { ioError, WalError } from './wal-error.js';

/** Defaults, chosen by `bench/src/wal/wal-bench.ts` (figures in apps/ingest/README-wal.md). */
export const WAL_DEFAULTS = {
  segmentBytes: 64 * 1024 * 1024,
  groupCommitBytes: 1024 * 1024,
  // Measured: waiting never paid on this disk (a lone appender pays the delay in full; under fan-in, appends
  // arriving during the in-flight fsync already batch). 0 = fsync as soon as the disk is free.
  groupCommitMs: 0,
  writeMode: 'async',
  firstPosition: 0n,
} as const satisfies Required<Omit<WalOptions, 'onFsync' | 'onRecoveredEntry'>>;

/**
 * Opens (creating when absent) the WAL in `dir`: recovers its segments (`recoverSegments`: a torn tail of
 * the last segment is cut, corruption anywhere else throws `CORRUPT`), then appends to the last segment.
 * Throws `IO` `WalError` when the directory cannot be read or written. Only one process may open a
 * directory at a time (not enforced here: the node owns its data directory).
 */
export async function openWal(dir: string, options: WalOptions = {}): Promise<Wal> {
  const { onRecoveredEntry, ...rest } = options;
  const settings: WalSettings = { ...WAL_DEFAULTS, ...rest, onFsync: options.onFsync };
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (cause) {
    throw ioError('mkdir', dir, cause);
  }
  const { segments, recovery } = await recoverSegments(
    dir,
    onRecoveredEntry && ((position, payload) => onRecoveredEntry({ position, payload })),
  );
  let last = segments.pop();
  if (last === undefined) {
    const handle = await createSegment(dir, settings.firstPosition);
    await handle.datasync().catch((cause: unknown) => {
      throw ioError('fsync', join(dir, segmentFileName(settings.firstPosition)), cause);
    });
    await handle.close();
    await fsyncDir(dir);
    last = {
      file: join(dir, segmentFileName(settings.firstPosition)),
      firstPosition: settings.firstPosition,
      entries: 0,
      size: SEGMENT_HEADER_BYTES,
    };
  }
  const handle = await open(last.file, 'r+').catch((cause: unknown) => {
    throw ioError('open', last.file, cause);
  });
  return new GroupCommitWal(dir, settings, segments, { ...last, handle }, recovery);
}

/** Creates a segment file holding only its header (not yet fsync'd). */
async function createSegment(dir: string, firstPosition: bigint): Promise<FileHandle> {
  const file = join(dir, segmentFileName(firstPosition));
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'wx', PRIVATE_FILE_MODE);
    await handle.write(encodeSegmentHeader(firstPosition), 0, SEGMENT_HEADER_BYTES, 0);
    return handle;
  } catch (cause) {
    await handle?.close().catch(() => undefined);
    throw ioError('segment create', file, cause);
  }
}

/** The segment being appended to. `size`/`entries` count what is written; `durable*` what is fsync'd. */
interface ActiveSegment {
  readonly file: string;
  readonly firstPosition: bigint;
  readonly handle: FileHandle;
  size: number;
  entries: number;
  durableSize: number;
  durableEntries: number;
}

/** One `append` call waiting for its fsync. */
interface PendingAppend {
  readonly first: bigint;
  readonly payloads: readonly WalPayload[];
  readonly bytes: number;
  readonly at: number;
  readonly resolve: (positions: bigint[]) => void;
  readonly reject: (error: unknown) => void;
}

// The group-commit loop: appends queue in `#pending`; one flush step at a time takes the whole queue, writes
// its frames, fdatasyncs (rolling segments on the way) and resolves it. A step starts when the queue holds
// `groupCommitBytes` or its oldest entry is `groupCommitMs` old; appends arriving meanwhile wait for the next.
/** The options with their defaults; `onFsync` stays optional. */
type WalSettings = Required<Omit<WalOptions, 'onFsync' | 'onRecoveredEntry'>> & {
  onFsync: WalOptions['onFsync'];
};

class GroupCommitWal implements Wal {
  readonly #dir: string;
  readonly #settings: WalSettings;
  readonly #sealed: RecoveredSegment[];
  #active: ActiveSegment;
  readonly recovery: WalRecovery;

  #next: bigint;
  #pending: PendingAppend[] = [];
  #pendingQueueBytes = 0;
  #inFlightBytes = 0;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #poison: WalError | undefined;
  #closing: Promise<void> | undefined;
  #trimmedBelow = -1n;
  #stats = { fsyncs: 0, dirFsyncs: 0, entries: 0, bytes: 0 };

  constructor(
    dir: string,
    settings: WalSettings,
    sealed: RecoveredSegment[],
    last: RecoveredSegment & { handle: FileHandle },
    recovery: WalRecovery,
  ) {
    this.#dir = dir;
    this.#settings = settings;
    this.#sealed = sealed;
    this.#active = { ...last, durableSize: last.size, durableEntries: last.entries };
    this.#next = last.firstPosition + BigInt(last.entries);
    this.recovery = recovery;
  }

  get oldestPosition(): bigint {
    return this.#sealed[0]?.firstPosition ?? this.#active.firstPosition;
  }

  get nextPosition(): bigint {
    return this.#next;
  }

  get pendingBytes(): number {
    return this.#pendingQueueBytes + this.#inFlightBytes;
  }

  stats(): WalStats {
    return {
      ...this.#stats,
      segments: this.#sealed.length + 1,
      durablePosition: this.#active.firstPosition + BigInt(this.#active.durableEntries),
      poisoned: this.#poison !== undefined,
    };
  }

  append(payloads: readonly WalPayload[]): Promise<bigint[]> {
    if (this.#poison) return Promise.reject(this.#poison);
    if (this.#closing) return Promise.reject(new WalError('CLOSED', `WAL in ${this.#dir} is closed`));
    let bytes = 0;
    for (const payload of payloads) {
      const length = payloadLength(payload);
      if (length > MAX_PAYLOAD_BYTES)
        return Promise.reject(
          new RangeError(`WAL entry of ${length} bytes exceeds the limit of ${MAX_PAYLOAD_BYTES} bytes`),
        );
      bytes += length + FRAME_HEADER_BYTES;
    }
    if (payloads.length === 0) return Promise.resolve([]);
    const first = this.#next;
    this.#next += BigInt(payloads.length);
    return new Promise((resolve, reject) => {
      this.#pending.push({ first, payloads, bytes, at: performance.now(), resolve, reject });
      this.#pendingQueueBytes += bytes;
      this.#schedule();
    });
  }

  // Starts a flush step now, or arms the timer for when the oldest pending entry reaches groupCommitMs.
  #schedule(): void {
    if (this.#flushing || this.#pending.length === 0) return;
    const { groupCommitBytes, groupCommitMs } = this.#settings;
    if (this.#closing || this.#pendingQueueBytes >= groupCommitBytes) {
      this.#startFlush();
      return;
    }
    if (this.#timer) return;
    const wait = this.#pending[0]!.at + groupCommitMs - performance.now();
    // groupCommitMs 0: still let the appends of this turn of the event loop join the batch.
    this.#timer =
      wait <= 0 ? setImmediate(() => this.#startFlush()) : setTimeout(() => this.#startFlush(), wait);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    if ('hasRef' in this.#timer && 'refresh' in this.#timer) clearTimeout(this.#timer);
    else clearImmediate(this.#timer);
    this.#timer = undefined;
  }

  #startFlush(): void {
    this.#clearTimer();
    if (this.#flushing || this.#pending.length === 0) return;
    this.#flushing = this.#flushLoop().finally(() => {
      this.#flushing = undefined;
      this.#schedule();
    });
  }

  async #flushLoop(): Promise<void> {
    while (this.#pending.length > 0 && !this.#poison) {
      const batch = this.#pending;
      this.#pending = [];
      this.#inFlightBytes = this.#pendingQueueBytes;
      this.#pendingQueueBytes = 0;
      try {
        await this.#writeAndSync(batch);
      } catch (error) {
        this.#poisonWith(error, batch);
        return;
      } finally {
        this.#inFlightBytes = 0;
      }
      for (const p of batch) p.resolve(Array.from(p.payloads, (_, i) => p.first + BigInt(i)));
      // Go again at once only if the next batch is already due; otherwise `#schedule` arms the timer.
      const oldest = this.#pending[0];
      if (oldest === undefined) return;
      const due =
        this.#closing !== undefined ||
        this.#pendingQueueBytes >= this.#settings.groupCommitBytes ||
        performance.now() - oldest.at >= this.#settings.groupCommitMs;
      if (!due) return;
    }
  }

  // Writes the frames of `batch` and fdatasyncs them. A full segment is sealed (fdatasync'd whole) before the
  // next one is created, so only the last segment can ever hold a torn frame (see recover.ts).
  async #writeAndSync(batch: readonly PendingAppend[]): Promise<void> {
    const frames = new FrameBatch();
    let dirDirty = false;
    let entries = 0;
    for (const p of batch) {
      for (const payload of p.payloads) {
        if (
          this.#active.size + frames.bytes >= this.#settings.segmentBytes &&
          this.#active.entries + entries > 0
        ) {
          await this.#writeFrames(frames, entries);
          entries = 0;
          await this.#sync();
          await this.#roll();
          dirDirty = true;
        }
        frames.add(payload);
        entries++;
      }
    }
    await this.#writeFrames(frames, entries);
    await this.#sync();
    if (dirDirty) {
      await fsyncDir(this.#dir);
      this.#stats.dirFsyncs++;
    }
  }

  async #writeFrames(frames: FrameBatch, entries: number): Promise<void> {
    if (entries === 0) return;
    const active = this.#active;
    await writeAll(active.handle, active.file, frames.buffers(), active.size, this.#settings.writeMode);
    active.size += frames.bytes;
    active.entries += entries;
    frames.clear();
  }

  async #sync(): Promise<void> {
    const active = this.#active;
    if (active.durableSize === active.size) return;
    const started = process.hrtime.bigint();
    try {
      await active.handle.datasync();
    } catch (cause) {
      throw ioError('fdatasync', active.file, cause, active.durableSize);
    }
    this.#settings.onFsync?.(Number(process.hrtime.bigint() - started) / 1e9);
    this.#stats.fsyncs++;
    this.#stats.entries += active.entries - active.durableEntries;
    this.#stats.bytes += active.size - active.durableSize;
    active.durableSize = active.size;
    active.durableEntries = active.entries;
  }

  // Seals the (fsync'd) active segment and starts the next one.
  async #roll(): Promise<void> {
    const old = this.#active;
    const firstPosition = old.firstPosition + BigInt(old.entries);
    const handle = await createSegment(this.#dir, firstPosition);
    this.#sealed.push({
      file: old.file,
      firstPosition: old.firstPosition,
      entries: old.entries,
      size: old.size,
    });
    this.#active = {
      file: join(this.#dir, segmentFileName(firstPosition)),
      firstPosition,
      handle,
      size: SEGMENT_HEADER_BYTES,
      entries: 0,
      // The header is not fsync'd yet, but a frame is always added right after a roll, so the next `#sync`
      // covers it before anything in this segment is acked or replayed.
      durableSize: SEGMENT_HEADER_BYTES,
      durableEntries: 0,
    };
    await old.handle.close().catch(() => undefined);
  }

  #poisonWith(error: unknown, batch: readonly PendingAppend[]): void {
    this.#poison =
      error instanceof WalError
        ? error
        : ioError('group commit', this.#active.file, error, this.#active.durableSize);
    const waiting = [...batch, ...this.#pending];
    this.#pending = [];
    this.#pendingQueueBytes = 0;
    for (const p of waiting) p.reject(this.#poison);
  }

  replay(from: bigint): AsyncIterable<WalEntry> {
    const active = this.#active;
    const segments: RecoveredSegment[] = [
      ...this.#sealed,
      {
        file: active.file,
        firstPosition: active.firstPosition,
        entries: active.durableEntries,
        size: active.durableSize,
      },
    ];
    return replaySegments(
      segments,
      from,
      (segment) => segment.firstPosition + BigInt(segment.entries) <= this.#trimmedBelow,
    );
  }

  trimmable(upTo: bigint): number {
    let n = 0;
    for (const s of this.#sealed) {
      if (s.firstPosition + BigInt(s.entries) > upTo) break;
      n++;
    }
    return n;
  }

  async trim(upTo: bigint): Promise<void> {
    const durable = this.#active.firstPosition + BigInt(this.#active.durableEntries);
    if (upTo > durable)
      throw new RangeError(
        `WAL trim to position ${upTo} refused: only positions below ${durable} are durable, so nothing past it can be published`,
      );
    if (upTo > this.#trimmedBelow) this.#trimmedBelow = upTo;
    let deleted = 0;
    while (this.#sealed.length > 0) {
      const oldest = this.#sealed[0]!;
      if (oldest.firstPosition + BigInt(oldest.entries) > upTo) break;
      try {
        await unlink(oldest.file);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT')
          throw ioError('segment delete', oldest.file, cause);
      }
      // Another trim may have removed it while we awaited.
      if (this.#sealed[0] === oldest) this.#sealed.shift();
      deleted++;
    }
    if (deleted > 0) {
      await fsyncDir(this.#dir);
      this.#stats.dirFsyncs++;
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#closeNow();
    return this.#closing;
  }

  async #closeNow(): Promise<void> {
    this.#clearTimer();
    for (;;) {
      if (!this.#flushing) this.#startFlush();
      const flushing = this.#flushing;
      if (!flushing) break;
      await flushing;
    }
    await this.#active.handle.close().catch(() => undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

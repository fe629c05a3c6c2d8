import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IngestError } from '../base/errors.js';
import { PRIVATE_DIR_MODE } from '../base/file-modes.js';
import { readOptionalFile } from '../base/read-optional-file.js';
import { writeFileAtomic } from '../base/write-file-atomic.js';
import type { WalRecord, WalRecordHead } from './wal-entry.js';

/** The temp file `save` writes and renames over `file`; a crash in between leaves it (see `removeNodeTempFiles`). */
export function stateTempFile(file: string): string {
  return `${file}.tmp`;
}

/** What the node remembers of one persistent stream. */
export interface PersistentStreamState {
  readonly streamId: string;
  readonly table: string;
  /**
   * The principal that created the stream: only it may resume or retire it. `undefined` for streams created
   * before the node recorded it (anyone with MODIFY on the table may, as then).
   */
  readonly principalId: string | undefined;
  /** Highest offset made durable, or `undefined` before the first. */
  lastDurable: bigint | undefined;
  retired: boolean;
  /**
   * The lease epoch this node took the stream at (`handoff/lease-store.ts`); `undefined` for a stream created
   * before leases existed (it holds epoch 0 once the handoff writes it).
   */
  epoch: number | undefined;
  /** Whether this node holds the stream: false once it released it (another node may take it). */
  held: boolean;
  /** WAL position of the stream's last records entry in this node's log (not saved: the WAL restores it). */
  lastPosition: bigint | undefined;
}

interface StateFile {
  version: 1;
  streams: {
    streamId: string;
    table: string;
    /** Absent in files written before the creating principal was recorded. */
    principalId?: string | null;
    lastDurable: string | null;
    retired: boolean;
    /** Absent in files written before leases: epoch `undefined`, held. */
    epoch?: number | null;
    held?: boolean;
  }[];
}

/**
 * Throws `IngestError('PERMISSION_DENIED')` unless principal `principalId` may `action` persistent stream
 * `st`: the principal that created it may, and anyone (with MODIFY on its table) may for a stream created
 * before the node recorded its creator. So a stream id that leaks does not let another producer take the
 * stream over, or end it.
 */
export function assertStreamOwner(
  st: Pick<PersistentStreamState, 'streamId' | 'table' | 'principalId'>,
  principalId: string,
  action: 'resume' | 'retire',
): void {
  if (st.principalId === undefined || st.principalId === principalId) return;
  throw new IngestError(
    'PERMISSION_DENIED',
    `persistent stream ${st.streamId} (table ${st.table}) belongs to another principal: only the principal that created it may ${action} it, not '${principalId}'; ${action} it with that principal's credential, or create a new stream`,
  );
}

/**
 * Persistent streams of this node. Which node holds a stream is decided by the lease objects next to its
 * table (`handoff/`); what this node knows of the streams it holds or held is its own. The truth is the WAL (acquisition, records, retirement are logged); the
 * state file `<dataDir>/streams.json` holds what trimmed WAL segments carried, and is rewritten (atomically,
 * fsync'd) before every trim. At start: load the file, then apply every WAL entry still in the log.
 */
export class PersistentStreams {
  private readonly streams = new Map<string, PersistentStreamState>();

  private constructor(private readonly file: string) {}

  /** Loads the state file (absent → empty). */
  static async load(file: string): Promise<PersistentStreams> {
    const s = new PersistentStreams(file);
    const text = await readOptionalFile(file);
    if (text !== undefined) {
      const parsed = JSON.parse(text) as StateFile;
      for (const st of parsed.streams) {
        s.streams.set(st.streamId, {
          streamId: st.streamId,
          table: st.table,
          principalId: st.principalId ?? undefined,
          lastDurable: st.lastDurable === null ? undefined : BigInt(st.lastDurable),
          retired: st.retired,
          epoch: st.epoch ?? undefined,
          held: st.held ?? true,
          lastPosition: undefined,
        });
      }
    }
    return s;
  }

  /** A fresh stream id (not yet durable: log a `stream-acquired` entry at epoch 1 and `apply` it). */
  static newId(): string {
    return `ps-${randomUUID()}`;
  }

  /**
   * Applies one logged entry, or its head, found at WAL `position` (idempotent: replaying an entry twice
   * changes nothing). A `stream-acquired` entry starts the stream's state afresh from the offset it was
   * released at (another node may have written it since this one last held it).
   */
  apply(entry: WalRecord | WalRecordHead, position?: bigint): void {
    if (entry.kind === 'stream-created') {
      if (!this.streams.has(entry.streamId)) {
        this.streams.set(entry.streamId, {
          streamId: entry.streamId,
          table: entry.table,
          principalId: entry.principalId,
          lastDurable: undefined,
          retired: false,
          epoch: undefined,
          held: true,
          lastPosition: undefined,
        });
      }
    } else if (entry.kind === 'stream-acquired') {
      const known = this.streams.get(entry.streamId);
      if (known?.epoch !== undefined && known.epoch >= entry.epoch) return;
      this.streams.set(entry.streamId, {
        streamId: entry.streamId,
        table: entry.table,
        principalId: entry.principalId,
        lastDurable: entry.from,
        retired: false,
        epoch: entry.epoch,
        held: true,
        lastPosition: known?.lastPosition,
      });
    } else if (entry.kind === 'stream-retired') {
      const st = this.streams.get(entry.streamId);
      if (st !== undefined) st.retired = true;
    } else if (entry.persistent) {
      const st = this.streams.get(entry.streamId);
      if (st === undefined) return;
      if (st.lastDurable === undefined || entry.offset > st.lastDurable) st.lastDurable = entry.offset;
      if (position !== undefined && (st.lastPosition === undefined || position > st.lastPosition)) {
        st.lastPosition = position;
      }
    }
  }

  /** Marks stream `streamId` released by this node at `epoch` (a later acquisition is left alone). */
  release(streamId: string, epoch: number | undefined): void {
    const st = this.streams.get(streamId);
    if (st !== undefined && st.epoch === epoch) st.held = false;
  }

  /** Every stream this node holds (not released, not retired): the handoff releases those with no connection. */
  held(): PersistentStreamState[] {
    return [...this.streams.values()].filter((s) => s.held && !s.retired);
  }

  /** The stream, or `undefined` if this node never created it. */
  get(streamId: string): PersistentStreamState | undefined {
    return this.streams.get(streamId);
  }

  /** How many streams are known (retired included). */
  get size(): number {
    return this.streams.size;
  }

  /** Writes the state file (temp file, fsync, rename, fsync of the directory). */
  async save(): Promise<void> {
    const body: StateFile = {
      version: 1,
      streams: [...this.streams.values()].map((s) => ({
        streamId: s.streamId,
        table: s.table,
        principalId: s.principalId ?? null,
        lastDurable: s.lastDurable === undefined ? null : s.lastDurable.toString(),
        retired: s.retired,
        epoch: s.epoch ?? null,
        held: s.held,
      })),
    };
    await mkdir(dirname(this.file), { recursive: true, mode: PRIVATE_DIR_MODE });
    await writeFileAtomic(this.file, JSON.stringify(body), { temp: stateTempFile(this.file) });
  }
}

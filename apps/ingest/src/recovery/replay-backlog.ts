import { setTimeout as sleep } from 'node:timers/promises';
import { ByteBudget } from '../admission/byte-budget.js';
import { heldBytes } from '../admission/held-bytes.js';
import { IngestError } from '../base/errors.js';
import type { Log } from '../base/log.js';
import type { CatalogSource, ProvisionedTable } from '../catalog/catalog-view.js';
import type { DescriptorStore } from '../decode/descriptor-store.js';
import {
  createRecordDecoder,
  type DecodedRecords,
  type RecordDecoder,
  unleased,
} from '../decode/record-decoder.js';
import { decodeArrowRequest } from '../flight/arrow-ipc.js';
import {
  decodeWalRecord,
  decodeWalRecordHead,
  type WalRecord,
  type WalRecordHead,
} from '../pipeline/wal-entry.js';
import type { PublisherSet } from '../publish/publisher-set.js';
import type { Wal, WalEntry } from '../wal/wal.js';
import type { HeldEntries } from './held-entries.js';
import type { WalBacklog } from './restore-streams.js';

type RecordsHead = WalRecordHead & { kind: 'records' };

/** What the replay did, for the log, metrics and tests. */
export interface ReplayReport {
  /** Entries handed on so far (all of the backlog once `done`). */
  readonly entries: number;
  /** Entries whose records were decoded again and given to their table's publisher. */
  readonly republished: number;
  /** Entries whose table holds them already (published just before the crash). */
  readonly alreadyPublished: number;
  /** Entries held for an operator: their table is gone, or they no longer decode (see `HeldEntries`). */
  readonly held: number;
  /** Whether every entry of the backlog is in its table now (or held, or was found published). */
  readonly done: boolean;
  /** Why the replay is stuck, while it retries (a WAL read error, a held-file write error). */
  readonly failing: string | undefined;
  /** The backlog's remaining entries. */
  readonly remaining: number;
}

/** The replay of the WAL backlog, running while the node serves. */
export interface BacklogReplay extends AsyncDisposable {
  /** Resolves with the report once every entry of the backlog is in its table, or held (never rejects; a
   * `close` before that resolves it with `done: false`). */
  readonly done: Promise<ReplayReport>;
  /** The report so far. */
  report(): ReplayReport;
  /** Stops replaying (at shutdown): what was not handed on stays in the WAL for the next start. */
  close(): Promise<void>;
}

/** Parts the replay works with. */
export interface BacklogReplayOptions {
  readonly wal: Wal;
  /** The range to replay (from `restoreStreams`). */
  readonly backlog: WalBacklog;
  readonly descriptors: DescriptorStore;
  readonly publishers: PublisherSet;
  readonly held: HeldEntries;
  readonly catalog: CatalogSource;
  /**
   * Every entry below this position was published (or decided on) before the node stopped: the last trim
   * point saved (`PublishedMark`). The WAL deletes whole segments only, so the backlog may start below it.
   */
  readonly publishedBelow: bigint;
  /** Decoded bytes the replay may hold unpublished (its own budget, beside the streams'). */
  readonly memoryBytes: number;
  readonly log: Log;
}

/**
 * Recovery's second step, in the background: replays the backlog in WAL order and hands every entry on —
 * records decoded again (with the descriptor kept by hash) to their table's publisher; entries a table holds
 * already (at or below this node's `txn.version` in it) skipped; entries that can no longer be published
 * (table gone, no longer decodes, descriptor lost) held for an operator (`HeldEntries`, written before the
 * position is resolved) — and only then resolves its WAL position, which is what lets the frontier, and so
 * the WAL trim, pass it. Live appends are published meanwhile but, being later in the WAL, only after the
 * backlog before them. Memory is bounded by `memoryBytes`: when full, the replay asks the publishers to
 * publish now and waits for them. Errors (a WAL read, a held-file write) are logged and retried with
 * backoff from where the replay stood; the node reports itself degraded meanwhile.
 */
export function startBacklogReplay(options: BacklogReplayOptions): BacklogReplay {
  const { wal, backlog, publishers, held, log } = options;
  const budget = new ByteBudget(options.memoryBytes);
  const decoders = new Map<string, RecordDecoder>();
  const stop = new AbortController();
  let cursor = backlog.from;
  let failing: string | undefined;
  let published = false;
  const counts = { entries: 0, republished: 0, alreadyPublished: 0, held: 0 };

  const report = (): ReplayReport => ({
    ...counts,
    done: published,
    failing,
    remaining: backlog.entries - counts.entries,
  });

  const hold = async (e: WalEntry, head: WalRecordHead | undefined, reason: string) => {
    let records = 0;
    try {
      const rec = decodeWalRecord(e.payload);
      if (rec.kind === 'records') records = rec.records.length;
    } catch {
      // Unreadable: 0 records known.
    }
    await held.add({
      position: e.position,
      table: head?.kind === 'records' ? head.table : '(unknown)',
      streamId: head?.streamId ?? '(unknown)',
      offset: head?.kind === 'records' ? head.offset : -1n,
      format: head?.kind === 'records' ? head.format : 'unknown',
      records,
      reason,
      heldAt: Date.now(),
    });
    counts.held++;
    log.error(
      { position: e.position.toString(), table: head?.kind === 'records' ? head.table : undefined, reason },
      'an acked WAL entry cannot be published: held in the WAL until an operator decides (lakestream-ingest held --help)',
    );
  };

  const decoderFor = async (table: ProvisionedTable, head: RecordsHead) => {
    const hashHex = Buffer.from(head.descriptorHash).toString('hex');
    const key = `${table.name}|${head.format}|${hashHex}`;
    let decoder = decoders.get(key);
    if (decoder === undefined) {
      const format = head.format === 'proto' ? 'proto' : 'json';
      const descriptor = format === 'proto' ? await options.descriptors.get(head.descriptorHash) : undefined;
      // No size limit on replay: these records were acked under the limit of their day, which may have been higher.
      decoder = createRecordDecoder(table, format, descriptor, { maxRecordBytes: Number.MAX_SAFE_INTEGER });
      decoders.set(key, decoder);
    }
    return decoder;
  };

  const decode = async (table: ProvisionedTable, rec: WalRecord & { kind: 'records' }, head: RecordsHead) => {
    if (rec.format === 'arrow')
      return unleased(decodeArrowRequest(table, rec.records[0] ?? new Uint8Array(0), rec.offset));
    return (await decoderFor(table, head)).keep(rec.records, rec.offset);
  };

  /** Hands one entry on; its position may be resolved once this returns. */
  const handOn = async (e: WalEntry): Promise<void> => {
    let head: WalRecordHead;
    try {
      head = decodeWalRecordHead(e.payload);
    } catch (err) {
      await hold(e, undefined, `the entry cannot be read: ${(err as Error).message}`);
      return;
    }
    if (head.kind !== 'records') return;
    if (held.has(e.position)) {
      counts.held++;
      return;
    }
    // Discarded or quarantined by an operator, not yet trimmed away: never held or published again.
    if (held.decided(e.position) !== undefined) return;
    // Below the last saved trim point: published before the crash (the WAL deletes whole segments only).
    if (e.position < options.publishedBelow) {
      counts.alreadyPublished++;
      return;
    }
    let rec: WalRecord;
    try {
      rec = decodeWalRecord(e.payload);
    } catch (err) {
      await hold(e, head, `the entry cannot be read: ${(err as Error).message}`);
      return;
    }
    if (rec.kind !== 'records') return;
    const table = options.catalog.current().table(head.table);
    if (table === undefined) {
      await hold(e, head, `table ${head.table} is not provisioned on this node any more`);
      return;
    }
    const publisher = publishers.publisher(table);
    let through = await publisher.publishedThrough();
    if (through !== undefined && e.position <= through) {
      counts.alreadyPublished++;
      return;
    }
    let decoded: DecodedRecords;
    try {
      decoded = await decode(table, rec, head);
    } catch (err) {
      // Anything else (a descriptor that cannot be read now, memory) is retried by `run`, from this entry.
      const reason = permanentFailure(err, table.name);
      if (reason === undefined) throw err;
      // Held only once the table says it does not hold the entry (a held entry must never be in the table).
      for (let wait = 1000; through === undefined; wait = Math.min(30_000, wait * 2)) {
        failing = `table ${table.name} cannot be read to check WAL position ${e.position}: ${publisher.stats().failing?.error ?? 'see the log'}`;
        await sleep(wait, undefined, { signal: stop.signal });
        through = await publisher.publishedThrough();
      }
      failing = undefined;
      if (e.position <= through) {
        counts.alreadyPublished++;
        return;
      }
      await hold(e, head, reason);
      return;
    }
    const bytes = heldBytes(decoded.batch);
    if (budget.used + bytes > budget.capacity) publishers.publishSoon();
    try {
      await budget.acquire(bytes, stop.signal);
    } catch (err) {
      decoded.release();
      throw err;
    }
    publisher.add({
      position: e.position,
      batch: decoded.batch,
      bytes,
      ackedAt: undefined,
      release: () => {
        decoded.release();
        budget.release(bytes);
      },
    });
    counts.republished++;
  };

  const run = async (): Promise<ReplayReport> => {
    let backoff = 1000;
    while (cursor < backlog.to && !stop.signal.aborted) {
      try {
        for await (const e of wal.replay(cursor)) {
          if (e.position >= backlog.to || stop.signal.aborted) break;
          await handOn(e);
          counts.entries++;
          cursor = e.position + 1n;
          publishers.resolved([e.position]);
        }
        if (cursor < backlog.to && !stop.signal.aborted)
          throw new Error(`WAL positions ${cursor} to ${backlog.to - 1n} were not found in the WAL`);
        failing = undefined;
      } catch (err) {
        if (stop.signal.aborted) break;
        failing = err instanceof Error ? err.message : String(err);
        log.error({ err, position: cursor.toString() }, 'WAL replay failed; retrying');
        await sleep(backoff, undefined, { signal: stop.signal }).catch(() => undefined);
        backoff = Math.min(30_000, backoff * 2);
      }
    }
    // Then until the last of it is in its table (publishing retries by itself; this only watches).
    publishers.publishSoon();
    while (!stop.signal.aborted) {
      const low = publishers.lowestPending();
      if (low === undefined || low >= backlog.to) {
        published = true;
        break;
      }
      await sleep(50, undefined, { signal: stop.signal }).catch(() => undefined);
    }
    return report();
  };

  const done = run();
  void done.then((r) => {
    if (r.done) log.info({ ...r, from: backlog.from.toString() }, 'recovery done');
  });
  return {
    done,
    report,
    async close() {
      stop.abort();
      await done;
    },
    async [Symbol.asyncDispose]() {
      await this.close();
    },
  };
}

/**
 * Why an entry's records can never be published to `table`, or `undefined` when the failure may pass (it is
 * then retried): they no longer fit the table (the decoders' `IngestError`), or the descriptor they were
 * written with is gone from `descriptors/`.
 */
function permanentFailure(err: unknown, table: string): string | undefined {
  if (err instanceof IngestError) return `its records no longer fit table ${table}: ${err.message}`;
  if ((err as NodeJS.ErrnoException).code === 'ENOENT')
    return `the descriptor its records were written with is missing from descriptors/: ${(err as Error).message}`;
  return undefined;
}

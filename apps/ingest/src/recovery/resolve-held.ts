import type { ParquetPool } from '@lakestream/delta';
import { IngestError } from '../base/errors.js';
import type { Log } from '../base/log.js';
import type { PublisherSet } from '../publish/publisher-set.js';
import type { WriterIdentity } from '../publish/txn-app-id.js';
import type { Wal } from '../wal/wal.js';
import type { HeldAction, HeldEntries, HeldEntry } from './held-entries.js';
import { publishToQuarantine } from './quarantine-table.js';

export type { HeldAction } from './held-entries.js';

/** Which held entries a decision is about: these WAL positions, every one of a table, or all of them. */
export type HeldSelection =
  | { readonly positions: readonly bigint[] }
  | { readonly table: string }
  | { readonly all: true };

/** What a decision did. */
export interface HeldDecision {
  readonly action: HeldAction;
  readonly resolved: readonly HeldEntry[];
  /** Rows written to the quarantine table (0 for `discard`). */
  readonly quarantinedRecords: number;
}

/** What `resolveHeld` works with. */
export interface HeldResolver {
  readonly wal: Wal;
  readonly held: HeldEntries;
  readonly publishers: PublisherSet;
  readonly pool: ParquetPool;
  /** Who commits the quarantine rows (their `txn.appId`). */
  readonly writer: WriterIdentity;
  /** Where the quarantine Delta table lives. */
  readonly quarantineLocation: string;
  readonly log: Log;
}

/**
 * Carries out an operator's decision on held entries (`lakestream-ingest held discard|quarantine`): for
 * `quarantine`, their logged bytes are read back from the WAL and committed to the quarantine table first
 * (`publishToQuarantine`, idempotent); then they leave the held list (durably) and the WAL is trimmed as far
 * as the invariant allows. A crash in between leaves them held: deciding again is safe. Throws
 * `IngestError` `INVALID_ARGUMENT` for an empty selection, `NOT_FOUND` naming positions that are not held.
 */
export async function resolveHeld(
  parts: HeldResolver,
  selection: HeldSelection,
  action: HeldAction,
): Promise<HeldDecision> {
  const chosen = select(parts.held, selection);
  let quarantinedRecords = 0;
  if (action === 'quarantine') {
    // In chunks of bounded size, each decided once it is in the quarantine table: memory stays bounded
    // however many entries are held, and a crash part-way leaves only the rest held.
    for await (const chunk of readPayloads(parts.wal, chosen, QUARANTINE_CHUNK_BYTES)) {
      quarantinedRecords += await publishToQuarantine(
        parts.quarantineLocation,
        parts.pool,
        parts.writer,
        chunk,
      );
      await parts.held.decide(
        chunk.map((c) => c.held.position),
        action,
      );
    }
  } else {
    await parts.held.decide(
      chosen.map((h) => h.position),
      action,
    );
  }
  parts.log.warn(
    {
      action,
      positions: chosen.map((h) => h.position.toString()),
      tables: [...new Set(chosen.map((h) => h.table))],
      quarantinedRecords,
      ...(action === 'quarantine' ? { quarantineTable: parts.quarantineLocation } : {}),
    },
    action === 'discard'
      ? 'held WAL entries discarded by an operator'
      : 'held WAL entries published to the quarantine table by an operator',
  );
  await parts.publishers.trimNow();
  return { action, resolved: chosen, quarantinedRecords };
}

function select(held: HeldEntries, selection: HeldSelection): HeldEntry[] {
  const all = held.list();
  if ('all' in selection) {
    if (all.length === 0) throw new IngestError('NOT_FOUND', 'no WAL entry is held on this node');
    return all;
  }
  if ('table' in selection) {
    const name = selection.table.trim().toLowerCase();
    const chosen = all.filter((h) => h.table === name);
    if (chosen.length === 0)
      throw new IngestError('NOT_FOUND', `no WAL entry of table ${name} is held on this node`);
    return chosen;
  }
  if (selection.positions.length === 0)
    throw new IngestError('INVALID_ARGUMENT', 'name the held entries: positions, a table, or all');
  const missing = selection.positions.filter((p) => !held.has(p));
  if (missing.length > 0)
    throw new IngestError(
      'NOT_FOUND',
      `WAL position${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not held on this node (list them with \`lakestream-ingest held list\`)`,
    );
  const wanted = new Set(selection.positions);
  return all.filter((h) => wanted.has(h.position));
}

/**
 * The logged bytes of `entries`, read back from the WAL in one pass, in chunks of about `chunkBytes` (at
 * least one entry each). Throws `IngestError('INTERNAL')` naming entries the WAL no longer holds.
 */
async function* readPayloads(
  wal: Wal,
  entries: readonly HeldEntry[],
  chunkBytes: number,
): AsyncGenerator<{ held: HeldEntry; payload: Uint8Array }[]> {
  const wanted = new Map(entries.map((e) => [e.position, e]));
  // `entries` come from `HeldEntries.list()`: in position order.
  const last = entries.at(-1)?.position ?? -1n;
  let chunk: { held: HeldEntry; payload: Uint8Array }[] = [];
  let bytes = 0;
  let found = 0;
  for await (const e of wal.replay(entries[0]?.position ?? 0n)) {
    const held = wanted.get(e.position);
    if (held !== undefined) {
      chunk.push({ held, payload: e.payload.slice() });
      bytes += e.payload.length;
      found++;
      if (bytes >= chunkBytes) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
    }
    if (e.position >= last) break;
  }
  if (chunk.length > 0) yield chunk;
  if (found < wanted.size)
    throw new IngestError(
      'INTERNAL',
      `${wanted.size - found} of the held WAL entries chosen are no longer in the WAL (the ones not yet decided are still listed by \`lakestream-ingest held list\`)`,
    );
}

/** Payload bytes read back from the WAL and committed to the quarantine table at a time. */
const QUARANTINE_CHUNK_BYTES = 64 * 1024 * 1024;

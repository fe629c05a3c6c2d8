import type { ParquetPool } from '@lakestream/delta';
import { IngestError } from '../errors.js';
import type { Log } from '../grpc/log.js';
import type { PublisherSet } from '../publish/publisher-set.js';
import type { Wal } from '../wal/wal.js';
import type { HeldEntries, HeldEntry } from './held-entries.js';
import { publishToQuarantine } from './quarantine-table.js';

/** What an operator decides for held entries: drop them, or keep their records in the quarantine table. */
export type HeldAction = 'discard' | 'quarantine';

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
  readonly nodeId: string;
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
    const payloads = await readPayloads(parts.wal, chosen);
    quarantinedRecords = await publishToQuarantine(
      parts.quarantineLocation,
      parts.pool,
      parts.nodeId,
      chosen.map((held) => ({ held, payload: payloads.get(held.position)! })),
    );
  }
  await parts.held.decide(
    chosen.map((h) => h.position),
    action,
  );
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

/** The logged bytes of `entries`, read back from the WAL in one pass. */
async function readPayloads(wal: Wal, entries: readonly HeldEntry[]): Promise<Map<bigint, Uint8Array>> {
  const wanted = new Set(entries.map((e) => e.position));
  const found = new Map<bigint, Uint8Array>();
  // `entries` come from `HeldEntries.list()`: in position order.
  const last = entries.at(-1)?.position ?? -1n;
  for await (const e of wal.replay(entries[0]?.position ?? 0n)) {
    if (wanted.has(e.position)) found.set(e.position, e.payload.slice());
    if (e.position >= last) break;
  }
  const lost = [...wanted].filter((p) => !found.has(p));
  if (lost.length > 0)
    throw new IngestError('INTERNAL', `held WAL positions ${lost.join(', ')} are no longer in the WAL`);
  return found;
}

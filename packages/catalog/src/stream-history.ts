import { and, desc, eq, inArray, lt, notInArray, type SQL } from 'drizzle-orm';
import type { CatalogDb, CatalogTables } from './db/catalog-db.js';

/** Retention of the stream history when none is configured: 7 days. */
export const DEFAULT_STREAM_HISTORY_DAYS = 7;

/** Status codes that are not a failure: a clean end, and a client that cancelled its own call. */
const NOT_FAILED = ['OK', 'CANCELLED'];

/** One ended stream as a node reported it (admin `ListEndedStreams`). */
export interface EndedStreamInput {
  readonly seq: number;
  readonly streamId: string;
  readonly kind: string;
  readonly table: string;
  readonly principalId: string;
  readonly credentialId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly records: number;
  readonly bytes: number;
  readonly ackedOffset: string;
  readonly status: string;
  readonly message: string;
}

/** One row of the stream history. */
export interface EndedStreamEntry extends Omit<EndedStreamInput, 'seq'> {
  readonly id: number;
  /** The node's admin address. */
  readonly node: string;
  /** Whether it ended with an error status (anything but `OK` and `CANCELLED`). */
  readonly failed: boolean;
}

/** Which ended streams `listStreamHistory` returns. */
export interface StreamHistoryFilter {
  /** Only this table (any case). */
  readonly table?: string | undefined;
  /** `failed`: an error status; `ok`: OK or cancelled by the client; default both. */
  readonly outcome?: 'failed' | 'ok' | undefined;
  readonly principalId?: string | undefined;
  readonly credentialId?: string | undefined;
  /** Rows older than this id (to page). */
  readonly beforeId?: number | undefined;
  /** Default 100. */
  readonly limit?: number | undefined;
}

/**
 * Stores the ended streams `node` (started at `nodeStartedAt`) reported; a stream stored before (same node,
 * start and seq) is skipped, so reading a node's ring again from its start is harmless. Returns the ones
 * that were new.
 */
export function recordEndedStreams<T extends EndedStreamInput>(
  db: CatalogDb,
  node: string,
  nodeStartedAt: number,
  streams: readonly T[],
): Promise<T[]> {
  if (streams.length === 0) return Promise.resolve([]);
  return db.transaction(async (tx) => {
    const { StreamHistory } = tx.tables;
    const added: T[] = [];
    for (const s of streams) {
      const inserted = await tx.orm
        .insert(StreamHistory)
        .values({
          node,
          nodeStartedAt,
          seq: s.seq,
          streamId: s.streamId,
          kind: s.kind,
          tableName: s.table,
          principalId: s.principalId,
          credentialId: s.credentialId,
          startedAt: s.startedAt,
          endedAt: s.endedAt,
          records: s.records,
          bytes: s.bytes,
          ackedOffset: s.ackedOffset,
          status: s.status,
          message: s.message,
        })
        .onConflictDoNothing()
        .returning({ id: StreamHistory.id });
      if (inserted.length > 0) added.push(s);
    }
    return added;
  });
}

/** The highest seq stored of `node` started at `nodeStartedAt` (0 when none): where to read on from. */
export function lastStoredSeq(db: CatalogDb, node: string, nodeStartedAt: number): Promise<number> {
  return db.run(async ({ orm, tables: { StreamHistory } }) => {
    const [row] = await orm
      .select({ seq: StreamHistory.seq })
      .from(StreamHistory)
      .where(and(eq(StreamHistory.node, node), eq(StreamHistory.nodeStartedAt, nodeStartedAt)))
      .orderBy(desc(StreamHistory.seq))
      .limit(1);
    return row?.seq ?? 0;
  });
}

/** The stream history, newest end first, filtered (see `StreamHistoryFilter`). */
export function listStreamHistory(
  db: CatalogDb,
  filter: StreamHistoryFilter = {},
): Promise<EndedStreamEntry[]> {
  return db.run(async ({ orm, tables: { StreamHistory } }) => {
    const conditions: SQL[] = [];
    const table = filter.table?.trim().toLowerCase();
    if (table) conditions.push(eq(StreamHistory.tableName, table));
    if (filter.outcome === 'failed') conditions.push(notInArray(StreamHistory.status, NOT_FAILED));
    if (filter.outcome === 'ok') conditions.push(inArray(StreamHistory.status, NOT_FAILED));
    if (filter.principalId !== undefined) conditions.push(eq(StreamHistory.principalId, filter.principalId));
    if (filter.credentialId !== undefined) {
      conditions.push(eq(StreamHistory.credentialId, filter.credentialId));
    }
    if (filter.beforeId !== undefined) conditions.push(lt(StreamHistory.id, filter.beforeId));
    const rows = await orm
      .select()
      .from(StreamHistory)
      .where(and(...conditions))
      .orderBy(desc(StreamHistory.endedAt), desc(StreamHistory.id))
      .limit(filter.limit ?? 100);
    return rows.map(toEntry);
  });
}

/** The last failed stream of each of `credentialIds` (absent: none failed within the retention). */
export function lastStreamErrors(
  db: CatalogDb,
  credentialIds: readonly string[],
): Promise<Map<string, EndedStreamEntry>> {
  return db.run(async ({ orm, tables: { StreamHistory } }) => {
    const out = new Map<string, EndedStreamEntry>();
    for (const id of new Set(credentialIds)) {
      const [row] = await orm
        .select()
        .from(StreamHistory)
        .where(and(eq(StreamHistory.credentialId, id), notInArray(StreamHistory.status, NOT_FAILED)))
        .orderBy(desc(StreamHistory.endedAt))
        .limit(1);
      if (row !== undefined) out.set(id, toEntry(row));
    }
    return out;
  });
}

/** Deletes the streams that ended before `before` (ms since the epoch); returns how many. */
export function pruneStreamHistory(db: CatalogDb, before: number): Promise<number> {
  return db.run(async ({ orm, tables: { StreamHistory } }) => {
    const deleted = await orm
      .delete(StreamHistory)
      .where(lt(StreamHistory.endedAt, before))
      .returning({ id: StreamHistory.id });
    return deleted.length;
  });
}

function toEntry(row: CatalogTables['StreamHistory']['$inferSelect']): EndedStreamEntry {
  return {
    id: row.id,
    node: row.node,
    streamId: row.streamId,
    kind: row.kind,
    table: row.tableName,
    principalId: row.principalId,
    credentialId: row.credentialId,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    records: row.records,
    bytes: row.bytes,
    ackedOffset: row.ackedOffset,
    status: row.status,
    message: row.message,
    failed: !NOT_FAILED.includes(row.status),
  };
}

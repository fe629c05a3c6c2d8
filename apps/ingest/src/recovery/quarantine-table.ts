import {
  createTable,
  type DeltaSchema,
  isDeltaError,
  openTable,
  type ParquetPool,
  type Table,
} from '@lakestream/delta';
import {
  Table as ArrowTable,
  Binary,
  Bool,
  Int32,
  Int64,
  type RecordBatch,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { decodeWalRecord } from '../pipeline/wal-entry.js';
import { quarantineAppId, type WriterIdentity } from '../publish/txn-app-id.js';
import type { HeldEntry } from './held-entries.js';

/**
 * The quarantine table's columns: one row per record of a held entry, its raw bytes as they were acked (JSON
 * text, protobuf bytes, or the Arrow IPC stream of a Flight request), and where it came from and why.
 */
const QUARANTINE_SCHEMA: DeltaSchema = {
  type: 'struct',
  fields: (
    [
      ['source_table', 'string', false],
      ['wal_position', 'long', false],
      ['stream_id', 'string', true],
      ['persistent', 'boolean', true],
      ['stream_offset', 'long', true],
      ['record_index', 'integer', true],
      ['format', 'string', true],
      ['record', 'binary', true],
      ['reason', 'string', true],
      ['held_at', 'timestamp', true],
      ['quarantined_at', 'timestamp', true],
    ] as const
  ).map(([name, type, nullable]) => ({ name, type, nullable, metadata: {} })),
};

/**
 * Publishes held entries into the quarantine Delta table at `location` (created on first use), one commit per
 * entry with `txn = {appId: quarantineAppId(writer, position), version: position}` (`<nodeId>:<incarnation>:
 * quarantine:<position>`), so running it again after a crash adds nothing twice. An entry whose bytes cannot be split into records lands as one row holding them
 * all. Returns the rows written. Throws `DeltaError` when the table cannot be written.
 */
export async function publishToQuarantine(
  location: string,
  pool: ParquetPool,
  writer: WriterIdentity,
  entries: readonly { held: HeldEntry; payload: Uint8Array }[],
): Promise<number> {
  if (entries.length === 0) return 0;
  const table = await openOrCreate(location, pool);
  try {
    let rows = 0;
    for (const { held, payload } of entries) {
      const batch = quarantineRows(held, payload);
      await table.append([batch], {
        txn: { appId: quarantineAppId(writer, held.position), version: held.position },
        operation: 'QUARANTINE',
      });
      rows += batch.numRows;
    }
    return rows;
  } finally {
    await table.close();
  }
}

async function openOrCreate(location: string, pool: ParquetPool): Promise<Table> {
  try {
    return await openTable(location, { pool });
  } catch (err) {
    if (!isDeltaError(err) || err.code !== 'TABLE_NOT_FOUND') throw err;
  }
  try {
    return await createTable(location, {
      pool,
      schema: QUARANTINE_SCHEMA,
      name: 'lakestream quarantine',
      description:
        'Acked records an ingest node could not publish to their table, kept by an operator decision',
    });
  } catch (err) {
    if (isDeltaError(err) && err.code === 'TABLE_EXISTS') return openTable(location, { pool });
    throw err;
  }
}

/** The rows of one held entry. */
function quarantineRows(held: HeldEntry, payload: Uint8Array): RecordBatch {
  let records: readonly Uint8Array[] = [payload];
  let persistent: boolean | null = null;
  try {
    const rec = decodeWalRecord(payload);
    if (rec.kind === 'records') {
      records = rec.records;
      persistent = rec.persistent;
    }
  } catch {
    // Unreadable: the whole payload is the one row's bytes.
  }
  const n = records.length;
  const same = <T>(value: T): T[] => Array.from({ length: n }, () => value);
  const now = Date.now();
  const table = new ArrowTable({
    source_table: vectorFromArray(same(held.table), new Utf8()),
    wal_position: vectorFromArray(same(held.position), new Int64()),
    stream_id: vectorFromArray(same(held.streamId), new Utf8()),
    persistent: vectorFromArray(same(persistent), new Bool()),
    stream_offset: vectorFromArray(same(held.offset), new Int64()),
    record_index: vectorFromArray(
      Array.from({ length: n }, (_, i) => i),
      new Int32(),
    ),
    format: vectorFromArray(same(held.format), new Utf8()),
    record: vectorFromArray(records.slice(), new Binary()),
    reason: vectorFromArray(same(held.reason), new Utf8()),
    held_at: vectorFromArray(same(held.heldAt), new TimestampMillisecond('UTC')),
    quarantined_at: vectorFromArray(same(now), new TimestampMillisecond('UTC')),
  });
  return table.batches[0]!;
}

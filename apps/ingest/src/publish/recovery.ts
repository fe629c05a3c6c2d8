import type { CatalogSource, ProvisionedTable } from '../catalog/catalog-view.js';
import { decodeArrowRequest } from '../flight/arrow-ipc.js';
import type { Log } from '../grpc/log.js';
import type { DescriptorStore } from '../stream/descriptor-store.js';
import type { PersistentStreams } from '../stream/persistent-streams.js';
import {
  createRecordDecoder,
  type DecodedRecords,
  type RecordDecoder,
  unleased,
} from '../stream/record-decoder.js';
import { decodeWalRecord } from '../stream/wal-entry.js';
import type { Wal } from '../wal/wal.js';
import type { PublisherSet } from './publisher-set.js';

/** What recovery did, for the log and tests. */
export interface RecoveryReport {
  readonly entries: number;
  /** Entries re-published (above their table's latest `txn.version`). */
  readonly republished: number;
  /** Entries skipped because their table already holds them. */
  readonly alreadyPublished: number;
  /** Entries of tables no longer provisioned (they cannot be published and are dropped at the next trim). */
  readonly orphaned: number;
}

/**
 * Recovery at start, before any stream is served: walks every entry still in the WAL, restores persistent
 * stream state from it, and publishes the records each table does not hold yet — those above the table's
 * latest `txn.version` for this node — decoding them again from the logged bytes and descriptor. Entries at
 * or below it are skipped, so a replay never duplicates. Publishes as it goes (bounded memory).
 */
export async function recover(parts: {
  wal: Wal;
  descriptors: DescriptorStore;
  persistent: PersistentStreams;
  publishers: PublisherSet;
  catalog: CatalogSource;
  flushBytes: number;
  log: Log;
}): Promise<RecoveryReport> {
  const { wal, publishers, log } = parts;
  publishers.startFrontier(wal.nextPosition);
  const versions = new Map<string, bigint | undefined>();
  const decoders = new Map<string, RecordDecoder>();
  const missing = new Set<string>();
  let entries = 0;
  let republished = 0;
  let alreadyPublished = 0;
  let orphaned = 0;
  for await (const e of wal.replay(0n)) {
    entries++;
    const rec = decodeWalRecord(e.payload);
    parts.persistent.apply(rec);
    if (rec.kind !== 'records') continue;
    const table: ProvisionedTable | undefined = parts.catalog.current().table(rec.table);
    if (table === undefined) {
      if (!missing.has(rec.table))
        log.warn({ table: rec.table }, 'WAL holds records of a table no longer provisioned');
      missing.add(rec.table);
      orphaned++;
      continue;
    }
    const publisher = publishers.publisher(table);
    if (!versions.has(table.name)) versions.set(table.name, await publisher.latestVersion());
    const version = versions.get(table.name);
    if (version !== undefined && e.position <= version) {
      alreadyPublished++;
      continue;
    }
    const format = rec.format;
    let decode: () => ReturnType<RecordDecoder['decode']>;
    if (format === 'arrow') {
      // A Flight DoPut request: one IPC stream (schema + batch), decoded and conformed again.
      decode = () => unleased(decodeArrowRequest(table, rec.records[0] ?? new Uint8Array(0), rec.offset));
    } else {
      const hashHex = Buffer.from(rec.descriptorHash).toString('hex');
      const key = `${table.name}|${format}|${hashHex}`;
      let decoder = decoders.get(key);
      if (decoder === undefined) {
        const descriptor = format === 'proto' ? await parts.descriptors.get(rec.descriptorHash) : undefined;
        // No size limit on replay: these records were acked under the limit of their day, which may have been higher.
        decoder = createRecordDecoder(table, format, descriptor, { maxRecordBytes: Number.MAX_SAFE_INTEGER });
        decoders.set(key, decoder);
      }
      const d = decoder;
      decode = () => d.decode(rec.records, rec.offset);
    }
    let decoded: DecodedRecords;
    try {
      decoded = decode();
    } catch (err) {
      log.error(
        { err, position: e.position.toString(), table: table.name },
        'a logged entry no longer decodes; skipped',
      );
      continue;
    }
    publisher.add({ position: e.position, ...decoded, bytes: e.payload.length, ackedAt: undefined });
    republished++;
    if (publisher.pendingBytes >= parts.flushBytes) await publisher.flush();
  }
  await publishers.flushAll();
  return { entries, republished, alreadyPublished, orphaned };
}

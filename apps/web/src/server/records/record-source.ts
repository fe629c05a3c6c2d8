import type { Table } from '@lakestream/delta';
import { compileFilters, type RecordFilter } from './record-filter';
import { planRecordScan, type RecordScan } from './record-scan';
import { pickSnapshot, type VersionChoice } from './version-pick';

/** What to read of a table: a version (or a time) and filters; the same for a page and an export. */
export interface RecordQuery extends VersionChoice {
  readonly filters: readonly RecordFilter[];
}

/** A planned scan of the version a query chose, with the table's latest version beside it. */
export interface RecordSource {
  readonly scan: RecordScan;
  readonly latestVersion: number;
}

/**
 * Chooses the version (`pickSnapshot`), checks the filters against that version's schema (`compileFilters`)
 * and plans the scan (`planRecordScan`). Throws `RecordsError` for a bad version, time, column or value.
 */
export async function openRecordSource(table: Table, query: RecordQuery): Promise<RecordSource> {
  const { latest, snapshot } = await pickSnapshot(table, query);
  const filters = compileFilters(snapshot.schema, query.filters);
  return { scan: planRecordScan(table.storage, snapshot, filters), latestVersion: latest.version };
}

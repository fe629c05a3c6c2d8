import type { DeltaType } from '@lakestream/delta';
import { type Json, toJson } from '../delta/preview-cells';
import { withDeltaTable } from '../delta/with-delta-table';
import { matchingBatches, type RowPosition } from './record-scan';
import { openRecordSource, type RecordQuery } from './record-source';
import { RecordsError } from './records-error';

/** A page request: the query, where to start (a previous page's `nextCursor`) and how many rows. */
export interface RecordPageRequest extends RecordQuery {
  readonly cursor?: string | undefined;
  readonly pageSize: number;
}

/** A top-level column: its name and its Delta type in words (`long`, `decimal(10,2)`, `struct`). */
export interface RecordColumn {
  readonly name: string;
  readonly type: string;
}

/** One page of a version's matching rows, with what it cost in files. */
export interface RecordPage {
  /** False when the table has no Delta log yet (nothing ingested). */
  readonly exists: boolean;
  /** The version read and the newest there is (null without a log). */
  readonly version: number | null;
  readonly latestVersion: number | null;
  /** The version's size: data files, rows (null when a file has no statistics) and bytes. */
  readonly totals: { readonly files: number; readonly rows: number | null; readonly bytes: number };
  /** Files of the version, how many their statistics ruled out, how many this page read. */
  readonly files: { readonly total: number; readonly skippedByStats: number; readonly read: number };
  /** Rows in the files the statistics did not rule out: an upper bound of the matches (null: unknown). */
  readonly candidateRows: number | null;
  readonly columns: RecordColumn[];
  /** One array per row in `columns` order, as JSON (nested values expanded; see `toJson`). */
  readonly rows: Json[][];
  /** Each row's place in the version (`file` in the scan's stable file order). */
  readonly positions: RowPosition[];
  /** The cursor of the next page, or null when this page ends the matches. */
  readonly nextCursor: string | null;
}

const CURSOR = /^v(\d+)\.f(\d+)\.r(\d+)$/;

/** A cursor for the rows from `position` on in `version`: `v<version>.f<file>.r<row>`. */
export function encodeCursor(version: number, position: RowPosition): string {
  return `v${version}.f${position.file}.r${position.row}`;
}

/** The position a cursor names; `BAD_CURSOR` for a malformed one or one of another version. */
export function decodeCursor(cursor: string, version: number): RowPosition {
  const m = CURSOR.exec(cursor);
  if (m === null) throw new RecordsError('BAD_CURSOR', `'${cursor}' is not a page cursor of the browser.`);
  if (Number(m[1]) !== version) {
    throw new RecordsError(
      'BAD_CURSOR',
      `This cursor pages version ${m[1]}, not version ${version}: start again from the first page.`,
    );
  }
  return { file: Number(m[2]), row: Number(m[3]) };
}

/** A Delta type in words: a primitive's name, else `struct`, `array` or `map`. */
export function typeName(type: DeltaType): string {
  return typeof type === 'string' ? type : type.type;
}

/**
 * One page of the rows of the Delta table at `location` that pass the request's filters, in the chosen version
 * (by version or time). Reads files in the scan's stable order from the cursor on, skipping those whose
 * statistics rule them out, until `pageSize` rows or the end: every matching row is on exactly one page of a
 * version. No Delta log: `exists: false`. Throws `RecordsError` for bad input, `DeltaError` for an unreadable log.
 */
export async function readRecordPage(location: string, request: RecordPageRequest): Promise<RecordPage> {
  return withDeltaTable<RecordPage>(
    location,
    () => ({
      exists: false,
      version: null,
      latestVersion: null,
      totals: { files: 0, rows: 0, bytes: 0 },
      files: { total: 0, skippedByStats: 0, read: 0 },
      candidateRows: 0,
      columns: [],
      rows: [],
      positions: [],
      nextCursor: null,
    }),
    async (table) => {
      const { scan, latestVersion } = await openRecordSource(table, request);
      const { snapshot } = scan;
      const fields = snapshot.schema.fields;
      const from = request.cursor === undefined ? undefined : decodeCursor(request.cursor, snapshot.version);
      const rows: Json[][] = [];
      const positions: RowPosition[] = [];
      let read = 0;
      let nextCursor: string | null = null;
      scanning: for await (const matched of matchingBatches(scan, from, () => read++)) {
        for (const i of matched.rows) {
          const position = { file: matched.file, row: matched.firstRow + i };
          if (rows.length === request.pageSize) {
            nextCursor = encodeCursor(snapshot.version, position);
            break scanning;
          }
          rows.push(fields.map((f, c) => toJson(matched.columns[c]?.get(i), f.type)));
          positions.push(position);
        }
      }
      return {
        exists: true,
        version: snapshot.version,
        latestVersion,
        totals: {
          files: snapshot.files.length,
          rows: snapshot.numRecords ?? null,
          bytes: snapshot.files.reduce((n, f) => n + f.size, 0),
        },
        files: { total: scan.files.length, skippedByStats: scan.skippedByStats, read },
        candidateRows: scan.candidateRows,
        columns: fields.map((f) => ({ name: f.name, type: typeName(f.type) })),
        rows,
        positions,
        nextCursor,
      };
    },
  );
}

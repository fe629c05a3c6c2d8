import type { DeltaStructType } from '@lakestream/catalog';
import type { PreviewCell } from '../delta/preview-cells';
import { readTablePreview } from '../delta/table-preview';

/** The row a test record became, as the table holds it. */
export interface VisibleRow {
  /** The Delta version it was read in (the first read after its commit). */
  readonly version: number;
  /** One cell per top-level column, in schema order (see `toPreviewCell`). */
  readonly cells: PreviewCell[];
}

/** Column types whose stored cell can be compared with the JSON value sent (the rest are not compared). */
const COMPARABLE = new Set(['string', 'long', 'integer', 'short', 'byte', 'boolean', 'double']);

/**
 * Whether `row` (cells of the table's columns) holds what `record` said of every comparable column it named:
 * strings, integers (a JSON number or decimal text against the cell's text), booleans, doubles and nulls.
 * Floats (rounded to 32 bits), dates, timestamps, decimals, binary and nested values are not compared.
 */
export function rowHoldsRecord(
  schema: DeltaStructType,
  record: Record<string, unknown>,
  row: readonly PreviewCell[],
): boolean {
  return schema.fields.every((field, i) => {
    if (typeof field.type !== 'string' || !COMPARABLE.has(field.type) || !(field.name in record)) return true;
    const sent = record[field.name];
    const cell = row[i] ?? null;
    if (sent === null || cell === null) return sent === cell;
    if (field.type === 'double') return Number(cell) === Number(sent);
    return String(cell) === String(sent);
  });
}

/** Where and how to look for the row. */
export interface RowSearch {
  /** The table's resolved location (directory or object-store URI). */
  readonly location: string;
  readonly schema: DeltaStructType;
  /** The record sent, parsed. */
  readonly record: Record<string, unknown>;
  /** The table's version before the record was sent (null: no Delta log yet); only later versions count. */
  readonly afterVersion: number | null;
  /** How long to look (ms). */
  readonly timeoutMs: number;
  /** Pause between two reads (ms). */
  readonly intervalMs: number;
  /** How many of the newest rows each read looks at. */
  readonly newestRows: number;
}

/**
 * Reads the table's newest rows until a version after `afterVersion` holds a row matching the record
 * (`rowHoldsRecord`; the newest such row), or `timeoutMs` passes (null). Rows have no identity, so an equal
 * row written earlier and still among the newest may be taken for it once any later commit lands. Read errors
 * other than "no Delta log yet" are thrown (`DeltaError`).
 */
export async function waitForRow(search: RowSearch): Promise<VisibleRow | null> {
  const deadline = Date.now() + search.timeoutMs;
  for (;;) {
    const preview = await readTablePreview(search.location, search.newestRows);
    if (preview.exists && preview.version !== null && preview.version > (search.afterVersion ?? -1)) {
      const row = preview.rows.findLast((r) => rowHoldsRecord(search.schema, search.record, r));
      if (row !== undefined) return { version: preview.version, cells: row };
    }
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, search.intervalMs));
  }
}

/** The table's latest version now (null: no Delta log yet). */
export async function latestVersion(location: string): Promise<number | null> {
  return (await readTablePreview(location, 0)).version;
}

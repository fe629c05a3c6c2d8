import { exactVector, type PreviewCell, toPreviewCell } from './preview-cells';
import { withDeltaTable } from './with-delta-table';

/** The newest rows of a table. */
export interface TablePreview {
  /** False when the table has no Delta log yet (nothing ingested). */
  readonly exists: boolean;
  /** The version read, or null. */
  readonly version: number | null;
  /** Top-level column names, in schema order. */
  readonly columns: string[];
  /** One array of cells per row, in `columns` order; the newest row last. */
  readonly rows: PreviewCell[][];
}

/**
 * The last `limit` rows of the latest version of the Delta table at `location` (a directory), in table order
 * (newest last), as preview cells (see `toPreviewCell`). Reads only the newest data files that hold them
 * (delta's tail scan). No Delta log there: `exists: false`. Throws `DeltaError` for a table it cannot read
 * (`CORRUPT_LOG`: a listed file missing or unreadable; `UNSUPPORTED_FEATURE`; `STORAGE`).
 */
export async function readTablePreview(location: string, limit: number): Promise<TablePreview> {
  return withDeltaTable<TablePreview>(
    location,
    () => ({ exists: false, version: null, columns: [], rows: [] }),
    async (table) => {
      const snapshot = await table.snapshot();
      const fields = snapshot.schema.fields;
      const columns = fields.map((f) => f.name);
      if (limit === 0) return { exists: true, version: snapshot.version, columns, rows: [] };
      const data = await table.scan({ version: snapshot.version, limit, tail: true });
      const vectors = fields.map((f) => {
        const vector = data.getChild(f.name);
        return vector === null ? null : exactVector(vector);
      });
      const rows: PreviewCell[][] = [];
      for (let i = 0; i < data.numRows; i++) {
        rows.push(fields.map((f, c) => toPreviewCell(vectors[c]?.get(i), f.type)));
      }
      return { exists: true, version: snapshot.version, columns, rows };
    },
  );
}

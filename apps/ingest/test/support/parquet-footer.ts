import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Whether any column chunk of a Parquet file carries min/max statistics in its footer, as DuckDB (an
 * independent reader) sees them through `parquet_metadata`.
 */
export async function hasFooterStatistics(path: string): Promise<boolean> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const result = await conn.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM parquet_metadata('${path.replaceAll("'", "''")}')
        WHERE stats_min_value IS NOT NULL OR stats_max_value IS NOT NULL`,
    );
    return Number(result.getRowObjectsJson()[0]?.n) > 0;
  } finally {
    conn.closeSync();
  }
}

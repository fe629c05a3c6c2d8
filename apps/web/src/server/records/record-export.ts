import type { DeltaStructField, Table } from '@lakestream/delta';
import type { RecordBatch, Schema } from 'apache-arrow';
import { encodeParquetStream, isDeltaError, openTable } from '../delta/delta';
import { type Json, toJson } from '../delta/preview-cells';
import { type MatchedBatch, matchingBatches } from './record-scan';
import { openRecordSource, type RecordQuery } from './record-source';

/** The export formats: CSV (RFC 4180, a header row), JSON Lines (an object per row), Parquet. */
export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

/** An export ready to stream: its file name and type, the version it reads, and the bytes as they come. */
export interface RecordExport {
  /** `<table>-v<version>.<format>`, with `-filtered` before the extension when filters apply. */
  readonly fileName: string;
  readonly contentType: string;
  readonly version: number;
  /** Rows in the files the statistics did not rule out: an upper bound for progress (null: unknown). */
  readonly candidateRows: number | null;
  readonly body: ReadableStream<Uint8Array>;
}

const encoder = new TextEncoder();

/** A CSV field: quoted when it holds a comma, a quote, a line break or edge spaces; null is empty. */
function csvField(value: Json): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The matching rows of a batch as JSON values, in schema order. */
function jsonRows(fields: readonly DeltaStructField[], matched: MatchedBatch): Json[][] {
  return matched.rows.map((i) => fields.map((f, c) => toJson(matched.columns[c]?.get(i), f.type)));
}

/** A text format's bytes: the header (CSV), then one chunk per matching batch. */
async function* textChunks(
  format: 'csv' | 'jsonl',
  fields: readonly DeltaStructField[],
  batches: AsyncIterable<MatchedBatch>,
): AsyncGenerator<Uint8Array> {
  if (format === 'csv') yield encoder.encode(`${fields.map((f) => csvField(f.name)).join(',')}\r\n`);
  for await (const matched of batches) {
    const lines = jsonRows(fields, matched).map((row) =>
      format === 'csv'
        ? `${row.map(csvField).join(',')}\r\n`
        : `${JSON.stringify(Object.fromEntries(fields.map((f, c) => [f.name, row[c]!])))}\n`,
    );
    yield encoder.encode(lines.join(''));
  }
}

/** The matching rows of each batch as Arrow record batches: the batch sliced into runs of consecutive rows. */
async function* matchingRecordBatches(batches: AsyncIterable<MatchedBatch>): AsyncGenerator<RecordBatch> {
  for await (const { batch, rows } of batches) {
    let start = 0;
    while (start < rows.length) {
      let end = start + 1;
      while (end < rows.length && rows[end] === rows[end - 1]! + 1) end++;
      yield batch.slice(rows[start]!, rows[end - 1]! + 1);
      start = end;
    }
  }
}

/** A stream of `chunks` that closes `table` when it ends, fails or is cancelled. */
function streamClosing(table: Table, chunks: AsyncIterator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done === true) {
          controller.close();
          await table.close();
        } else controller.enqueue(next.value);
      } catch (error) {
        await table.close();
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return?.(undefined);
      await table.close();
    },
  });
}

/** Parquet bytes of the matching rows (a file of no rows with the table's columns when none match). */
async function* parquetChunks(
  schema: Schema,
  batches: AsyncIterable<MatchedBatch>,
): AsyncGenerator<Uint8Array> {
  const reader = (await encodeParquetStream(schema, matchingRecordBatches(batches))).getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Opens an export of the Delta table at `location` as `format`: the version and filters of `query`, checked
 * before anything is sent (`RecordsError` for a bad version, time, column or value; `DeltaError` for an
 * unreadable log; undefined when the table has no log yet). The body streams the matching rows file by file
 * in the browser's order, so memory holds one data file (and, for Parquet, one row group) at a time; the table
 * is closed when the body ends or is cancelled.
 */
export async function openRecordExport(
  location: string,
  tableName: string,
  query: RecordQuery,
  format: ExportFormat,
): Promise<RecordExport | undefined> {
  let table: Table;
  try {
    table = await openTable(location);
  } catch (error) {
    if (isDeltaError(error, 'TABLE_NOT_FOUND')) return undefined;
    throw error;
  }
  try {
    const { scan } = await openRecordSource(table, query);
    const { snapshot } = scan;
    const batches = matchingBatches(scan);
    const chunks =
      format === 'parquet'
        ? parquetChunks(snapshot.arrowSchema, batches)
        : textChunks(format, snapshot.schema.fields, batches);
    const filtered = query.filters.length > 0 ? '-filtered' : '';
    return {
      fileName: `${tableName}-v${snapshot.version}${filtered}.${format}`,
      contentType: CONTENT_TYPES[format],
      version: snapshot.version,
      candidateRows: scan.candidateRows,
      body: streamClosing(table, chunks),
    };
  } catch (error) {
    await table.close();
    throw error;
  }
}

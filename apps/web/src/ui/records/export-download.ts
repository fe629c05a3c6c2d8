/** What the record browser exports: a table at a version, with filters. */
export interface ExportRequest {
  readonly table: string;
  readonly version: number;
  readonly filters: readonly { column: string; op: string; value?: string | undefined }[];
  readonly format: 'csv' | 'jsonl' | 'parquet';
}

/** How far an export got: bytes received, rows counted (text formats; null for Parquet), the rows' bound. */
export interface ExportProgress {
  readonly bytes: number;
  readonly rows: number | null;
  /** Rows in the files the statistics left (the `X-Lakestream-Candidate-Rows` header), or null. */
  readonly candidateRows: number | null;
  readonly done: boolean;
}

/** The URL of `/api/records/export` for a request (the session cookie authorizes it). */
export function exportUrl(request: ExportRequest): string {
  const params = new URLSearchParams({
    table: request.table,
    format: request.format,
    version: String(request.version),
  });
  if (request.filters.length > 0) params.set('filters', JSON.stringify(request.filters));
  return `/api/records/export?${params}`;
}

/** The file name of a `Content-Disposition: attachment; filename="…"`, else `fallback`. */
export function attachmentName(disposition: string | null, fallback: string): string {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;
}

/** Line feeds in a chunk: the rows of a CSV or JSON Lines export (CSV's header and quoted breaks aside). */
function lineFeeds(chunk: Uint8Array): number {
  let n = 0;
  for (const byte of chunk) if (byte === 10) n++;
  return n;
}

/**
 * Fetches an export and reads its body as it streams, calling `onProgress` after every chunk, then returns
 * the file's name and bytes. A refused export throws an Error with the server's sentence.
 */
export async function fetchExport(
  request: ExportRequest,
  onProgress: (progress: ExportProgress) => void,
  signal?: AbortSignal,
): Promise<{ fileName: string; parts: Uint8Array<ArrayBuffer>[]; type: string }> {
  const response = await fetch(exportUrl(request), signal === undefined ? {} : { signal });
  if (!response.ok || response.body === null) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `The export failed (HTTP ${response.status}).`);
  }
  const bound = response.headers.get('x-lakestream-candidate-rows');
  const candidateRows = bound === null ? null : Number(bound);
  const counting = request.format !== 'parquet';
  // CSV's header line is not a row.
  let lines = request.format === 'csv' ? -1 : 0;
  let bytes = 0;
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const reader = response.body.getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    parts.push(next.value as Uint8Array<ArrayBuffer>);
    bytes += next.value.byteLength;
    if (counting) lines += lineFeeds(next.value);
    onProgress({ bytes, rows: counting ? Math.max(0, lines) : null, candidateRows, done: false });
  }
  onProgress({ bytes, rows: counting ? Math.max(0, lines) : null, candidateRows, done: true });
  const fallback = `${request.table}-v${request.version}.${request.format}`;
  return {
    fileName: attachmentName(response.headers.get('content-disposition'), fallback),
    parts,
    type: response.headers.get('content-type') ?? 'application/octet-stream',
  };
}

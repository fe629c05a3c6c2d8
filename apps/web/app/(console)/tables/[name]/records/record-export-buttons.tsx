'use client';

import { useState } from 'react';
import { Button } from '../../../../../src/ui/button';
import { saveBytes } from '../../../../../src/ui/download';
import { ErrorMessage } from '../../../../../src/ui/feedback';
import { formatBytes, formatInteger } from '../../../../../src/ui/format';
import {
  type ExportProgress,
  type ExportRequest,
  fetchExport,
} from '../../../../../src/ui/records/export-download';

const FORMATS = [
  { format: 'csv', label: 'Export CSV' },
  { format: 'jsonl', label: 'Export JSON Lines' },
  { format: 'parquet', label: 'Export Parquet' },
] as const;

/** Rows and bytes so far, against the rows the statistics allow (a progress bar when they are known). */
function ProgressLine({ progress }: { progress: ExportProgress }) {
  const { rows, bytes, candidateRows, done } = progress;
  const fraction =
    rows !== null && candidateRows !== null && candidateRows > 0 ? Math.min(1, rows / candidateRows) : null;
  return (
    <div
      className="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400"
      data-testid="export-progress"
    >
      {fraction === null ? null : (
        <progress className="h-2 w-32" max={1} value={done ? 1 : fraction} aria-label="Export progress" />
      )}
      <span aria-live="polite">
        {done ? 'Exported ' : 'Exporting… '}
        {rows === null ? '' : `${formatInteger(rows)} rows · `}
        {formatBytes(bytes)}
        {!done && candidateRows !== null ? ` (at most ${formatInteger(candidateRows)} rows)` : ''}
      </span>
    </div>
  );
}

/**
 * Export what the browser shows — the same version and filters — as CSV, JSON Lines or Parquet: the route
 * streams it and the page reads it as it comes, showing rows and bytes so far, then saves the file.
 */
export function RecordExportButtons({ request }: { request: Omit<ExportRequest, 'format'> }) {
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (format: ExportRequest['format']) => {
    setBusy(true);
    setError(null);
    setProgress({ bytes: 0, rows: format === 'parquet' ? null : 0, candidateRows: null, done: false });
    try {
      const file = await fetchExport({ ...request, format }, setProgress);
      saveBytes(file.fileName, file.parts, file.type);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap gap-2">
        {FORMATS.map(({ format, label }) => (
          <Button key={format} size="sm" disabled={busy} onClick={() => run(format)}>
            {label}
          </Button>
        ))}
      </div>
      {progress === null ? null : <ProgressLine progress={progress} />}
      <ErrorMessage error={error} className="max-w-md text-xs" />
    </div>
  );
}

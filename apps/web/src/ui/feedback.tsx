import type { ReactNode } from 'react';

/** The message of an error, in words (a tRPC error carries the server's own message). */
function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * An error shown in words, e.g. a refused mutation or a failed query; nothing when `error` is null. Tests find
 * it by `data-testid="error-message"` (Next.js has a `role="alert"` route announcer of its own).
 */
export function ErrorMessage({ error, className = '' }: { error: unknown; className?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p
      role="alert"
      data-testid="error-message"
      className={`rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-300 ${className}`}
    >
      {errorText(error)}
    </p>
  );
}

/** A warning or notice across the page (e.g. "2 ingest nodes unreachable"). */
export function Banner({
  tone = 'warning',
  children,
}: {
  tone?: 'warning' | 'info' | 'success';
  children: ReactNode;
}) {
  const tones = {
    warning:
      'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800/70 dark:bg-amber-950/40 dark:text-amber-200',
    info: 'border-sky-200 bg-sky-50 text-sky-900 dark:border-sky-900/70 dark:bg-sky-950/40 dark:text-sky-200',
    success:
      'border-emerald-200 bg-emerald-50 text-emerald-900 dark:border-emerald-900/70 dark:bg-emerald-950/40 dark:text-emerald-200',
  };
  return (
    <div
      role={tone === 'warning' ? 'alert' : 'status'}
      className={`rounded-md border px-3 py-2 text-sm ${tones[tone]}`}
    >
      {children}
    </div>
  );
}

/** A quiet "Loading …" line while a query is pending. */
export function Loading({ what = '' }: { what?: string }) {
  return (
    <p role="status" className="animate-pulse py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">
      Loading{what === '' ? '' : ` ${what}`}…
    </p>
  );
}

/** An empty list that says what to do next ("No tables yet — create one"), with an optional action. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700">
      <p className="font-medium text-zinc-800 dark:text-zinc-200">{title}</p>
      {children === undefined ? null : (
        <div className="mt-3 flex flex-col items-center gap-3 text-sm text-zinc-500 dark:text-zinc-400">
          {children}
        </div>
      )}
    </div>
  );
}

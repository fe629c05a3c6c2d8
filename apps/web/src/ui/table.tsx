import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';

/**
 * A dense data table with a sticky-looking header row; wrap rows in <tbody>. One that scrolls by height
 * (`className` with a `max-h-*`) names itself with `scrollLabel`: a labelled region in the Tab order, so that a
 * keyboard can scroll it.
 */
export function DataTable({
  children,
  className = '',
  scrollLabel,
  ...props
}: { children: ReactNode; className?: string; scrollLabel?: string } & Record<`data-${string}`, string>) {
  return (
    <div
      className={`overflow-x-auto ${className}`}
      {...(scrollLabel === undefined ? {} : { role: 'region', 'aria-label': scrollLabel, tabIndex: 0 })}
    >
      <table className="w-full border-collapse text-left text-[13px]" {...props}>
        {children}
      </table>
    </div>
  );
}

/** A header cell. */
export function Th({ className = '', ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={`border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-xs font-medium whitespace-nowrap text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400 ${className}`}
      {...props}
    />
  );
}

/** A body cell. */
export function Td({ className = '', ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td
      className={`border-b border-zinc-100 px-3 py-1.5 align-middle dark:border-zinc-800/70 ${className}`}
      {...props}
    />
  );
}

/** A small coloured label: a role, a status, a type. */
export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'good' | 'bad' | 'warn' | 'accent';
  children: ReactNode;
}) {
  const tones = {
    neutral: 'bg-zinc-100 text-zinc-700 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700',
    good: 'bg-emerald-50 text-emerald-700 ring-emerald-200 dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-900',
    bad: 'bg-red-50 text-red-700 ring-red-200 dark:bg-red-950/50 dark:text-red-300 dark:ring-red-900',
    warn: 'bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950/50 dark:text-amber-300 dark:ring-amber-900',
    accent: 'bg-sky-50 text-sky-700 ring-sky-200 dark:bg-sky-950/50 dark:text-sky-300 dark:ring-sky-900',
  };
  return (
    <span
      className={`inline-flex items-center rounded px-1.5 py-0.5 text-[11px] leading-none font-medium whitespace-nowrap ring-1 ring-inset ${tones[tone]}`}
    >
      {children}
    </span>
  );
}

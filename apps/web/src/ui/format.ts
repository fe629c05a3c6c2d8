/*
 * How the console writes numbers, sizes and times. Pure functions (tested in format.test.ts); the locale is
 * the browser's, so pages call them only on the client (never while server-rendering).
 */

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** `1234.5` → `1,234.5`; `null` → `—`. */
export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : number.format(value);
}

/** `1234.56` → `1,235`. */
export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value);
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Bytes in decimal units (what rates are quoted in): `1_500_000` → `1.5 MB`. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 ? integer.format(value) : value.toFixed(value >= 100 ? 0 : 1).replace(/\.0$/, '');
  return `${digits} ${BYTE_UNITS[unit]}`;
}

/** Milliseconds as a duration: `850` → `850 ms`, `4200` → `4.2 s`, `null` → `—`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms === 0) return '0 ms';
  if (Math.abs(ms) < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (Math.abs(ms) < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A moment (ms since the epoch) in the browser's locale and zone; `null` → `—`. */
export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : dateTime.format(ms);
}

const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A day (ms since the epoch) in the browser's locale: `Jan 31, 2030`; `null` → `—`. */
export function formatDate(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : date.format(ms);
}

/** How long ago `ms` was, relative to `now`: `just now`, `5 min ago`, `3 h ago`, `2 d ago`, or `in 4 d`. */
export function formatAgo(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return '—';
  const diff = now - ms;
  const future = diff < 0;
  const s = Math.abs(diff) / 1000;
  let text: string;
  if (s < 45) return future ? 'in a moment' : 'just now';
  if (s < 3600) text = `${Math.round(s / 60)} min`;
  else if (s < 86_400) text = `${Math.round(s / 3600)} h`;
  else text = `${Math.round(s / 86_400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

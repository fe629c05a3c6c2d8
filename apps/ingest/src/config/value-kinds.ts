import { resolve } from 'node:path';
import { z } from 'zod';
import { NODE_ID as NODE_ID_FILE_KIND } from '../base/node-id.js';

/*
 * The kinds of values an option takes: each a zod schema of the raw text (a flag's or a variable's) and what
 * it expects in words, for the error ("--port: expected an integer 0–65535, got 'abc'").
 */

/** pino's levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: KiB,
  kb: KiB,
  kib: KiB,
  m: MiB,
  mb: MiB,
  mib: MiB,
  g: GiB,
  gb: GiB,
  gib: GiB,
};

/** A value kind: the zod schema of the raw string, and what it expects in words (for the error). */
export interface Kind<T> {
  readonly schema: z.ZodType<T, string>;
  readonly expected: string;
}

export const integer = (min: number, max: number, what = 'an integer'): Kind<number> => ({
  schema: z
    .string()
    .regex(/^\s*\d+\s*$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max)),
  expected: `${what} ${min}–${max}`,
});

/** A fraction 0–1 (`0.9`); 0 often means off. */
export const FRACTION: Kind<number> = {
  schema: z
    .string()
    .regex(/^\s*(0(\.\d+)?|1(\.0+)?|\.\d+)\s*$/)
    .transform(Number)
    .pipe(z.number().min(0).max(1)),
  expected: 'a fraction 0–1 (e.g. 0.9)',
};

/** Bytes: `1048576`, `64KiB`, `10MiB`, `1GiB` (KB/MB/GB are read as binary units too). */
export const bytes = (min: number, max: number): Kind<number> => ({
  schema: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*([kmg]i?b?|b)?\s*$/i)
    .transform((s) => {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(s)!;
      return Math.round(Number(m[1]) * (UNITS[m[2]!.toLowerCase()] ?? Number.NaN));
    })
    .pipe(z.number().int().min(min).max(max)),
  expected: `a byte size ${min === 1 ? 'up to ' : `${formatBytes(min)}–`}${formatBytes(max)} (e.g. 1048576, 64KiB, 10MiB, 1GiB)`,
});

export const HOST: Kind<string> = {
  schema: z.string().regex(/^[A-Za-z0-9.:[\]%_-]+$/),
  expected: 'a host name or IP address to listen on (e.g. 127.0.0.1, ::1, 0.0.0.0)',
};
/** An http(s) URL without a trailing slash. */
export const HTTP_URL: Kind<string> = {
  schema: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
  expected: 'an http:// or https:// URL (e.g. http://console:3000)',
};
/** `host:port` as another machine reaches it. */
export const ADDRESS: Kind<string> = {
  schema: z.string().regex(/^[A-Za-z0-9.\-_]+:\d{1,5}$|^\[[0-9A-Fa-f:.%a-z]+\]:\d{1,5}$/),
  expected: "'host:port' as other machines reach it (e.g. ingest-0.ingest:50051)",
};
export const PATH: Kind<string> = {
  schema: z
    .string()
    .min(1)
    .transform((p) => resolve(p)),
  expected: 'a file system path',
};
export const SECRET: Kind<string> = {
  schema: z.string().regex(/^\S{16,}$/),
  expected: 'a secret of at least 16 characters without spaces',
};
export const NODE_ID: Kind<string> = {
  schema: z.string().regex(NODE_ID_FILE_KIND.pattern),
  expected: NODE_ID_FILE_KIND.expected,
};
/** One of a fixed list of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): Kind<T[number]> {
  return { schema: z.enum(values), expected: `one of ${values.join(', ')}` };
}
export const LEVEL = oneOf(LOG_LEVELS);
export const BOOLEAN: Kind<boolean> = {
  schema: z
    .string()
    .regex(/^(1|0|true|false|yes|no|on|off)$/i)
    .transform((s) => /^(1|true|yes|on)$/i.test(s)),
  expected: 'true or false',
};
export const PORT = integer(0, 65535);
export const PARQUET_COMPRESSIONS = ['snappy', 'zstd', 'none'] as const;
export const COMPRESSION = oneOf(PARQUET_COMPRESSIONS);
export const PARQUET_STATISTICS = ['none', 'chunk'] as const;
export const STATISTICS = oneOf(PARQUET_STATISTICS);

/** `n` bytes in the largest binary unit that divides it (`10MiB`, `10304KiB`), else `n bytes`. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', GiB],
    ['MiB', MiB],
    ['KiB', KiB],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return `${n} bytes`;
}

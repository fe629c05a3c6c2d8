import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { formatMode, isOpenToOthers, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './file-modes.js';
import { DEFAULT_LIMITS } from './grpc/server.js';
import { ORPHAN_CLEANUP_DEFAULTS } from './maintenance/orphan-cleanup.js';
import { INGEST_NODE_DEFAULTS } from './node-defaults.js';
import { DEFAULT_DATA_FILE_OPTIONS } from './publish/table-publisher.js';
import {
  ABUSE_TIMEOUTS,
  defaultStreamsPerPrincipal,
  MAX_DECOMPRESSION_FACTOR,
} from './stream/abuse-limits.js';
import { DEFAULT_ENDED_STREAMS } from './stream/ended-streams.js';
import { WAL_DEFAULTS } from './wal/open-wal.js';
import type { WalOptions } from './wal/wal.js';

/*
 * The ingest node's configuration: command-line flags, then `LAKESTREAM_*` environment variables, then
 * defaults (a flag wins over its variable). Every option is declared once in `CONFIG_OPTIONS`, which also
 * feeds `formatConfigHelp` and the table in README-config.md (a test keeps the two in step).
 */

/** pino's levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated, frozen configuration of an ingest node. */
export interface IngestConfig {
  /** Absolute path of the data directory (WAL, catalog snapshot, node id, admin secret, local tables). */
  readonly dataDir: string;
  /** This node's id (Delta `txn.appId` prefix, metrics, admin status). */
  readonly nodeId: string;
  /** The Zerobus gRPC endpoint. */
  readonly host: string;
  readonly port: number;
  /** A connection to it that sends no HTTP/2 preface within this long is closed. */
  readonly connectionPrefaceTimeoutMs: number;
  readonly admin: {
    readonly host: string;
    readonly port: number;
    /** The bearer secret of the admin API; `undefined` only with `insecure` (no admin authentication). */
    readonly secret: string | undefined;
    /** Where the secret came from when it was read from (or generated into) a file. */
    readonly secretFile: string | undefined;
    readonly insecure: boolean;
  };
  readonly metrics: { readonly host: string; readonly port: number };
  /** A catalog snapshot file for development (see `openCatalogStore`). */
  readonly provisioningFile: string | undefined;
  readonly logLevel: LogLevel;
  readonly limits: {
    readonly maxStreams: number;
    readonly maxStreamsPerPrincipal: number;
    readonly streamHandshakeTimeoutMs: number;
    /** 0: never. */
    readonly streamIdleTimeoutMs: number;
    readonly maxRecordBytes: number;
    readonly maxRequestBytes: number;
    readonly streamInflightBytes: number;
    readonly nodeInflightBytes: number;
  };
  readonly publish: {
    readonly flushMs: number;
    readonly flushBytes: number;
    /** How data files are encoded. */
    readonly parquet: {
      readonly compression: (typeof PARQUET_COMPRESSIONS)[number];
      readonly statistics: (typeof PARQUET_STATISTICS)[number];
    };
  };
  /** The WAL directory, and the WAL options that were set (the WAL's own defaults apply to the others). */
  readonly wal: { readonly dir: string } & Readonly<
    Pick<WalOptions, 'segmentBytes' | 'groupCommitBytes' | 'groupCommitMs'>
  >;
  /** How long a drain (admin `Drain` with grace 0, or SIGTERM) lets streams finish. */
  readonly drainGraceMs: number;
  /** Ended streams the node remembers for the admin API's `ListEndedStreams`. */
  readonly endedStreams: number;
  /** Removing crash leftovers from the tables (see `startOrphanCleanup`); `intervalMs` 0: off. */
  readonly orphanCleanup: { readonly minAgeMs: number; readonly intervalMs: number };
  /** Things worth one log line at start (a generated admin secret and where it is). Never the secret. */
  readonly notices: readonly string[];
  /** Things worth a warning at start (a data directory other users can read, and the command to close it). */
  readonly warnings: readonly string[];
}

/** Thrown by `loadConfig`: `problems` has one line per bad option, the message all of them. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'INVALID_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

// ─── 1. Value types ────────────────────────────────────────────────────────────────────────────────────────

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
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
interface Kind<T> {
  readonly schema: z.ZodType<T, string>;
  readonly expected: string;
}

const integer = (min: number, max: number, what = 'an integer'): Kind<number> => ({
  schema: z
    .string()
    .regex(/^\s*\d+\s*$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max)),
  expected: `${what} ${min}–${max}`,
});

/** Bytes: `1048576`, `64KiB`, `10MiB`, `1GiB` (KB/MB/GB are read as binary units too). */
const bytes = (min: number, max: number): Kind<number> => ({
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

const HOST: Kind<string> = {
  schema: z.string().regex(/^[A-Za-z0-9.:[\]%_-]+$/),
  expected: 'a host name or IP address to listen on (e.g. 127.0.0.1, ::1, 0.0.0.0)',
};
const PATH: Kind<string> = {
  schema: z
    .string()
    .min(1)
    .transform((p) => resolve(p)),
  expected: 'a file system path',
};
const SECRET: Kind<string> = {
  schema: z.string().regex(/^\S{16,}$/),
  expected: 'a secret of at least 16 characters without spaces',
};
const NODE_ID: Kind<string> = {
  schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/),
  expected: 'an id of 1–63 letters, digits, dots, dashes or underscores',
};
/** One of a fixed list of words. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T): Kind<T[number]> {
  return { schema: z.enum(values), expected: `one of ${values.join(', ')}` };
}
const LEVEL = oneOf(LOG_LEVELS);
const BOOLEAN: Kind<boolean> = {
  schema: z
    .string()
    .regex(/^(1|0|true|false|yes|no|on|off)$/i)
    .transform((s) => /^(1|true|yes|on)$/i.test(s)),
  expected: 'true or false',
};
const PORT = integer(0, 65535);
const PARQUET_COMPRESSIONS = ['snappy', 'zstd', 'none'] as const;
const COMPRESSION = oneOf(PARQUET_COMPRESSIONS);
const PARQUET_STATISTICS = ['none', 'chunk'] as const;
const STATISTICS = oneOf(PARQUET_STATISTICS);

/** `--max-streams`'s default, which the per-principal limit's default follows. */
const MAX_STREAMS = DEFAULT_LIMITS.maxStreams;

// ─── 2. The options ────────────────────────────────────────────────────────────────────────────────────────

/** One option: its flag, its variable, its kind, its default and what it is for. */
export interface ConfigOption<T = unknown> {
  readonly flag: `--${string}`;
  /** `LAKESTREAM_` + the flag in upper snake case. */
  readonly env: string;
  readonly kind: Kind<T>;
  readonly default: T | undefined;
  /** The default in words, for the docs (`(required)`, `<data-dir>/wal`, `generated`…). */
  readonly defaultDoc: string;
  readonly doc: string;
  /** A switch: `--flag` alone means true. */
  readonly isSwitch?: boolean;
}

function option<T>(
  flag: `--${string}`,
  kind: Kind<T>,
  defaultValue: T | undefined,
  doc: string,
  extra: { defaultDoc?: string; isSwitch?: boolean } = {},
): ConfigOption<T> {
  const env = `LAKESTREAM_${flag.slice(2).replaceAll('-', '_').toUpperCase()}`;
  const defaultDoc = extra.defaultDoc ?? (defaultValue === undefined ? '—' : String(defaultValue));
  return {
    flag,
    env,
    kind,
    default: defaultValue,
    defaultDoc,
    doc,
    ...(extra.isSwitch ? { isSwitch: true } : {}),
  };
}

/** Every option of the node, in documentation order. */
export const CONFIG_OPTIONS = {
  dataDir: option(
    '--data-dir',
    PATH,
    undefined,
    'Data directory: WAL, catalog snapshot, node id, admin secret, relative table locations. Created 0700 (an existing one open to other users gets a warning with the chmod to run).',
    { defaultDoc: '(required)' },
  ),
  host: option(
    '--host',
    HOST,
    '127.0.0.1',
    'Address of the Zerobus gRPC endpoint. Use 0.0.0.0 to serve other machines.',
  ),
  port: option('--port', PORT, 50051, 'Port of the Zerobus gRPC endpoint (0: any free port).'),
  connectionPrefaceTimeoutMs: option(
    '--connection-preface-timeout-ms',
    integer(1, 3_600_000, 'a duration in ms, an integer'),
    ABUSE_TIMEOUTS.connectionPrefaceMs,
    'A TCP connection to the gRPC endpoint that sends no HTTP/2 preface within this long (silent, or not HTTP/2) is closed.',
  ),
  adminHost: option(
    '--admin-host',
    HOST,
    '127.0.0.1',
    'Address of the admin gRPC API (lakestream.admin.v1).',
  ),
  adminPort: option('--admin-port', PORT, 50052, 'Port of the admin gRPC API.'),
  adminSecret: option(
    '--admin-secret',
    SECRET,
    undefined,
    'Bearer secret of the admin API. Prefer the variable or --admin-secret-file: flags show in `ps`.',
    { defaultDoc: 'from --admin-secret-file' },
  ),
  adminSecretFile: option(
    '--admin-secret-file',
    PATH,
    undefined,
    'File holding the admin secret. When absent at the default path, a random secret is generated there (mode 0600) on first start. A file other users may read is refused (exit code 2).',
    { defaultDoc: '<data-dir>/admin-secret' },
  ),
  insecureDevAdmin: option(
    '--insecure-dev-admin',
    BOOLEAN,
    false,
    'Development only: no admin authentication. Allowed only with a loopback --admin-host.',
    { isSwitch: true },
  ),
  metricsHost: option(
    '--metrics-host',
    HOST,
    '127.0.0.1',
    'Address of the Prometheus endpoint (/metrics, /healthz).',
  ),
  metricsPort: option('--metrics-port', PORT, 9464, 'Port of the Prometheus endpoint.'),
  provisioningFile: option(
    '--provisioning-file',
    PATH,
    undefined,
    'Catalog snapshot JSON loaded at start (development, tests); a pushed snapshot of a higher version wins.',
  ),
  nodeId: option(
    '--node-id',
    NODE_ID,
    undefined,
    "This node's id (Delta txn appId, metrics, admin status).",
    { defaultDoc: 'random, kept in <data-dir>/node-id' },
  ),
  logLevel: option('--log-level', LEVEL, 'info', 'Log level (JSON lines on stdout).'),
  maxStreams: option(
    '--max-streams',
    integer(1, 1_000_000),
    MAX_STREAMS,
    'Live streams per node; more are refused with RESOURCE_EXHAUSTED.',
  ),
  maxStreamsPerPrincipal: option(
    '--max-streams-per-principal',
    integer(1, 1_000_000),
    undefined,
    'Live streams (Zerobus and Flight) of one principal per node; more are refused with RESOURCE_EXHAUSTED, so one producer cannot take every slot.',
    { defaultDoc: `a quarter of --max-streams (${defaultStreamsPerPrincipal(MAX_STREAMS)})` },
  ),
  streamHandshakeTimeoutMs: option(
    '--stream-handshake-timeout-ms',
    integer(1, 3_600_000, 'a duration in ms, an integer'),
    ABUSE_TIMEOUTS.streamHandshakeMs,
    'A stream that sends no create_stream / resume_stream (Flight: no schema) within this long ends with DEADLINE_EXCEEDED: it held a stream slot without starting.',
  ),
  streamIdleTimeoutMs: option(
    '--stream-idle-timeout-ms',
    integer(0, 86_400_000, 'a duration in ms, an integer'),
    ABUSE_TIMEOUTS.streamIdleMs,
    'An open stream that sends no request for this long is closed (close_stream_signal, then status OK: the SDK reconnects, nothing is lost); 0: never.',
  ),
  maxRecordBytes: option(
    '--max-record-bytes',
    bytes(1, GiB),
    DEFAULT_LIMITS.maxRecordBytes,
    'Largest single record; larger ones fail the stream with INVALID_ARGUMENT.',
    { defaultDoc: formatBytes(DEFAULT_LIMITS.maxRecordBytes) },
  ),
  maxRequestBytes: option(
    '--max-request-bytes',
    bytes(1, GiB),
    DEFAULT_LIMITS.maxRequestBytes,
    `Largest gRPC request message (a record or a batch) the server accepts; a compressed Arrow batch may declare up to ${MAX_DECOMPRESSION_FACTOR}× this uncompressed.`,
    { defaultDoc: '10MiB + 64KiB' },
  ),
  streamInflightBytes: option(
    '--stream-inflight-bytes',
    bytes(1, 64 * GiB),
    DEFAULT_LIMITS.streamInFlightBytes,
    'Bytes one stream may have read and not yet acked; beyond it the stream is not read (HTTP/2 flow control).',
    { defaultDoc: formatBytes(DEFAULT_LIMITS.streamInFlightBytes) },
  ),
  nodeInflightBytes: option(
    '--node-inflight-bytes',
    bytes(1, 1024 * GiB),
    INGEST_NODE_DEFAULTS.nodeBufferBytes,
    'Memory held by records read and not yet published, across the node (each request and its WAL copy until durable, its decoded columns until published); beyond it no stream is read.',
    { defaultDoc: formatBytes(INGEST_NODE_DEFAULTS.nodeBufferBytes) },
  ),
  flushMs: option(
    '--flush-ms',
    integer(1, 3_600_000, 'a duration in ms, an integer'),
    INGEST_NODE_DEFAULTS.flushMs,
    'Publish a table at the latest this long after its oldest unpublished record.',
  ),
  flushBytes: option(
    '--flush-bytes',
    bytes(1, 64 * GiB),
    INGEST_NODE_DEFAULTS.flushBytes,
    'Publish a table once this many bytes (decoded) wait; a backlog is published in commits of about this size.',
    { defaultDoc: formatBytes(INGEST_NODE_DEFAULTS.flushBytes) },
  ),
  parquetCompression: option(
    '--parquet-compression',
    COMPRESSION,
    DEFAULT_DATA_FILE_OPTIONS.compression,
    "Page compression of the Parquet files the node writes: snappy (Spark's default; ~2.5x less CPU per MB than zstd), zstd (smaller files) or none.",
  ),
  parquetStatistics: option(
    '--parquet-statistics',
    STATISTICS,
    DEFAULT_DATA_FILE_OPTIONS.statistics,
    "Column statistics in the Parquet files' footers: none (Delta readers skip files by the min/max/null counts the node always writes into the Delta log; ~30% less Parquet encoding CPU) or chunk (also in each file, for readers of the bare Parquet files).",
  ),
  walDir: option(
    '--wal-dir',
    PATH,
    undefined,
    'WAL directory (put it on the fastest disk with a reliable fsync).',
    { defaultDoc: '<data-dir>/wal' },
  ),
  walSegmentBytes: option(
    '--wal-segment-bytes',
    bytes(64 * KiB, 64 * GiB),
    undefined,
    'Start a new WAL segment file past this size.',
    { defaultDoc: `WAL's (${formatBytes(WAL_DEFAULTS.segmentBytes)})` },
  ),
  walGroupCommitBytes: option(
    '--wal-group-commit-bytes',
    bytes(1, GiB),
    undefined,
    'Group commit: fsync once this many bytes wait…',
    { defaultDoc: `WAL's (${formatBytes(WAL_DEFAULTS.groupCommitBytes)})` },
  ),
  walGroupCommitMs: option(
    '--wal-group-commit-ms',
    integer(0, 10_000, 'a duration in ms, an integer'),
    undefined,
    '…or once the oldest waiting entry is this old (0: as soon as the disk is free).',
    { defaultDoc: `WAL's (${WAL_DEFAULTS.groupCommitMs})` },
  ),
  endedStreams: option(
    '--ended-streams',
    integer(1, 1_000_000),
    DEFAULT_ENDED_STREAMS,
    'Ended streams (status, message, counts) the node remembers for the control plane, which reads them with a cursor (admin ListEndedStreams) and keeps its own history; the oldest are forgotten first.',
  ),
  drainGraceMs: option(
    '--drain-grace-ms',
    integer(0, 3_600_000, 'a duration in ms, an integer'),
    INGEST_NODE_DEFAULTS.drainGraceMs,
    'How long a drain (SIGTERM, admin Drain with grace 0) lets streams finish their acks.',
  ),
  orphanFileAgeMs: option(
    '--orphan-file-age-ms',
    integer(60_000, 365 * 24 * 3_600_000, 'a duration in ms, an integer'),
    ORPHAN_CLEANUP_DEFAULTS.minAgeMs,
    "Crash leftovers in the node's tables (temp files, data files no table version references) are removed once this old. The default is what Delta's VACUUM keeps of untracked files: another engine's job (Spark OPTIMIZE, MERGE) writing the same table commits its files only when it ends. Lower it only when nothing but ingest nodes write the tables, and keep it well above the longest encode + commit under load.",
    {
      defaultDoc: `${ORPHAN_CLEANUP_DEFAULTS.minAgeMs} (${ORPHAN_CLEANUP_DEFAULTS.minAgeMs / 86_400_000} days)`,
    },
  ),
  orphanCleanupIntervalMs: option(
    '--orphan-cleanup-interval-ms',
    integer(0, 7 * 24 * 3_600_000, 'a duration in ms, an integer'),
    ORPHAN_CLEANUP_DEFAULTS.intervalMs,
    'How often the node removes crash leftovers from the tables it publishes to (first right after start, in the background); each run reads only the log written since the last. 0: never.',
    {
      defaultDoc: `${ORPHAN_CLEANUP_DEFAULTS.intervalMs} (${ORPHAN_CLEANUP_DEFAULTS.intervalMs / 3_600_000} hour)`,
    },
  ),
} as const;

type Options = typeof CONFIG_OPTIONS;
type Values = { [K in keyof Options]: Options[K] extends ConfigOption<infer T> ? T | undefined : never };

// ─── 3. Reading argv and env ───────────────────────────────────────────────────────────────────────────────

/** `--flag value` / `--flag=value` / `--switch` → raw strings by flag; problems for the rest. */
function readArgv(argv: readonly string[], problems: string[]): Map<string, string> {
  const byFlag = new Map<string, ConfigOption>(
    Object.values(CONFIG_OPTIONS).map((o) => [o.flag, o as ConfigOption]),
  );
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument '${arg}' (options start with --; see --help)`);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const spec = byFlag.get(flag);
    if (spec === undefined) {
      problems.push(`${flag}: unknown option (see --help)`);
      continue;
    }
    if (eq >= 0) raw.set(flag, arg.slice(eq + 1));
    else if (spec.isSwitch) raw.set(flag, 'true');
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) raw.set(flag, argv[++i]!);
    else problems.push(`${flag}: expected a value (${spec.kind.expected})`);
  }
  return raw;
}

function readValues(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
) {
  const flags = readArgv(argv, problems);
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const [key, spec] of Object.entries(CONFIG_OPTIONS) as [string, ConfigOption][]) {
    const read = optionValue(spec, flags.get(spec.flag), env, problems);
    values[key] = read.value;
    if (read.given) given.add(key);
  }
  return { values: values as Values, given };
}

/** One option's value: its flag's text, else its variable, else its default; what does not parse goes to `problems`. */
function optionValue<T>(
  spec: ConfigOption<T>,
  fromFlag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): { value: T | undefined; given: boolean } {
  const fromEnv = env[spec.env];
  const [source, text] =
    fromFlag !== undefined ? [spec.flag, fromFlag] : [spec.env, fromEnv === '' ? undefined : fromEnv];
  if (text === undefined) return { value: spec.default, given: false };
  const parsed = spec.kind.schema.safeParse(text);
  if (parsed.success) return { value: parsed.data, given: true };
  problems.push(`${source}: expected ${spec.kind.expected}, got '${text}'`);
  return { value: undefined, given: true };
}

/**
 * One option's value for the node's other commands (`lakestream-ingest held …`): `flagText` if given, else
 * its `LAKESTREAM_*` variable, else its default. Throws `ConfigError` when the text does not parse.
 */
export function readOption<T>(
  spec: ConfigOption<T>,
  flagText: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): T | undefined {
  const problems: string[] = [];
  const { value } = optionValue(spec, flagText, env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return value;
}

// ─── 4. loadConfig ─────────────────────────────────────────────────────────────────────────────────────────

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/**
 * Reads the node's configuration from `argv` (without node and script: `process.argv.slice(2)`) and `env`.
 * Validates everything first and throws `ConfigError` listing every bad option ("--port: expected a port, an
 * integer 0–65535, got 'abc'"); then prepares the data directory: creates it (mode 0700; one that exists and
 * is open to other users is left as it is, with a warning saying how to close it), reads or creates
 * `<data-dir>/node-id` (0600), and reads or generates the admin secret file (0600; a notice says where), which
 * is refused (`ConfigError`) when other users may read it.
 * `--help` is not handled here: check for it first and print `formatConfigHelp()`.
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): IngestConfig {
  const problems: string[] = [];
  const { values: v, given } = readValues(argv, env, problems);
  const nameOf = (key: keyof Options) => CONFIG_OPTIONS[key].flag;

  if (
    v.dataDir === undefined &&
    !problems.some((p) => p.startsWith('--data-dir') || p.startsWith('LAKESTREAM_DATA_DIR'))
  ) {
    problems.push(`--data-dir: required (or ${CONFIG_OPTIONS.dataDir.env})`);
  }
  if (v.insecureDevAdmin === true) {
    if (v.adminHost !== undefined && !LOOPBACK.has(v.adminHost)) {
      problems.push(
        `--insecure-dev-admin: allowed only with a loopback --admin-host (127.0.0.1, ::1 or localhost), got '${v.adminHost}'`,
      );
    }
    if (given.has('adminSecret') || given.has('adminSecretFile')) {
      problems.push('--insecure-dev-admin: cannot be combined with --admin-secret or --admin-secret-file');
    }
  }
  if (given.has('adminSecret') && given.has('adminSecretFile')) {
    problems.push('--admin-secret: give either --admin-secret or --admin-secret-file, not both');
  }
  const atLeast = (big: keyof Options, small: keyof Options, why: string) => {
    const a = v[big] as number | undefined;
    const b = v[small] as number | undefined;
    if (a !== undefined && b !== undefined && a < b) {
      problems.push(
        `${nameOf(big)}: must be at least ${nameOf(small)} (${formatBytes(b)}) ${why}, got ${formatBytes(a)}`,
      );
    }
  };
  atLeast('maxRequestBytes', 'maxRecordBytes', 'so that one record fits in a request');
  atLeast('streamInflightBytes', 'maxRequestBytes', 'so that one request fits in a stream');
  atLeast('nodeInflightBytes', 'streamInflightBytes', 'so that one stream fits in the node');
  const listeners: [keyof Options, keyof Options][] = [
    ['host', 'port'],
    ['adminHost', 'adminPort'],
    ['metricsHost', 'metricsPort'],
  ];
  for (let i = 0; i < listeners.length; i++) {
    for (let j = i + 1; j < listeners.length; j++) {
      const [, pa] = listeners[i]!;
      const [, pb] = listeners[j]!;
      if (v[pa] !== undefined && v[pa] !== 0 && v[pa] === v[pb]) {
        problems.push(
          `${nameOf(pb)}: ${String(v[pb])} is already ${nameOf(pa)}; each endpoint needs its own port`,
        );
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = v.dataDir!;
  const notices: string[] = [];
  const warnings: string[] = [];
  try {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (error) {
    throw new ConfigError([`--data-dir: cannot create '${dataDir}': ${describe(error)}`]);
  }
  // A directory the node creates is its user's alone; one that was there is left as it is, with a warning.
  const dataDirMode = statSync(dataDir).mode;
  if (isOpenToOthers(dataDirMode)) {
    warnings.push(
      `the data directory ${dataDir} is open to other users (mode ${formatMode(dataDirMode)}), and it holds every acked record (the WAL), the catalog and the admin secret: run chmod 700 ${dataDir}`,
    );
  }
  const nodeId =
    v.nodeId ??
    readOrCreate(
      join(dataDir, 'node-id'),
      '--node-id',
      () => `node-${randomUUID()}`,
      PRIVATE_FILE_MODE,
      NODE_ID,
      notices,
    );

  let secret: string | undefined;
  let secretFile: string | undefined;
  if (v.insecureDevAdmin === true) {
    notices.push(
      'the admin API has no authentication (--insecure-dev-admin); never use this outside development',
    );
  } else if (v.adminSecret !== undefined) {
    secret = v.adminSecret;
  } else if (v.adminSecretFile !== undefined) {
    secretFile = v.adminSecretFile;
    refuseIfOpenToOthers(secretFile);
    secret = readExisting(secretFile, '--admin-secret-file', SECRET);
  } else {
    secretFile = join(dataDir, 'admin-secret');
    secret = readOrCreate(
      secretFile,
      '--admin-secret-file',
      () => randomBytes(32).toString('base64url'),
      PRIVATE_FILE_MODE,
      SECRET,
      notices,
    );
    refuseIfOpenToOthers(secretFile);
  }

  const wal: Record<string, unknown> = { dir: v.walDir ?? join(dataDir, 'wal') };
  if (v.walSegmentBytes !== undefined) wal.segmentBytes = v.walSegmentBytes;
  if (v.walGroupCommitBytes !== undefined) wal.groupCommitBytes = v.walGroupCommitBytes;
  if (v.walGroupCommitMs !== undefined) wal.groupCommitMs = v.walGroupCommitMs;

  const config: IngestConfig = {
    dataDir,
    nodeId,
    host: v.host!,
    port: v.port!,
    connectionPrefaceTimeoutMs: v.connectionPrefaceTimeoutMs!,
    admin: {
      host: v.adminHost!,
      port: v.adminPort!,
      secret,
      secretFile,
      insecure: v.insecureDevAdmin === true,
    },
    metrics: { host: v.metricsHost!, port: v.metricsPort! },
    provisioningFile: v.provisioningFile,
    logLevel: v.logLevel!,
    limits: {
      maxStreams: v.maxStreams!,
      maxStreamsPerPrincipal: v.maxStreamsPerPrincipal ?? defaultStreamsPerPrincipal(v.maxStreams!),
      streamHandshakeTimeoutMs: v.streamHandshakeTimeoutMs!,
      streamIdleTimeoutMs: v.streamIdleTimeoutMs!,
      maxRecordBytes: v.maxRecordBytes!,
      maxRequestBytes: v.maxRequestBytes!,
      streamInflightBytes: v.streamInflightBytes!,
      nodeInflightBytes: v.nodeInflightBytes!,
    },
    publish: {
      flushMs: v.flushMs!,
      flushBytes: v.flushBytes!,
      parquet: { compression: v.parquetCompression!, statistics: v.parquetStatistics! },
    },
    wal: wal as IngestConfig['wal'],
    drainGraceMs: v.drainGraceMs!,
    endedStreams: v.endedStreams!,
    orphanCleanup: { minAgeMs: v.orphanFileAgeMs!, intervalMs: v.orphanCleanupIntervalMs! },
    notices,
    warnings,
  };
  return deepFreeze(config);
}

// ─── 5. Files of the data directory ────────────────────────────────────────────────────────────────────────

/**
 * Throws `ConfigError` when the admin secret file may be read (or written) by other users: anyone who reads
 * it controls the node (catalog pushes, drains). The message names the file, its mode and the command.
 */
function refuseIfOpenToOthers(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    throw new ConfigError([`--admin-secret-file: cannot read '${file}': ${describe(error)}`]);
  }
  if (isOpenToOthers(mode)) {
    throw new ConfigError([
      `--admin-secret-file: ${file} is open to other users (mode ${formatMode(mode)}), and it holds the admin API's secret: run chmod 600 ${file}`,
    ]);
  }
}

/** Reads a one-line value file; throws `ConfigError` when it is missing or not of `kind`. */
function readExisting(path: string, flag: string, kind: Kind<string>): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new ConfigError([`${flag}: cannot read '${path}': ${describe(error)}`]);
  }
  const parsed = kind.schema.safeParse(text);
  if (!parsed.success) throw new ConfigError([`${flag}: the file '${path}' should hold ${kind.expected}`]);
  return parsed.data;
}

/** Reads a one-line value file, or creates it (exclusive create, fsync'd) with `make()` when absent. */
function readOrCreate(
  path: string,
  flag: string,
  make: () => string,
  mode: number,
  kind: Kind<string>,
  notices: string[],
): string {
  let fd: number;
  try {
    fd = openSync(path, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readExisting(path, flag, kind);
    throw new ConfigError([`${flag}: cannot create '${path}': ${describe(error)}`]);
  }
  const value = make();
  try {
    writeSync(fd, `${value}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  notices.push(`created ${path} (mode ${formatMode(mode)})`);
  return value;
}

// ─── 6. Help and helpers ───────────────────────────────────────────────────────────────────────────────────

/** The `--help` text: every option with its variable, default and purpose. */
export function formatConfigHelp(): string {
  const lines = [
    'Usage: lakestream-ingest --data-dir <dir> [options]',
    '',
    'Options (flag, environment variable, default):',
  ];
  for (const o of Object.values(CONFIG_OPTIONS)) {
    lines.push(
      `  ${o.flag}${o.isSwitch ? '' : ' <value>'}   ${o.env}   default: ${o.defaultDoc}`,
      `      ${o.doc}`,
    );
  }
  return lines.join('\n');
}

/** The options as a Markdown table (README-config.md holds it verbatim; a test keeps them equal). */
export function formatConfigTable(): string {
  const esc = (s: string) => s.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const rows = Object.values(CONFIG_OPTIONS).map((o: ConfigOption) => {
    const accepts = o.isSwitch ? 'a switch (variable: true/false, 1/0)' : esc(o.kind.expected);
    return `| \`${o.flag}\` | \`${o.env}\` | ${esc(o.defaultDoc)} | ${accepts} | ${esc(o.doc)} |`;
  });
  return [
    '| flag | environment variable | default | accepts | what it does |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', GiB],
    ['MiB', MiB],
    ['KiB', KiB],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return `${n} bytes`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

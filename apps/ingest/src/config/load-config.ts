import { join } from 'node:path';
import { defaultStreamsPerPrincipal } from '../stream/abuse-limits.js';
import type { WalOptions } from '../wal/wal.js';
import { ConfigError } from './config-error.js';
import { CONFIG_OPTIONS, type Options } from './options.js';
import { readValues } from './read-options.js';
import {
  formatBytes,
  type LogLevel,
  type PARQUET_COMPRESSIONS,
  type PARQUET_STATISTICS,
} from './value-kinds.js';

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
    /** 0: off. */
    readonly maxVisibleDelayMs: number;
    /** How data files are encoded. */
    readonly parquet: {
      readonly compression: (typeof PARQUET_COMPRESSIONS)[number];
      readonly statistics: (typeof PARQUET_STATISTICS)[number];
      readonly rowGroupBytes: number;
    };
  };
  /** The WAL directory, and the WAL options that were set (the WAL's own defaults apply to the others). */
  readonly wal: { readonly dir: string } & Readonly<
    Pick<WalOptions, 'segmentBytes' | 'groupCommitBytes' | 'groupCommitMs'>
  >;
  /** How long a drain (admin `Drain` with grace 0, or SIGTERM) lets streams finish. */
  readonly drainGraceMs: number;
  /** Hot routing: the load thresholds over which new streams are refused (0: off), and shedding. */
  readonly routing: {
    readonly busyStreams: number;
    readonly busyInflightFraction: number;
    readonly busyWalBacklogBytes: number;
    /** 0: never shed. */
    readonly shedIntervalMs: number;
    readonly shedStreams: number;
  };
  /** Ended streams the node remembers for the admin API's `ListEndedStreams`. */
  readonly endedStreams: number;
  /** Removing crash leftovers from the tables (see `startOrphanCleanup`); `intervalMs` 0: off. */
  readonly orphanCleanup: { readonly minAgeMs: number; readonly intervalMs: number };
  /** Registration with the console (`--control-plane-url`); `undefined`: the node does not register. */
  readonly controlPlane:
    | {
        readonly url: string;
        /** `host:port` producers reach; `undefined`: derived from `--host`/`--port` once listening. */
        readonly advertiseAddress: string | undefined;
        readonly heartbeatMs: number;
      }
    | undefined;
  /** Things worth one log line at start (a generated admin secret and where it is). Never the secret. */
  readonly notices: readonly string[];
  /** Things worth a warning at start (a data directory other users can read, and the command to close it). */
  readonly warnings: readonly string[];
}

/**
 * The configuration as `loadConfig` reads it, before `prepareDataDir`: `nodeId` and `admin.secret` /
 * `admin.secretFile` only as the options gave them (the files are read or created by `prepareDataDir`), no
 * notices or warnings yet.
 */
export type LoadedConfig = Omit<IngestConfig, 'nodeId' | 'notices' | 'warnings'> & {
  readonly nodeId: string | undefined;
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/**
 * Reads the node's configuration from `argv` (without node and script: `process.argv.slice(2)`) and `env`,
 * and writes nothing: `prepareDataDir` then creates the data directory and its files. Validates everything
 * and throws `ConfigError` listing every bad option ("--port: expected an integer 0–65535, got 'abc'").
 * `--help` is not handled here: check for it first and print `formatConfigHelp()`.
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LoadedConfig {
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
  const wal: Record<string, unknown> = { dir: v.walDir ?? join(dataDir, 'wal') };
  if (v.walSegmentBytes !== undefined) wal.segmentBytes = v.walSegmentBytes;
  if (v.walGroupCommitBytes !== undefined) wal.groupCommitBytes = v.walGroupCommitBytes;
  if (v.walGroupCommitMs !== undefined) wal.groupCommitMs = v.walGroupCommitMs;

  const config: LoadedConfig = {
    dataDir,
    nodeId: v.nodeId,
    host: v.host!,
    port: v.port!,
    connectionPrefaceTimeoutMs: v.connectionPrefaceTimeoutMs!,
    admin: {
      host: v.adminHost!,
      port: v.adminPort!,
      secret: v.adminSecret,
      secretFile: v.adminSecretFile,
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
      maxVisibleDelayMs: v.maxVisibleDelayMs!,
      parquet: {
        compression: v.parquetCompression!,
        statistics: v.parquetStatistics!,
        rowGroupBytes: v.parquetRowGroupBytes!,
      },
    },
    wal: wal as IngestConfig['wal'],
    drainGraceMs: v.drainGraceMs!,
    routing: {
      busyStreams: v.busyStreams!,
      busyInflightFraction: v.busyInflightFraction!,
      busyWalBacklogBytes: v.busyWalBacklogBytes!,
      shedIntervalMs: v.shedIntervalMs!,
      shedStreams: v.shedStreams!,
    },
    endedStreams: v.endedStreams!,
    orphanCleanup: { minAgeMs: v.orphanFileAgeMs!, intervalMs: v.orphanCleanupIntervalMs! },
    controlPlane:
      v.controlPlaneUrl === undefined
        ? undefined
        : { url: v.controlPlaneUrl, advertiseAddress: v.advertiseAddress, heartbeatMs: v.heartbeatMs! },
  };
  return deepFreeze(config);
}

/** Freezes `value` and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

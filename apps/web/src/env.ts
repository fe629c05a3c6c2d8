import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/** One ingest node the console provisions: its admin API address and where its admin secret is kept. */
export interface IngestNodeConfig {
  /** `host:port` of the node's admin gRPC API. */
  readonly address: string;
  /** A file holding the node's admin bearer secret (the node's `<data-dir>/admin-secret`); none = insecure dev. */
  readonly secretFile?: string | undefined;
}

/** The console's validated configuration. */
export interface WebEnv {
  /** Where the console keeps its files (catalog, signing key, session secret). Default `./data`. */
  readonly dataDir: string;
  /** The SQLite catalog file. Default `<dataDir>/catalog.db`. Unused when `databaseUrl` is set. */
  readonly catalogPath: string;
  /** A PostgreSQL catalog (`postgres://…`), instead of the SQLite file: for clusters. */
  readonly databaseUrl: string | undefined;
  /** The first admin, created at start when no admin exists (both or neither). */
  readonly adminEmail?: string | undefined;
  readonly adminPassword?: string | undefined;
  /** The console's public URL, without a trailing slash: the OAuth issuer and the only accepted Origin. */
  readonly publicUrl: string;
  /** `aud` of the access tokens (what ingest nodes expect). Default `lakestream-ingest`. */
  readonly tokenAudience: string;
  /** Access-token lifetime in seconds. Default 3600. */
  readonly tokenTtlSeconds: number;
  /** The ingest endpoint producers connect to (shown in SDK snippets). Default `http://127.0.0.1:50051`. */
  readonly ingestEndpoint: string;
  /** The nodes to provision. */
  readonly ingestNodes: readonly IngestNodeConfig[];
  /** Session-cookie key; generated and kept in `<dataDir>/session-secret` when not given. */
  readonly sessionSecret?: string | undefined;
  /** How often the reconciler compares node versions (ms). Default 5000. */
  readonly reconcileIntervalMs: number;
  /**
   * Where relative table locations of the catalog (`tables/main/sales/orders`) are, as the ingest nodes resolve
   * them against their `--data-dir`. Default `dataDir` (the one-command setup shares `./data`).
   */
  readonly tablesDir: string;
  /** How often the live-stream sampler asks every node its streams (ms). Default 1000. */
  readonly streamSampleMs: number;
  /** How long ended streams are kept in the stream history (days). Default 7. */
  readonly streamHistoryDays: number;
  /** How long the charts' minute history is kept (hours; at least the longest chart window, 24). Default 48. */
  readonly metricHistoryHours: number;
  /**
   * Nodes that register themselves (`--control-plane-url`): the file holding the admin secret they share (their
   * `--admin-secret-file`). Heartbeats must carry it, and the console calls those nodes' admin API with it.
   * Unset: heartbeats are refused and only `ingestNodes` are known.
   */
  readonly nodeSecretFile: string | undefined;
  /** Heartbeats a registered node may miss before it shows as unreachable. Default 3. */
  readonly nodeMissedBeats: number;
  /** How long a registered node that stopped beating is kept before it is dropped (ms). Default 1 hour. */
  readonly nodeDropAfterMs: number;
  /** How often the alert rules are evaluated (ms). Default 5000. */
  readonly alertIntervalMs: number;
}

const nodeSchema = z.strictObject({
  address: z.string().regex(/^[^\s=,]+:\d{1,5}$/, "expected 'host:port'"),
  secretFile: z.string().min(1).optional(),
});

/**
 * `LAKESTREAM_INGEST_NODES`: a JSON array of `{address, secretFile?}`, or a comma list of
 * `host:adminPort=secretFile` (`=secretFile` optional for a node started with `--insecure-dev-admin`).
 */
function parseNodes(text: string, ctx: z.RefinementCtx): IngestNodeConfig[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let raw: unknown;
  if (trimmed.startsWith('[')) {
    try {
      raw = JSON.parse(trimmed);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not JSON: ${(error as Error).message}` });
      return [];
    }
  } else {
    raw = trimmed.split(',').map((item) => {
      const [address, secretFile] = item.trim().split('=', 2);
      return secretFile === undefined || secretFile === '' ? { address } : { address, secretFile };
    });
  }
  const result = z.array(nodeSchema).safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', message: `${issue.path.join('.')}: ${issue.message}` });
    }
    return [];
  }
  return result.data.map((n) => (n.secretFile === undefined ? { address: n.address } : n));
}

const optionalText = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s));

const envSchema = z
  .object({
    LAKESTREAM_DATA_DIR: z.string().min(1).default('./data'),
    LAKESTREAM_CATALOG_PATH: optionalText,
    LAKESTREAM_DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//i, 'a PostgreSQL URL: postgres://user:password@host:5432/database')
        .optional(),
    ),
    LAKESTREAM_ADMIN_EMAIL: optionalText.pipe(z.email().optional()),
    LAKESTREAM_ADMIN_PASSWORD: optionalText.pipe(
      z.string().min(8, 'the admin password needs at least 8 characters').optional(),
    ),
    LAKESTREAM_PUBLIC_URL: z
      .url({ protocol: /^https?$/ })
      .default('http://127.0.0.1:3000')
      .transform((u) => u.replace(/\/+$/, '')),
    LAKESTREAM_TOKEN_AUDIENCE: z.string().min(1).default('lakestream-ingest'),
    LAKESTREAM_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
    LAKESTREAM_INGEST_ENDPOINT: z.string().min(1).default('http://127.0.0.1:50051'),
    LAKESTREAM_INGEST_NODES: z.string().default('').transform(parseNodes),
    LAKESTREAM_SESSION_SECRET: optionalText.pipe(
      z.string().min(32, 'the session secret needs at least 32 characters').optional(),
    ),
    LAKESTREAM_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
    LAKESTREAM_TABLES_DIR: optionalText,
    LAKESTREAM_STREAM_SAMPLE_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
    LAKESTREAM_STREAM_HISTORY_DAYS: z.coerce.number().min(0.001).max(3650).default(7),
    LAKESTREAM_METRIC_HISTORY_HOURS: z.coerce.number().min(24).max(8760).default(48),
    LAKESTREAM_NODE_SECRET_FILE: optionalText,
    LAKESTREAM_NODE_MISSED_BEATS: z.coerce.number().int().min(1).max(1000).default(3),
    LAKESTREAM_NODE_DROP_AFTER_MS: z.coerce.number().int().min(1000).default(3_600_000),
    LAKESTREAM_ALERT_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  })
  .superRefine((e, ctx) => {
    if ((e.LAKESTREAM_ADMIN_EMAIL === undefined) !== (e.LAKESTREAM_ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['LAKESTREAM_ADMIN_EMAIL'],
        message: 'set both LAKESTREAM_ADMIN_EMAIL and LAKESTREAM_ADMIN_PASSWORD, or neither',
      });
    }
  });

/** Every variable the console reads (`LAKESTREAM_*`): what deploy manifests may set. */
export const WEB_ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** The console's configuration error: every problem, with the variable it is about. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  readonly code = 'INVALID_ENV';
}

/**
 * Validates the console's environment variables (`source`, normally `process.env`) and applies the defaults.
 * Relative paths are resolved against the working directory. Throws `EnvError` listing every bad variable.
 */
export function parseEnv(source: Readonly<Record<string, string | undefined>>): WebEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new EnvError(`invalid console configuration: ${problems.join('; ')}`);
  }
  const e = result.data;
  const dataDir = resolve(/* turbopackIgnore: true */ e.LAKESTREAM_DATA_DIR);
  const catalogPath = e.LAKESTREAM_CATALOG_PATH ?? join(dataDir, 'catalog.db');
  return {
    dataDir,
    catalogPath:
      catalogPath === ':memory:' || isAbsolute(catalogPath)
        ? catalogPath
        : resolve(/* turbopackIgnore: true */ catalogPath),
    databaseUrl: e.LAKESTREAM_DATABASE_URL,
    adminEmail: e.LAKESTREAM_ADMIN_EMAIL,
    adminPassword: e.LAKESTREAM_ADMIN_PASSWORD,
    publicUrl: e.LAKESTREAM_PUBLIC_URL,
    tokenAudience: e.LAKESTREAM_TOKEN_AUDIENCE,
    tokenTtlSeconds: e.LAKESTREAM_TOKEN_TTL_SECONDS,
    ingestEndpoint: e.LAKESTREAM_INGEST_ENDPOINT,
    ingestNodes: e.LAKESTREAM_INGEST_NODES,
    sessionSecret: e.LAKESTREAM_SESSION_SECRET,
    reconcileIntervalMs: e.LAKESTREAM_RECONCILE_INTERVAL_MS,
    tablesDir:
      e.LAKESTREAM_TABLES_DIR === undefined
        ? dataDir
        : resolve(/* turbopackIgnore: true */ e.LAKESTREAM_TABLES_DIR),
    streamSampleMs: e.LAKESTREAM_STREAM_SAMPLE_MS,
    streamHistoryDays: e.LAKESTREAM_STREAM_HISTORY_DAYS,
    metricHistoryHours: e.LAKESTREAM_METRIC_HISTORY_HOURS,
    nodeSecretFile:
      e.LAKESTREAM_NODE_SECRET_FILE === undefined
        ? undefined
        : resolve(/* turbopackIgnore: true */ e.LAKESTREAM_NODE_SECRET_FILE),
    nodeMissedBeats: e.LAKESTREAM_NODE_MISSED_BEATS,
    nodeDropAfterMs: e.LAKESTREAM_NODE_DROP_AFTER_MS,
    alertIntervalMs: e.LAKESTREAM_ALERT_INTERVAL_MS,
  };
}

let cached: WebEnv | undefined;

/** The console's configuration from `process.env`, validated once (the only place that reads it). */
export function getEnv(): WebEnv {
  cached ??= parseEnv(process.env);
  return cached;
}

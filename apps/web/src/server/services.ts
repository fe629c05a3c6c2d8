import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogDb, OpenCatalog, ProvisioningSnapshot } from '@lakestream/catalog';
import { getEnv, type WebEnv } from '../env';
import { type AlertEvaluator, createAlertEvaluator } from './alerts/alert-evaluator';
import { createLiveAlertFigures } from './alerts/alert-figures';
import {
  createWebhookDelivery,
  type WebhookDelivery,
  type WebhookDeliveryOptions,
} from './alerts/webhook-delivery';
import { setPassword } from './auth/passwords';
import { createSignInThrottle, type SignInThrottle } from './auth/sign-in-throttle';
import { ensureWebTables } from './auth/web-store';
import {
  buildProvisioningSnapshot,
  createUser,
  listPrincipals,
  openCatalog,
  recordAlertDelivery,
  SYSTEM_ACTOR,
} from './catalog';
import { connectAdmin } from './nodes/admin-client';
import type { NodeSource } from './nodes/known-nodes';
import { createProvisioner, type Provisioner, type ProvisionerOptions } from './nodes/provisioning';
import { reachableRegisteredNodes } from './nodes/registered-nodes';
import { loadOrCreateSigningKey, type SigningKey, toSnapshotTokenKey } from './oauth/signing-key';
import { readOrCreateSecretFile } from './secret-file';
import { createMetricHistorySink, type MetricSink } from './streams/metric-history';
import { createStreamHistorySink } from './streams/stream-history';
import { createStreamSampler, type StreamSampler } from './streams/stream-sampler';

/** Everything the console's procedures and routes share: the catalog, keys, provisioning. */
export interface WebServices extends AsyncDisposable {
  readonly env: WebEnv;
  readonly catalog: OpenCatalog;
  readonly db: CatalogDb;
  readonly signingKey: SigningKey;
  readonly sessionSecret: string;
  readonly provisioner: Provisioner;
  /** Every node's live streams, sampled in the background (`streams.live`). */
  readonly streamSampler: StreamSampler;
  /** The chart history the sampler writes (minute buckets in the catalog), and its minute still open. */
  readonly metricHistory: MetricSink;
  /** Failed sign-ins per e-mail and address. */
  readonly signInThrottle: SignInThrottle;
  /** The alert rules' evaluator (its timer runs every `LAKESTREAM_ALERT_INTERVAL_MS`). */
  readonly alerts: AlertEvaluator;
  /** The alert webhooks' queue (outbound POSTs from the console). */
  readonly webhooks: WebhookDelivery;
  /** The snapshot ingest nodes get now (issuer, audience and public key included). */
  snapshot(): Promise<ProvisioningSnapshot>;
  close(): Promise<void>;
}

/** Options of `openWebServices` (tests). */
export interface WebServicesOptions {
  /** Start the periodic reconciler. Default true. */
  readonly reconcile?: boolean;
  /** Start the live-stream sampler's timer. Default true. */
  readonly sampleStreams?: boolean;
  /** Replaces the admin-API connector (default: `connectAdmin`). */
  readonly connect?: ProvisionerOptions['connect'];
  /** A signing key instead of the one under the data directory. */
  readonly signingKey?: SigningKey;
  /** Start the alert evaluator's timer. Default true. */
  readonly evaluateAlerts?: boolean;
  /** Webhook retry and timeout settings instead of `WEBHOOK_DEFAULTS` (tests). */
  readonly webhooks?: Omit<WebhookDeliveryOptions, 'record' | 'log'>;
}

/** Whether any enabled admin user exists (else the console offers first-run setup). */
export async function hasAdmin(db: CatalogDb): Promise<boolean> {
  return (await listPrincipals(db)).some((p) => p.kind === 'user' && p.role === 'admin' && !p.disabled);
}

/**
 * Opens the console's services for `env`: the catalog (migrated; PostgreSQL at `databaseUrl` when set, else
 * the SQLite file at `catalogPath`), the console's own tables, the session
 * secret and signing key (generated under the data directory on first start), the provisioner (and its
 * reconciler), the live-stream sampler (and its timer), the alert evaluator (and its timer) with its webhook queue. Creates the first admin from `LAKESTREAM_ADMIN_EMAIL`/`…_PASSWORD` when no admin exists.
 * Throws when the data directory or catalog cannot be opened.
 */
export async function openWebServices(env: WebEnv, options: WebServicesOptions = {}): Promise<WebServices> {
  mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
  const catalog = await openCatalog({ url: env.databaseUrl ?? env.catalogPath });
  try {
    await ensureWebTables(catalog);
    const { db } = catalog;
    const signingKey = options.signingKey ?? loadOrCreateSigningKey(env.dataDir);
    const sessionSecret =
      env.sessionSecret ??
      readOrCreateSecretFile(join(env.dataDir, 'session-secret'), () =>
        randomBytes(32).toString('base64url'),
      );
    const snapshot = async () =>
      await buildProvisioningSnapshot(db, {
        issuer: env.publicUrl,
        audience: env.tokenAudience,
        tokenKeys: [toSnapshotTokenKey(signingKey)],
      });
    const warn = (message: string, details: Record<string, unknown>) =>
      console.warn(JSON.stringify({ level: 'warn', message, ...details }));
    // The nodes the console knows, for the provisioner and the sampler alike: the static list, and the nodes
    // registered by heartbeat still beating (when registration is on).
    const nodeSource: NodeSource = {
      nodes: env.ingestNodes,
      discover: env.nodeSecretFile === undefined ? undefined : () => reachableRegisteredNodes(db, env),
    };
    const provisioner = createProvisioner({
      ...nodeSource,
      snapshot,
      connect: options.connect ?? connectAdmin,
      log: warn,
    });
    const metricHistory = createMetricHistorySink(db, env.metricHistoryHours);
    const streamSampler = createStreamSampler({
      ...nodeSource,
      connect: options.connect ?? connectAdmin,
      intervalMs: env.streamSampleMs,
      log: warn,
      history: createStreamHistorySink(db, env.streamHistoryDays),
      metrics: metricHistory,
    });
    const webhooks = createWebhookDelivery({
      ...options.webhooks,
      record: (ruleId, outcome) => recordAlertDelivery(db, ruleId, outcome),
      log: warn,
    });
    const alerts = createAlertEvaluator({
      db,
      figures: createLiveAlertFigures({ db, sampler: streamSampler, nodeMissedBeats: env.nodeMissedBeats }),
      intervalMs: env.alertIntervalMs,
      consoleUrl: new URL('/alerts', env.publicUrl).toString(),
      deliver: webhooks.enqueue,
      log: warn,
    });
    if (env.adminEmail !== undefined && env.adminPassword !== undefined && !(await hasAdmin(db))) {
      const admin = await createUser(db, SYSTEM_ACTOR, { name: env.adminEmail, role: 'admin' });
      await setPassword(db, admin.id, env.adminPassword);
    }
    if (options.reconcile ?? true) provisioner.start(env.reconcileIntervalMs);
    if (options.sampleStreams ?? true) streamSampler.start();
    if (options.evaluateAlerts ?? true) alerts.start();
    const close = async () => {
      await alerts.close();
      await webhooks.close();
      await streamSampler.close();
      await provisioner.close();
      await catalog.close();
    };
    return {
      env,
      catalog,
      db,
      signingKey,
      sessionSecret,
      provisioner,
      streamSampler,
      metricHistory,
      signInThrottle: createSignInThrottle(),
      alerts,
      webhooks,
      snapshot,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await catalog.close();
    throw error;
  }
}

const globalServices = globalThis as { __lakestreamServices?: Promise<WebServices> | undefined };

/**
 * The process's services, opened on first use from the validated environment. Kept on `globalThis` so that
 * Next's separately bundled routes (and dev-mode reloads) share one catalog connection and one reconciler.
 */
export function getServices(): Promise<WebServices> {
  globalServices.__lakestreamServices ??= openWebServices(getEnv()).catch((error: unknown) => {
    globalServices.__lakestreamServices = undefined;
    throw error;
  });
  return globalServices.__lakestreamServices;
}

#!/usr/bin/env node
import { startAdminServer } from './admin/admin-server.js';
import { createAuthenticator } from './auth/create-authenticator.js';
import { openCatalogStore } from './catalog/catalog-store.js';
import { runHeldCommand } from './cli/held-command.js';
import { INGEST_NODE_DEFAULTS } from './config/node-defaults.js';
import { ConfigError, formatConfigHelp, type IngestConfig, loadConfig, prepareDataDir } from './config.js';
import { advertisedAddresses } from './control-plane/advertised-addresses.js';
import { startHeartbeat } from './control-plane/heartbeat.js';
import { NODE_VERSION } from './control-plane/node-version.js';
import { createReportedLoadMeter } from './control-plane/reported-load.js';
import { notReadyReasons } from './load/node-readiness.js';
import { createMetrics } from './metrics/create-metrics.js';
import { createLogger } from './metrics/logger.js';
import { startMetricsServer } from './metrics/metrics-server.js';
import { openIngestNode } from './server-node.js';

/**
 * `lakestream-ingest`: config → catalog store → authenticator → WAL + publishers (recovery) → Zerobus gRPC
 * server → admin API (push catalog, list streams, drain) → metrics endpoint, logging JSON lines with pino. SIGTERM/SIGINT drain (stop accepting,
 * `close_stream_signal` to every stream, last acks, publish, fsync) and exit 0; a second signal forces.
 */
async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === 'held') {
    const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
    process.exitCode = await runHeldCommand(
      argv.slice(1),
      process.env,
      write(process.stdout),
      write(process.stderr),
    );
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      `${formatConfigHelp()}\n\nOperator commands (against a running node's admin API):\n  lakestream-ingest held list|discard|quarantine   acked WAL entries that cannot be published (held --help)\n`,
    );
    return;
  }
  let config: IngestConfig;
  try {
    const loaded = loadConfig(argv, process.env);
    config = prepareDataDir(loaded);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const log = createLogger({ level: config.logLevel, nodeId: config.nodeId });
  for (const notice of config.notices) log.info({}, notice);
  for (const warning of config.warnings) log.warn({}, warning);
  const catalog = await openCatalogStore({
    dataDir: config.dataDir,
    provisioningFile: config.provisioningFile,
  });
  const metrics = createMetrics();
  const node = await openIngestNode({
    dataDir: config.dataDir,
    walDir: config.wal.dir,
    wal: stripUndefined({
      segmentBytes: config.wal.segmentBytes,
      groupCommitBytes: config.wal.groupCommitBytes,
      groupCommitMs: config.wal.groupCommitMs,
    }),
    nodeId: config.nodeId,
    catalog,
    authenticator: createAuthenticator(catalog),
    host: config.host,
    port: config.port,
    connectionPrefaceTimeoutMs: config.connectionPrefaceTimeoutMs,
    limits: {
      maxRequestBytes: config.limits.maxRequestBytes,
      maxRecordBytes: config.limits.maxRecordBytes,
      streamInFlightBytes: config.limits.streamInflightBytes,
      maxStreams: config.limits.maxStreams,
      maxStreamsPerPrincipal: config.limits.maxStreamsPerPrincipal,
      handshakeTimeoutMs: config.limits.streamHandshakeTimeoutMs,
      idleTimeoutMs: config.limits.streamIdleTimeoutMs,
    },
    endedStreams: config.endedStreams,
    nodeBufferBytes: config.limits.nodeInflightBytes,
    flushBytes: config.publish.flushBytes,
    parquet: config.publish.parquet,
    flushMs: config.publish.flushMs,
    maxVisibleDelayMs: config.publish.maxVisibleDelayMs,
    log,
    metrics,
    orphanCleanup: config.orphanCleanup,
    busy: {
      streams: config.routing.busyStreams,
      inflightFraction: config.routing.busyInflightFraction,
      walBacklogBytes: config.routing.busyWalBacklogBytes,
    },
    shed: {
      intervalMs: config.routing.shedIntervalMs,
      streamsPerInterval: config.routing.shedStreams,
      graceMs: config.drainGraceMs,
    },
  });
  metrics.attachStreams(node.live);
  if (node.server.load !== undefined) metrics.attachLoad(node.server.load);
  metrics.attachCatalog(catalog);
  metrics.attachHealth(node.health);
  setInterval(() => metrics.inflightBytes.set(node.pipeline.nodeBudget.used), 1000).unref();
  const metricsServer = await startMetricsServer({
    host: config.metrics.host,
    port: config.metrics.port,
    registry: metrics.registry,
    health: node.health,
    readiness: () => notReadyReasons({ live: node.live, load: node.server.load, health: node.health }),
  });
  const admin = await startAdminServer({
    host: config.admin.host,
    port: config.admin.port,
    secret: config.admin.secret,
    catalog,
    streams: node.live,
    publishing: node.publishers,
    nodeId: config.nodeId,
    defaultDrainGraceMs: config.drainGraceMs,
    health: node.health,
    held: { list: () => node.held.list(), quarantineDir: node.quarantineDir, resolve: node.resolveHeld },
    log,
    onDrain: async (graceMs) => {
      const signalled = node.live.size;
      void node.live.drain(graceMs);
      return signalled;
    },
  });
  log.info(
    {
      port: node.port,
      adminPort: admin.port,
      metricsPort: metricsServer.port,
      catalogVersion: catalog.current().version,
    },
    'lakestream-ingest ready',
  );

  // Registration with the console: a heartbeat on its own timers, never in the data path.
  const heartbeat =
    config.controlPlane === undefined
      ? undefined
      : startHeartbeat({
          url: config.controlPlane.url,
          secret: config.admin.secret,
          identity: {
            nodeId: node.nodeId,
            ...advertisedAddresses({
              advertise: config.controlPlane.advertiseAddress,
              host: config.host,
              port: node.port,
              adminPort: admin.port,
            }),
            version: NODE_VERSION,
            startedAt: Date.now(),
          },
          load: createReportedLoadMeter({
            live: node.live,
            publishers: node.publishers,
            budget: node.pipeline.nodeBudget,
            recoveryRemaining: () => node.health().recoveryRemaining,
          }).read,
          intervalMs: config.controlPlane.heartbeatMs,
          maxBackoffMs: INGEST_NODE_DEFAULTS.heartbeatMaxBackoffMs,
          log,
        });

  // Health changes go to the log once each (the reasons, when degraded or failed).
  let lastHealth = '';
  setInterval(() => {
    const health = node.health();
    const key = `${health.state}|${health.reasons.join('|')}`;
    if (key === lastHealth) return;
    lastHealth = key;
    if (health.state === 'ok') log.info({ health: health.state }, 'node healthy');
    else log.warn({ health: health.state, reasons: health.reasons }, `node ${health.state}`);
  }, 2000).unref();

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: stopping now');
      node.server.forceClose();
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, drainMs: config.drainGraceMs }, 'draining');
    void (async () => {
      try {
        await node.close(config.drainGraceMs);
        await heartbeat?.close();
        await admin.close(1000);
        await metricsServer.close();
        log.info({}, 'stopped');
        process.exit(0);
      } catch (err) {
        log.error({ err }, 'stop failed');
        process.exit(1);
      }
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** `{a: 1, b: undefined}` → `{a: 1}` (options that were not set keep the library's default). */
function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(
    `lakestream-ingest failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});

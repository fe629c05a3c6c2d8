/** Prometheus metrics, the /metrics + /healthz endpoint, and the pino logger of an ingest node. */
export {
  ACK_LATENCY_BUCKETS,
  createMetrics,
  FSYNC_BUCKETS,
  type IngestMetrics,
  type MetricsOptions,
  PUBLISH_LAG_BUCKETS,
} from './create-metrics.js';
export { createLogger, type LoggerOptions, REDACTED_PATHS } from './logger.js';
export { type MetricsServer, type MetricsServerOptions, startMetricsServer } from './metrics-server.js';

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { NodeHealth } from '../node-health.js';

/** Options of `startMetricsServer`. */
export interface MetricsServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly registry: Registry;
  /**
   * `/healthz` answers 200 `ok`; 200 `degraded: <reasons>` while the node serves but needs attention (a
   * backlog being replayed, a table store that refuses writes, held entries): restarting it would not help;
   * 503 `unhealthy: <reasons>` when it failed (its WAL: it acks nothing more), so an orchestrator stops
   * sending it traffic and restarts it. Default: always ok.
   */
  readonly health?: () => Pick<NodeHealth, 'state' | 'reasons'>;
  /**
   * `/readyz` answers 200 `ready` while the node takes new streams, 503 `not ready: <reasons>` while it refuses
   * them (draining, over a load threshold, failed), so a load balancer's health check sends new streams
   * elsewhere; streams already open stay. Default: always ready.
   */
  readonly readiness?: () => readonly string[];
}

/** A running metrics endpoint. */
export interface MetricsServer extends AsyncDisposable {
  /** The port it listens on (the chosen one when started with 0). */
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text format, from `registry`), `GET /healthz` (liveness) and `GET /readyz`
 * (takes new streams) over plain node:http.
 * Other paths are 404, other methods 405. Rejects when the port cannot be bound.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const health = options.health ?? (() => ({ state: 'ok', reasons: [] }));
  const readiness = options.readiness ?? (() => []);
  const server = createServer((req, res) => {
    handle(req, res, options.registry, health, readiness).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return { port: (server.address() as AddressInfo).port, close, [Symbol.asyncDispose]: close };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  registry: Registry,
  health: () => Pick<NodeHealth, 'state' | 'reasons'>,
  readiness: () => readonly string[],
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://metrics').pathname;
  if (path !== '/metrics' && path !== '/healthz' && path !== '/readyz') {
    res
      .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      .end('not found: try /metrics, /healthz or /readyz\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res
      .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
      .end('method not allowed\n');
    return;
  }
  if (path === '/healthz') {
    const { state, reasons } = health();
    res.writeHead(state === 'failed' ? 503 : 200, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    const word = state === 'failed' ? 'unhealthy' : state;
    res.end(state === 'ok' ? 'ok\n' : `${word}: ${reasons.join('; ')}\n`);
    return;
  }
  if (path === '/readyz') {
    const reasons = readiness();
    res.writeHead(reasons.length === 0 ? 200 : 503, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(reasons.length === 0 ? 'ready\n' : `not ready: ${reasons.join('; ')}\n`);
    return;
  }
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

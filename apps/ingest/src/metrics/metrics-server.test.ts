import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamInfo, StreamRegistry } from '../admin/stream-registry.js';
import { createMemoryCatalogSource } from '../catalog/memory-catalog-source.js';
import { snapshotFixture } from '../catalog/snapshot-fixture.js';
import { createMetrics } from './create-metrics.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';

/** GET (or another method) over a fresh connection; resolves with status, content type and body. */
function get(port: number, path: string, method = 'GET') {
  return new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function stream(id: string, table: string, kind: StreamInfo['kind']): StreamInfo {
  return {
    streamId: id,
    kind,
    table,
    principalId: 'svc-orders',
    startedAt: 0,
    state: 'open',
    records: 10,
    bytes: 1000,
    ackedOffset: 4n,
    ackLatencyP50Ms: 2,
    ackLatencyP99Ms: 9,
    errors: 0,
    inFlightBytes: 128,
  };
}

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('metrics server', () => {
  it('serves every lakestream metric, with per-stream series read from the registry at scrape time', async () => {
    const metrics = createMetrics();
    const live: StreamInfo[] = [
      stream('s1', 'main.sales.orders', 'ephemeral'),
      stream('s2', 'main.sales.orders', 'persistent'),
    ];
    const registry: StreamRegistry = { list: () => live };
    metrics.attachStreams(registry);
    metrics.attachCatalog(createMemoryCatalogSource(snapshotFixture({ version: 7 })));
    metrics.recordsReceived.inc({ table: 'main.sales.orders' }, 10);
    metrics.bytesReceived.inc({ table: 'main.sales.orders' }, 1000);
    metrics.acks.inc({ table: 'main.sales.orders' });
    metrics.recordsAcked.inc({ table: 'main.sales.orders' }, 10);
    metrics.ackLatency.observe({ table: 'main.sales.orders' }, 0.003);
    metrics.walFsyncLatency.observe(0.0004);
    metrics.publishLag.observe({ table: 'main.sales.orders' }, 1.2);
    metrics.commits.inc({ table: 'main.sales.orders' });
    metrics.errors.inc({ code: 'INVALID_ARGUMENT' });
    metrics.inflightBytes.set(4096);

    server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry: metrics.registry });
    const res = await get(server.port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    for (const name of [
      'lakestream_records_received_total{table="main.sales.orders"} 10',
      'lakestream_bytes_received_total{table="main.sales.orders"} 1000',
      'lakestream_acks_total{table="main.sales.orders"} 1',
      'lakestream_records_acked_total{table="main.sales.orders"} 10',
      'lakestream_ack_latency_seconds_bucket{le="0.0005",table="main.sales.orders"} 0',
      'lakestream_ack_latency_seconds_bucket{le="0.005",table="main.sales.orders"} 1',
      'lakestream_ack_latency_seconds_bucket{le="5",table="main.sales.orders"} 1',
      'lakestream_wal_fsync_seconds_count 1',
      'lakestream_publish_lag_seconds_count{table="main.sales.orders"} 1',
      'lakestream_commits_total{table="main.sales.orders"} 1',
      'lakestream_errors_total{code="INVALID_ARGUMENT"} 1',
      'lakestream_streams{table="main.sales.orders",kind="ephemeral"} 1',
      'lakestream_streams{table="main.sales.orders",kind="persistent"} 1',
      'lakestream_inflight_bytes 4096',
      'lakestream_catalog_version 7',
      'lakestream_stream_records{stream_id="s1",table="main.sales.orders"} 10',
      'lakestream_stream_bytes{stream_id="s2",table="main.sales.orders"} 1000',
      'lakestream_stream_acked_offset{stream_id="s1",table="main.sales.orders"} 4',
      'lakestream_stream_inflight_bytes{stream_id="s2",table="main.sales.orders"} 128',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(res.body).toContain(name);
    }

    // A stream that ended takes its series with it.
    live.pop();
    const after = (await get(server.port, '/metrics')).body;
    expect(after).toContain('stream_id="s1"');
    expect(after).not.toContain('stream_id="s2"');
    expect(after).not.toContain('kind="persistent"');
  });

  it('answers /healthz: 200 ok, 200 degraded with the reasons, 503 when failed; 404 and 405 otherwise', async () => {
    let health: { state: 'ok' | 'degraded' | 'failed'; reasons: string[] } = { state: 'ok', reasons: [] };
    server = await startMetricsServer({
      port: 0,
      registry: createMetrics({ defaultMetrics: false }).registry,
      health: () => health,
    });
    expect(await get(server.port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    health = { state: 'degraded', reasons: ['publishing to table a.b.c fails', 'recovering'] };
    expect(await get(server.port, '/healthz')).toMatchObject({
      status: 200,
      body: 'degraded: publishing to table a.b.c fails; recovering\n',
    });
    health = { state: 'failed', reasons: ['WAL failed: disk full'] };
    expect(await get(server.port, '/healthz')).toMatchObject({
      status: 503,
      body: 'unhealthy: WAL failed: disk full\n',
    });
    expect((await get(server.port, '/nope')).status).toBe(404);
    expect((await get(server.port, '/metrics', 'POST')).status).toBe(405);
    expect(await get(server.port, '/metrics', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('refuses a port in use', async () => {
    server = await startMetricsServer({
      port: 0,
      registry: createMetrics({ defaultMetrics: false }).registry,
    });
    await expect(
      startMetricsServer({ port: server.port, registry: createMetrics({ defaultMetrics: false }).registry }),
    ).rejects.toThrow(/EADDRINUSE/);
  });

  it('keeps separate registries apart', () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.commits.inc({ table: 't' });
    expect(a.registry).not.toBe(b.registry);
  });
});

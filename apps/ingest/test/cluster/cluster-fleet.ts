import { loadZerobusSdk, type ZerobusSdkStream } from '@lakestream/testkit';
import { createAdminClient } from '../../src/admin/admin-client.js';
import type { Fleet, Load, Producer, ProducerSpec } from '../fault/producers.js';
import { type ChildNode, startChildNode } from '../support/child-node.js';
import { EVENTS, ORDERS } from '../support/test-catalog.js';

/*
 * The moving parts of the hot-routing test: ingest nodes as child processes, what each serves (admin
 * ListStreams, /metrics), grpc-js producers that reconnect through the balancer, official-SDK streams.
 */

/** The SDK streams' table: `id` and `item` (where the SDK's rows are audited). */
export const SDK_TABLE = 'main.sales.sdk_rows';

/**
 * `count` producers of `kind`, every format, shape and table in turn. A persistent stream resumed through the
 * balancer may land on another node: it is retried (UNAVAILABLE) until the node that held it released it.
 */
export function producerSpecsOf(kind: ProducerSpec['kind'], from: number, count: number): ProducerSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const index = from + i;
    const format = index % 2 === 0 ? 'json' : 'proto';
    const shape = Math.floor(index / 2) % 2 === 0 ? 'single' : 'batch';
    const table = Math.floor(index / 4) % 2 === 0 ? ORDERS : EVENTS;
    const short = table === ORDERS ? 'orders' : 'events';
    const name = `p${String(index).padStart(2, '0')}-${kind}-${format}-${shape}-${short}`;
    return { name, index, kind, format, shape, table } as const;
  });
}

/** `count` ephemeral producers (see {@link producerSpecsOf}). */
export function ephemeralSpecs(from: number, count: number): ProducerSpec[] {
  return producerSpecsOf('ephemeral', from, count);
}

/**
 * Keeps `producer` connected through the balancer on `port` until `stop`: each time its call ends (refused,
 * drained, cut) it connects again after 100 ms, and the balancer picks the node. Resolves once stopped.
 */
export async function keepConnected(producer: Producer, port: number, load: Load, stop: AbortSignal) {
  while (!stop.aborted) {
    await producer.connect(port, load, stop);
    if (!stop.aborted) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs `fleet`'s producers `from..to-1` with {@link keepConnected}. */
export function runProducers(
  fleet: Fleet,
  range: [number, number],
  port: number,
  load: Load,
  stop: AbortSignal,
) {
  return Promise.all(fleet.producers.slice(...range).map((p) => keepConnected(p, port, load, stop)));
}

/**
 * Each producer's last connection: re-sends what was not acked, sends a few more, half-closes and must end OK.
 * A connection refused (a busy or drained node the balancer has not marked down yet, a persistent stream
 * another node still holds) is tried again, up to `attempts` times.
 */
export async function finishProducers(fleet: Fleet, port: number, load: Load, attempts = 10): Promise<void> {
  const never = new AbortController().signal;
  await Promise.all(
    fleet.producers.map(async (p) => {
      for (let attempt = 1; ; attempt++) {
        const log = await p.connect(port, load, never, 3);
        if (log.ended.startsWith('status 0')) return;
        if (attempt >= attempts) throw new Error(`${p.spec.name} could not finish: ${log.ended}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }),
  );
}

/** A node of the cluster and its admin client. */
export interface ClusterNode extends ChildNode {
  readonly name: string;
  /** Live streams now (admin ListStreams). */
  streams(): Promise<number>;
  /** Live persistent streams now (admin ListStreams). */
  persistentStreams(): Promise<number>;
  /** Sends `Drain` through the admin API. */
  drain(graceMs: number): Promise<void>;
  /** One sample of a metric from `/metrics` (undefined when absent). */
  metric(line: RegExp): Promise<number | undefined>;
  stop(): Promise<number | string>;
}

/** How a cluster node gets its catalog and guards its admin API. */
export interface ClusterNodeOptions {
  /** A provisioning file loaded at start; none: the node waits for the console's push. */
  readonly provisioning?: string;
  /** The admin secret's file and its text (`--admin-secret-file`); none: `--insecure-dev-admin` on 127.0.0.1. */
  readonly adminSecret?: { readonly file: string; readonly secret: string };
  /** More flags, after the others (they override them). */
  readonly extra?: readonly string[];
}

/** Starts a node on its own data directory. */
export async function startClusterNode(
  name: string,
  dataDir: string,
  options: ClusterNodeOptions,
): Promise<ClusterNode> {
  const { provisioning, adminSecret, extra = [] } = options;
  const access =
    adminSecret === undefined ? ['--insecure-dev-admin'] : ['--admin-secret-file', adminSecret.file];
  const node = await startChildNode(dataDir, provisioning, [...access, ...extra]);
  const admin = createAdminClient(`127.0.0.1:${node.adminPort}`, adminSecret?.secret);
  return {
    ...node,
    name,
    streams: async () => (await admin.listStreams()).streams.length,
    persistentStreams: async () =>
      (await admin.listStreams()).streams.filter((s) => s.kind === 'STREAM_KIND_PERSISTENT').length,
    drain: async (graceMs) => {
      await admin.drain(graceMs);
    },
    metric: async (line) => {
      const text = await (await fetch(`http://127.0.0.1:${node.metricsPort}/metrics`)).text();
      const m = new RegExp(`^${line.source} (\\S+)$`, 'm').exec(text);
      return m === null ? undefined : Number(m[1]);
    },
    stop: async () => {
      admin.close();
      if (node.process.exitCode === null && node.process.signalCode === null) node.process.kill('SIGTERM');
      return node.exited;
    },
  };
}

/**
 * Polls `read` every `everyMs` until `done` holds for its value; rejects naming `what` and the last value
 * after `limitMs`.
 */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  limitMs = 20_000,
  everyMs = 100,
) {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (performance.now() > deadline)
      throw new Error(`gave up waiting for ${what}; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * An official-SDK stream (native binding) through the balancer, sending JSON rows `{id, item}` to
 * `SDK_TABLE` until `stop`, then flush and close: `sent` are the ids the SDK took. The SDK reconnects by itself
 * (UNAVAILABLE, close_stream_signal) and re-sends what was not acked.
 */
export async function runSdkStream(port: number, token: string, base: number, stop: AbortSignal) {
  const sdk = loadZerobusSdk();
  const url = `http://127.0.0.1:${port}`;
  const client = new sdk.ZerobusSdk(url, url);
  let stream: ZerobusSdkStream | undefined;
  // Creating the stream may be refused (a busy node the balancer has not marked down yet): try again.
  for (let attempt = 1; stream === undefined; attempt++) {
    try {
      stream = await client.createStream(
        { tableName: SDK_TABLE },
        'client-id',
        'client-secret',
        { recordType: sdk.RecordType.Json },
        {
          getHeadersCallback: () => [
            ['authorization', `Bearer ${token}`],
            ['x-databricks-zerobus-table-name', SDK_TABLE],
          ],
        },
      );
    } catch (err) {
      if (attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const sent: number[] = [];
  for (let i = 0; !stop.aborted; i++) {
    const id = base + i;
    await stream.ingestRecordOffset(JSON.stringify({ id, item: `sdk ${id}` }));
    sent.push(id);
    if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await stream.flush();
  await stream.close();
  return sent;
}

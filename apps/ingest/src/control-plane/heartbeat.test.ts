import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childNodeDir, startChildNode } from '../../test/support/child-node.js';
import { HEARTBEAT_PATH, type HeartbeatBody, startHeartbeat } from './heartbeat.js';
import { createReportedLoadMeter } from './reported-load.js';

const SECRET = 'test-admin-secret-0123456789';

interface Received {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: HeartbeatBody;
}

/** A real HTTP server standing in for the console: records beats, answers `status()` (200 by default). */
let console_: Server;
let url: string;
let received: Received[];
let answer: number;
let waiters: (() => void)[];

beforeEach(async () => {
  received = [];
  answer = 200;
  waiters = [];
  console_ = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    received.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body: JSON.parse(text) as HeartbeatBody,
    });
    res.writeHead(answer, { 'content-type': 'application/json' });
    res.end(answer === 200 ? '{"ok":true}' : '{"code":"UNAVAILABLE","message":"console busy"}');
    for (const w of waiters.splice(0)) w();
  });
  console_.listen(0, '127.0.0.1');
  await once(console_, 'listening');
  url = `http://127.0.0.1:${(console_.address() as AddressInfo).port}`;
});
afterEach(async () => {
  console_.closeAllConnections();
  await new Promise((resolve) => console_.close(resolve));
});

/** Resolves once `count` beats were received. */
function beats(count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (received.length >= count ? resolve() : waiters.push(check));
    check();
  });
}

const identity = {
  nodeId: 'node-a',
  endpoint: 'ingest-0:50051',
  adminAddress: 'ingest-0:50052',
  version: '0.1.0',
  startedAt: 1_700_000_000_000,
};
const load = {
  streams: 3,
  bytesPerSecond: 1000,
  memoryUsedBytes: 10,
  memoryBudgetBytes: 100,
  walBacklogBytes: 5,
  state: 'serving' as const,
};

function logger() {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    info: (_: object, message: string) => lines.push({ level: 'info', message }),
    warn: (_: object, message: string) => lines.push({ level: 'warn', message }),
  };
}

describe('heartbeat', () => {
  it('posts identity and load with the admin secret; a refusal is logged once, recovery once', async () => {
    const log = logger();
    answer = 503;
    await using heartbeat = startHeartbeat({
      url,
      secret: SECRET,
      identity,
      load: () => load,
      intervalMs: 60_000,
      maxBackoffMs: 120_000,
      log,
    });
    await beats(1);
    expect(received[0]).toEqual({
      path: HEARTBEAT_PATH,
      authorization: `Bearer ${SECRET}`,
      body: { ...identity, ...load, beatMs: 60_000 },
    });
    expect(await heartbeat.beat()).toBe(false);
    answer = 200;
    expect(await heartbeat.beat()).toBe(true);
    expect(log.lines).toEqual([
      { level: 'warn', message: 'heartbeat to the control plane failed; retrying with backoff' },
      { level: 'info', message: 'control plane reached again' },
    ]);
  });

  it('never throws when nothing answers at the URL', async () => {
    const log = logger();
    await using heartbeat = startHeartbeat({
      url: 'http://127.0.0.1:1',
      secret: undefined,
      identity,
      load: () => load,
      intervalMs: 60_000,
      maxBackoffMs: 120_000,
      log,
    });
    expect(await heartbeat.beat()).toBe(false);
    expect(log.lines.every((l) => l.level === 'warn')).toBe(true);
  });
});

describe('node load', () => {
  it('reads bytes per second from the live streams between readings, and the drained state', () => {
    let now = 0;
    let streams = [{ streamId: 's1', bytes: 1000 }];
    let unpublished = 1;
    const live = {
      list: () => streams,
      isDraining: false,
    };
    const meter = createReportedLoadMeter(
      {
        live,
        publishers: {
          publishInfo: () => [{ unpublishedRecords: unpublished, unpublishedBytes: 700 }],
          pendingBytes: 700,
        },
        budget: { used: 50, capacity: 1000 },
        recoveryRemaining: () => 0,
      },
      () => now,
    );
    now = 2000;
    expect(meter.read()).toEqual({
      streams: 1,
      bytesPerSecond: 500,
      memoryUsedBytes: 50,
      memoryBudgetBytes: 1000,
      walBacklogBytes: 700,
      state: 'serving',
    });
    streams = [
      { streamId: 's1', bytes: 3000 },
      { streamId: 's2', bytes: 1000 },
    ];
    live.isDraining = true;
    now = 3000;
    expect(meter.read()).toMatchObject({ streams: 2, bytesPerSecond: 3000, state: 'draining' });
    streams = [];
    expect(meter.read().state).toBe('draining'); // records still wait to be published
    unpublished = 0;
    expect(meter.read().state).toBe('drained');
  });
});

describe('a node started with --control-plane-url', () => {
  it('registers: its first beat names its node id, endpoint, admin address and version', async () => {
    const dir = await childNodeDir();
    const node = await startChildNode(dir.dataDir, dir.provisioning, [
      '--control-plane-url',
      `${url}/`,
      '--admin-secret',
      SECRET,
      '--node-id',
      'node-beat',
    ]);
    try {
      await beats(1);
      const first = received[0]!;
      expect(first.authorization).toBe(`Bearer ${SECRET}`);
      expect(first.body).toMatchObject({
        nodeId: 'node-beat',
        endpoint: `127.0.0.1:${node.port}`,
        adminAddress: `127.0.0.1:${node.adminPort}`,
        version: '0.1.0',
        beatMs: 5000,
        streams: 0,
        state: 'serving',
      });
    } finally {
      node.process.kill('SIGKILL');
      await node.exited;
      await dir.cleanup();
    }
  });
});

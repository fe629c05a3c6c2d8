import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { openTable } from '@lakestream/delta';
import { describe, expect, it, vi } from 'vitest';
import { REQUEST_OVERHEAD_BYTES } from '../src/admission/request-hold.js';
import { PACKED_ROWS_OVERHEAD_BYTES } from '../src/publish/packed-rows.js';
import { ORDERS, orderSchema } from './support/test-catalog.js';
import { startTestNode, tempDir } from './support/test-node.js';

const MiB = 1024 * 1024;
const PRODUCER = join(import.meta.dirname, 'fixtures/record-producer.mjs');

/** What the producer thread posts (`fixtures/record-producer.mjs`). */
type ProducerMessage = { type: 'ready' } | { type: 'progress'; sent: number; acked: number } | ProducerEnd;
interface ProducerEnd {
  type: 'done';
  sent: number;
  acked: number;
  code: number;
  details: string;
}

/** Waits until `predicate` holds (polling every 20 ms), failing with `what` after `timeout` ms. */
function until(predicate: () => boolean, what: string, timeout = 30_000): Promise<void> {
  return vi.waitFor(() => expect(predicate(), `waiting for ${what}`).toBe(true), { timeout, interval: 20 });
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap and array-buffer bytes in use after a full collection (what the process really holds). */
function heldMemory(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('one-record requests: the budget counts what each request holds', () => {
  it('stops a producer of one-record requests at --node-inflight-bytes and publishes its backlog in commits of --flush-bytes', async () => {
    const { dir, cleanup } = await tempDir();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const budget = 4 * MiB;
    const flushBytes = 1 * MiB;
    const { node, cat } = await startTestNode(dir, {
      nodeBufferBytes: budget,
      flushBytes,
      // Small HTTP/2 windows: what the node holds is then what it read, not what waits in its receive buffers.
      streamWindowBytes: 65_535,
      connectionWindowBytes: 65_535,
      // Publishing hangs until the gate opens: every acked request stays in the node.
      beforeCommit: () => gate,
    });
    try {
      const schema = orderSchema();
      // Records of ~10 bytes: what a request holds is then mostly its fixed overhead.
      const records = Array.from({ length: 100 }, (_, i) =>
        schema.type.encode({ id: i, item: `tea ${i}`, qty: i }).finish(),
      );
      // The producer runs in a worker thread: heap and array-buffer figures are per thread, so what grpc-js
      // buffers on its side (HTTP/2 lets it queue ~1 MB of these) is not counted as the node's. It writes as
      // fast as grpc-js takes its requests, up to 10,000 unacked.
      const producer = new Worker(PRODUCER, {
        workerData: {
          port: node.port,
          token: cat.tokens.good.token,
          table: ORDERS,
          descriptor: schema.descriptorProto,
          records,
          // Far more than the budget admits (~5,000 of these), and a backlog the test can wait for.
          maxUnacked: 10_000,
        },
      });
      let progress = { sent: 0, acked: -1 };
      let ready = false;
      const done = new Promise<ProducerEnd>((resolve, reject) => {
        producer.on('message', (m: ProducerMessage) => {
          if (m.type === 'ready') ready = true;
          else if (m.type === 'progress') progress = m;
          else resolve(m);
        });
        producer.once('error', reject);
      });
      // The stream's fixed costs (decoder, buffers, compiled code) are in place once its first request is
      // acked: what grows from here is what the requests hold.
      await until(() => ready, 'the first ack');
      const before = heldMemory();
      producer.postMessage('go');
      // Full once the budget holds durable requests only (until then appends settling free their WAL part).
      for (let last = -2; progress.acked !== last; ) {
        await until(() => node.pipeline.nodeBudget.waiting === 1, 'the budget to fill');
        last = progress.acked;
        await new Promise((r) => setTimeout(r, 500));
      }
      const stalled = progress;
      const used = node.pipeline.nodeBudget.used;
      const growth = heldMemory() - before;
      await new Promise((r) => setTimeout(r, 500));
      // Stopped by the budget: no more acks, no more requests read.
      expect(progress.acked).toBe(stalled.acked);
      expect(node.pipeline.nodeBudget.waiting).toBe(1);
      const acked = stalled.acked + 1;
      console.log(
        `one-record requests: ${acked} acked and held (${stalled.sent} written by the client), budget used ${(used / MiB).toFixed(1)} of ${budget / MiB} MiB, heap + array buffers +${(growth / MiB).toFixed(1)} MiB (${Math.round(growth / acked)} bytes per request)`,
      );
      expect(used).toBeLessThanOrEqual(budget + REQUEST_OVERHEAD_BYTES + 1024);
      // What the node holds stays within the budget, every request's own objects counted in it (the slack: the
      // request being read, the HTTP/2 windows, what a collection leaves).
      expect(growth).toBeLessThan(budget + MiB);

      release();
      producer.postMessage('stop');
      const end = await done;
      expect(end.code).toBe(0);
      const sent = end.sent;
      await node.publishers.flushAll();
      const table = await openTable(join(dir, 'tables/main/sales/orders'));
      try {
        expect((await table.snapshot()).numRecords).toBe(sent);
        // The backlog held when publishing stalled — WAL positions 0 to acked - 1, one per request on this
        // stream — went out in commits of about flushBytes of what it held in the budget (a request's record and
        // PACKED_ROWS_OVERHEAD_BYTES): a few commits of ~1,300 rows each, not one per handful of requests.
        // Plus two: the commit that was waiting at the gate (taken before the budget filled) and the one across the
        // backlog's end. (Requests read after the gate opened are committed every --flush-ms, however few.)
        const versions = (await table.history())
          .map((h) => (h.commitInfo.operationParameters as { version?: unknown } | undefined)?.version)
          .filter((v) => v !== undefined)
          .map(Number);
        const backlogCommits = versions.filter((v) => v < acked - 1).length + 1;
        const recordBytes = Math.max(...records.map((r) => r.length));
        console.log(
          `one-record requests: the ${acked} held went out in ${backlogCommits} commits (${sent} rows in ${versions.length})`,
        );
        expect(backlogCommits).toBeLessThanOrEqual(
          Math.ceil((acked * (recordBytes + PACKED_ROWS_OVERHEAD_BYTES)) / flushBytes) + 2,
        );
      } finally {
        await table.close();
      }
    } finally {
      release();
      await node.close(500);
      await cleanup();
    }
  });
});

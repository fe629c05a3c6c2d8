import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childNodeDir, type SpawnedNode, spawnChildNode } from '../support/child-node.js';
import { type AuditReport, faultCatalog, formatReport, TABLE_DIRS } from './audit.js';
import {
  eventually,
  FaultCleanup,
  fillTmpfs,
  healthz,
  makeImmutable,
  makeWritable,
  mountTmpfs,
  resizeTmpfs,
  rootOnly,
  scrapeMetric,
  within,
} from './faults.js';
import { HOLD_FLAGS } from './kill-scheduler.js';
import { finishAndAudit, stopIfRunning } from './last-run.js';
import { Fleet, type Load } from './producers.js';
import { createRandom, faultSeed } from './random.js';

/**
 * The node's memory budget in these cases: small, so a stalled table store fills it within seconds (these
 * small decoded batches hold ~15× their WAL bytes: ~8 MiB of records), yet enough to go on acking for a while.
 */
const BUDGET_BYTES = 128 * 2 ** 20;
const FLAGS = [
  '--wal-segment-bytes',
  '64KiB',
  '--flush-bytes',
  '256KiB',
  '--flush-ms',
  '100',
  '--max-request-bytes',
  '1MiB',
  '--max-record-bytes',
  '1MiB',
  '--stream-inflight-bytes',
  '2MiB',
  '--node-inflight-bytes',
  String(BUDGET_BYTES),
  // The backlog bound on (its floor, 2 × 256 KiB, is far below the budget): while the store fails it must
  // yield to the budget, or the node stops acking long before "the memory budget to fill" below.
  '--max-visible-delay-ms',
  '2000',
];
/** Records of ~600 bytes, random (Parquet cannot compress them: they fill a small table store). */
const LOAD: Load = { maxBatch: 20, window: 4, padBytes: 512, randomPad: true };

const seed = faultSeed();
const skip = rootOnly();

function summary(name: string, r: AuditReport, seconds: number): string {
  return `real fault "${name}" (seed ${seed}): ${formatReport(r)}, ${seconds.toFixed(1)} s`;
}

/** A fault of the table store: how it strikes, how it heals, what the node logs meanwhile. */
interface TableStoreFault {
  readonly name: string;
  strike(dataDir: string, cleanup: FaultCleanup): Promise<void>;
  heal(dataDir: string): Promise<void>;
  /** What the node's "publishing failed" log line says. */
  readonly error: RegExp;
}

/** The tables' directories and their `_delta_log/`: what `chattr +i` freezes. */
const frozenDirs = (dataDir: string) =>
  Object.values(TABLE_DIRS).flatMap((d) => [join(dataDir, d), join(dataDir, d, '_delta_log')]);

const TABLE_STORE_FAULTS: readonly TableStoreFault[] = [
  {
    name: 'unwritable (chattr +i)',
    strike: (dataDir, cleanup) => makeImmutable(frozenDirs(dataDir), cleanup),
    heal: (dataDir) => makeWritable(frozenDirs(dataDir)),
    error: /EPERM|not permitted/i,
  },
  {
    name: 'full (tmpfs shrunk to its use + 1 MiB)',
    strike: (dataDir) => fillTmpfs(join(dataDir, 'tables'), 2 ** 20),
    heal: (dataDir) => resizeTmpfs(join(dataDir, 'tables'), '512m'),
    error: /ENOSPC|no space/i,
  },
];

/** Both tables exist with a first commit after their creation. */
async function tablesCommitted(dataDir: string): Promise<true | undefined> {
  for (const location of Object.values(TABLE_DIRS)) {
    const ok = await access(join(dataDir, location, '_delta_log', `${'1'.padStart(20, '0')}.json`)).then(
      () => true,
      () => false,
    );
    if (!ok) return undefined;
  }
  return true;
}

/** Waits until the fleet holds acks for `more` records beyond `from` (the node acks from its WAL). */
function moreAcks(fleet: Fleet, from: number, more: number, what: string): Promise<true> {
  return eventually(() => (fleet.ackedRecords() >= from + more ? true : undefined), 60_000, what);
}

/**
 * `/healthz` while the table store is down: the node serves (200) and says why it is `degraded` — its
 * publishing fails (`reason`), or, after a restart, its backlog is still being replayed.
 */
async function expectServingDegraded(metricsPort: number, reason: RegExp): Promise<void> {
  const h = await healthz(metricsPort);
  expect(h.status, h.body).toBe(200);
  expect(h.body).toMatch(/^degraded: /);
  expect(h.body).toMatch(reason);
}

describe.skipIf(skip !== undefined)(
  `real faults (seed ${seed})${skip === undefined ? '' : ` — skipped: ${skip}`}`,
  () => {
    for (const fault of TABLE_STORE_FAULTS) {
      it(`keeps acking from the WAL while the table store is ${fault.name}, restarts while it is, and publishes everything once it is back`, async () => {
        const started = performance.now();
        const faults = new FaultCleanup();
        const { tokens, provisioning, dataDir, cleanup } = await childNodeDir(faultCatalog);
        const fleet = new Fleet(tokens.good.token, createRandom(seed).fork(fault.name));
        const tables = join(dataDir, 'tables');
        let node: SpawnedNode | undefined;
        try {
          // The table store on its own tmpfs: it can fill, and chattr +i works there whatever the temp dir's
          // file system.
          await mountTmpfs(tables, '512m', faults);
          node = spawnChildNode(dataDir, provisioning, FLAGS);
          const first = await within(node.ready, 120_000, 'the node to be ready');
          const stop = new AbortController();
          let producing = fleet.run(first.port, LOAD, stop.signal);
          await eventually(() => tablesCommitted(dataDir), 60_000, 'a first commit to each table');
          // The fault strikes while the node has room in its budget: it must go on acking from its WAL.
          await eventually(
            async () =>
              ((await scrapeMetric(first.metricsPort, 'lakestream_inflight_bytes')) ?? 0) <
                0.5 * BUDGET_BYTES || undefined,
            60_000,
            'the node to hold less than half its memory budget',
          );
          const failingFrom = node.lines.length;
          const ackedAtFault = fleet.ackedRecords();
          await fault.strike(dataDir, faults);
          await eventually(
            () =>
              node!.lines
                .slice(failingFrom)
                .find(
                  (l) => String(l.msg).startsWith('publishing failed') && fault.error.test(JSON.stringify(l)),
                ),
            60_000,
            `the node to log that publishing fails (${fault.error})`,
          );
          await moreAcks(fleet, ackedAtFault, 1000, `acks while the table store is ${fault.name}`);
          await eventually(
            async () =>
              ((await scrapeMetric(first.metricsPort, 'lakestream_inflight_bytes')) ?? 0) >=
                0.9 * BUDGET_BYTES || undefined,
            120_000,
            'the memory budget to fill while nothing can be published',
          );
          await expectServingDegraded(first.metricsPort, /publishing to table main\.sales\.\w+ fails/);

          // A restart while the store is still down must start and serve.
          node.process.kill('SIGKILL');
          await node.exited;
          stop.abort();
          await within(producing, 60_000, 'the producers to notice the kill');
          node = spawnChildNode(dataDir, provisioning, FLAGS);
          const second = await within(
            node.ready,
            60_000,
            `the node to start while the table store is ${fault.name}`,
          );
          const restart = new AbortController();
          const ackedAtRestart = fleet.ackedRecords();
          producing = fleet.run(second.port, LOAD, restart.signal);
          await moreAcks(
            fleet,
            ackedAtRestart,
            1000,
            `acks after a restart while the table store is ${fault.name}`,
          );
          await expectServingDegraded(second.metricsPort, /publishing to table|recovering|replay/);
          expect(node.lines.some((l) => l.msg === 'recovery done')).toBe(false); // its backlog cannot be in a table

          await fault.heal(dataDir);
          restart.abort();
          await within(producing, 60_000, 'the producers to stop');
          const verdict = await finishAndAudit(node, fleet, dataDir);
          console.log(
            summary(`table store ${fault.name}`, verdict.report, (performance.now() - started) / 1000),
          );
          expect(verdict.failures, verdict.failures.slice(0, 60).join('\n')).toEqual([]);
        } finally {
          await stopIfRunning(node);
          await faults.run();
          await cleanup();
        }
      }, 300_000);
    }

    it('stops acking when the WAL disk is full, and after a restart with room every acked record is in the tables', async () => {
      const started = performance.now();
      const faults = new FaultCleanup();
      const { tokens, provisioning, dataDir, cleanup } = await childNodeDir(faultCatalog);
      const fleet = new Fleet(tokens.good.token, createRandom(seed).fork('wal-full'));
      const walDisk = join(dataDir, 'wal-disk');
      const walFlags = [...FLAGS, '--wal-dir', join(walDisk, 'wal')];
      let node: SpawnedNode | undefined;
      try {
        await mountTmpfs(walDisk, '2m', faults);
        // Nothing is published (so nothing is trimmed): the WAL fills its 2 MiB disk.
        node = spawnChildNode(dataDir, provisioning, [...walFlags, ...HOLD_FLAGS]);
        const first = await within(node.ready, 120_000, 'the node to be ready');
        await within(
          fleet.run(first.port, LOAD, AbortSignal.timeout(150_000)),
          180_000,
          'every stream to end once the WAL disk is full',
        );
        expect(node.lines.some((l) => String(l.msg).startsWith('the WAL failed'))).toBe(true);
        const h = await healthz(first.metricsPort);
        expect(h.status, h.body).toBe(503);
        expect(h.body).toMatch(/^unhealthy: /);

        // New streams get no ack any more (a persistent resume may still confirm what was durable before).
        const before = fleet.producers.map((p) => p.connections.length);
        await within(
          fleet.run(first.port, LOAD, AbortSignal.timeout(10_000)),
          60_000,
          'the streams to end on a failed WAL',
        );
        fleet.producers.forEach((p, i) => {
          if (p.spec.kind !== 'ephemeral') return;
          for (const c of p.connections.slice(before[i]))
            expect(c.acked, `${p.spec.name} connection ${c.conn}`).toBe(-1n);
        });

        node.process.kill('SIGKILL');
        await node.exited;
        await resizeTmpfs(walDisk, '512m');
        node = spawnChildNode(dataDir, provisioning, walFlags);
        const verdict = await finishAndAudit(node, fleet, dataDir);
        console.log(summary('WAL disk full', verdict.report, (performance.now() - started) / 1000));
        expect(verdict.failures, verdict.failures.slice(0, 60).join('\n')).toEqual([]);
      } finally {
        await stopIfRunning(node);
        await faults.run();
        await cleanup();
      }
    }, 300_000);
  },
);

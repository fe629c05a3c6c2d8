import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { childNodeDir, startChildNode } from './support/child-node.js';
import { EVENTS, ORDERS, type TestTokens, testSnapshot } from './support/test-catalog.js';
import { readTable, rows } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

const MAIN = join(import.meta.dirname, '../dist/main.js');
/** Nothing is published while the first node runs: every acked record is only in the WAL when it dies. */
const NO_PUBLISHING = ['--flush-ms', '3600000', '--flush-bytes', '1GiB'];

/** Acks `count` JSON requests of one record each on a new ephemeral stream of `table`. */
async function ackJson(port: number, token: string, table: string, records: (o: number) => object) {
  const client = zerobusClient(port);
  try {
    const s = openStream(client, 'EphemeralStream', token, table);
    s.send(req.create(table, 2));
    await s.streamId();
    for (let o = 0; o < 20; o++) s.send(req.json(o, [JSON.stringify(records(o))]));
    await s.ackedAtLeast(19);
    expect((await s.finish()).code).toBe(0);
  } finally {
    client.close();
  }
}

async function healthz(port: number): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: await res.text() };
}

/** Runs `lakestream-ingest held …` (the built bin) against a node's admin port. */
async function heldCommand(dataDir: string, adminPort: number, ...args: string[]) {
  const child = spawn(
    process.execPath,
    [MAIN, 'held', ...args, '--data-dir', dataDir, '--admin-port', String(adminPort)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const [code] = await once(child, 'exit');
  return { code: code as number, stdout, stderr };
}

/** Provisions a newer catalog: `tables` filtered/changed from the test catalog's. */
async function reprovision(
  file: string,
  tokens: TestTokens,
  version: number,
  change: (tables: ReturnType<typeof testSnapshot>['tables']) => ReturnType<typeof testSnapshot>['tables'],
) {
  const base = testSnapshot(tokens);
  await writeFile(file, JSON.stringify({ ...base, version, tables: change(base.tables) }));
}

type DeltaStruct = { type: 'struct'; fields: { name: string; type: unknown }[] };

/** `schema` with column `name` of another type. */
function retype(schema: DeltaStruct, name: string, type: string): DeltaStruct {
  return { ...schema, fields: schema.fields.map((f) => (f.name === name ? { ...f, type } : f)) };
}

describe('held entries: acked records the catalog no longer accepts at replay', () => {
  it('are never dropped or trimmed, are reported, and leave only by an operator decision (quarantine, discard)', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    try {
      const first = await startChildNode(dataDir, provisioning, [
        ...NO_PUBLISHING,
        '--wal-segment-bytes',
        '64KiB',
      ]);
      await ackJson(first.port, tokens.good.token, ORDERS, (o) => ({ id: o, item: `lost? ${o}` }));
      await ackJson(first.port, tokens.good.token, EVENTS, (o) => ({ stream: 'e', seq: o }));
      first.process.kill('SIGKILL');
      await first.exited;

      // The orders table is gone from the catalog; events' seq column is now a string (a retyped column).
      await reprovision(provisioning, tokens, 2, (tables) =>
        tables
          .filter((t) => t.name !== ORDERS)
          .map((t) =>
            t.name !== EVENTS ? t : { ...t, schema: retype(t.schema as DeltaStruct, 'seq', 'string') },
          ),
      );
      const small = ['--flush-ms', '100', '--flush-bytes', '64KiB', '--wal-segment-bytes', '64KiB'];
      const second = await startChildNode(dataDir, provisioning, small);
      await second.recovered;
      const health = await healthz(second.metricsPort);
      expect(health.status).toBe(200);
      expect(health.body).toMatch(
        /^degraded: 40 acked WAL entries \(tables main\.sales\.orders, main\.sales\.events\)/,
      );
      const metrics = await (await fetch(`http://127.0.0.1:${second.metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/lakestream_held_entries\{table="main\.sales\.orders"\} 20/);
      expect(metrics).toMatch(/lakestream_node_health\{state="degraded"\} 1/);

      const listed = await heldCommand(dataDir, second.adminPort, 'list', '--json');
      expect(listed.code).toBe(0);
      const entries = (
        JSON.parse(listed.stdout) as { entries: { position: string; table: string; reason: string }[] }
      ).entries;
      expect(entries).toHaveLength(40);
      expect(entries.filter((e) => e.table === ORDERS).every((e) => /not provisioned/.test(e.reason))).toBe(
        true,
      );
      expect(
        entries
          .filter((e) => e.table === EVENTS)
          .every((e) => /no longer fit table main\.sales\.events/.test(e.reason)),
      ).toBe(true);
      const heldSegment = (await readdir(join(dataDir, 'wal'))).sort()[0];

      // New records (~1 MB over many segments) are published and trimmed around them: the held ones stay.
      for (let round = 0; round < 5; round++)
        await ackJson(second.port, tokens.good.token, EVENTS, (o) => ({
          stream: `new ${round} ${o}`.padEnd(10_000, '.'),
          seq: String(o),
        }));
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(rows(await readTable(dataDir, 'tables/main/sales/events'))).toHaveLength(100);
      expect((await readdir(join(dataDir, 'wal'))).sort()[0]).toBe(heldSegment);
      const third = await startChildNode(dataDir, provisioning, small);
      await third.recovered;
      const again = JSON.parse((await heldCommand(dataDir, third.adminPort, 'list', '--json')).stdout) as {
        entries: unknown[];
      };
      expect(again.entries).toHaveLength(40);

      // Operator decisions: the orders records into the quarantine table, raw; one events entry discarded.
      const badPosition = await heldCommand(dataDir, third.adminPort, 'discard', '--position', '999999');
      expect(badPosition.code).toBe(1);
      expect(badPosition.stderr).toMatch(/WAL position 999999 is not held on this node/);
      const quarantined = await heldCommand(dataDir, third.adminPort, 'quarantine', '--table', ORDERS);
      expect(quarantined.code).toBe(0);
      expect(quarantined.stdout).toMatch(/published 20 records of 20 held entries to the quarantine table/);
      const q = rows(await readTable(dataDir, 'quarantine'));
      expect(
        q.map((r) => JSON.parse(Buffer.from(r.record as Uint8Array).toString('utf8')).item).sort(),
      ).toEqual(Array.from({ length: 20 }, (_, o) => `lost? ${o}`).sort());
      expect(new Set(q.map((r) => r.source_table))).toEqual(new Set([ORDERS]));
      const events = entries.filter((e) => e.table === EVENTS).map((e) => e.position);
      expect((await heldCommand(dataDir, third.adminPort, 'discard', '--position', events[0]!)).code).toBe(0);
      third.process.kill('SIGTERM');
      expect(await third.exited).toBe(0);

      // Decided entries still in the WAL (the 19 held after them keep it) are not held again by the replay.
      const fourth = await startChildNode(dataDir, provisioning, small);
      await fourth.recovered;
      const left = JSON.parse((await heldCommand(dataDir, fourth.adminPort, 'list', '--json')).stdout) as {
        entries: { position: string }[];
      };
      expect(left.entries.map((e) => e.position)).toEqual(events.slice(1));
      expect((await heldCommand(dataDir, fourth.adminPort, 'discard', '--all')).code).toBe(0);
      expect((await healthz(fourth.metricsPort)).body).toBe('ok\n');
      fourth.process.kill('SIGTERM');
      expect(await fourth.exited).toBe(0);

      // Nothing comes back: no held entry, no orders row anywhere, the quarantine rows once.
      const fifth = await startChildNode(dataDir, provisioning, small);
      await fifth.recovered;
      expect((await healthz(fifth.metricsPort)).body).toBe('ok\n');
      expect(JSON.parse(await readFile(join(dataDir, 'held.json'), 'utf8')).entries).toEqual([]);
      expect(rows(await readTable(dataDir, 'quarantine'))).toHaveLength(20);
      expect(rows(await readTable(dataDir, 'tables/main/sales/events'))).toHaveLength(100);
      expect((await readdir(join(dataDir, 'wal'))).sort()[0]).not.toBe(heldSegment);
      fifth.process.kill('SIGTERM');
      expect(await fifth.exited).toBe(0);
    } finally {
      await cleanup();
    }
  }, 300_000);

  it('are never entries published before their table was dropped (the WAL keeps its active segment)', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    try {
      // Default WAL segments: everything stays in the active segment, which a trim never deletes.
      const first = await startChildNode(dataDir, provisioning, ['--flush-ms', '100']);
      await ackJson(first.port, tokens.good.token, ORDERS, (o) => ({ id: o, item: `published ${o}` }));
      await vi.waitFor(
        async () => expect(rows(await readTable(dataDir, 'tables/main/sales/orders'))).toHaveLength(20),
        { timeout: 30_000, interval: 100 },
      );
      // The trim point is saved within a second of the commit that moved it; then a crash.
      await vi.waitFor(
        async () => {
          const mark = JSON.parse(await readFile(join(dataDir, 'published.json'), 'utf8'));
          expect(BigInt(mark.publishedBelow)).toBe(20n);
        },
        { timeout: 30_000, interval: 100 },
      );
      first.process.kill('SIGKILL');
      await first.exited;

      await reprovision(provisioning, tokens, 2, (tables) => tables.filter((t) => t.name !== ORDERS));
      const second = await startChildNode(dataDir, provisioning, ['--flush-ms', '100']);
      await second.recovered;
      expect(second.lines.find((l) => l.msg === 'recovery done')).toMatchObject({
        alreadyPublished: 20,
        held: 0,
      });
      expect((await healthz(second.metricsPort)).body).toBe('ok\n');
      const listed = await heldCommand(dataDir, second.adminPort, 'list', '--json');
      expect(JSON.parse(listed.stdout).entries).toEqual([]);
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await cleanup();
    }
  }, 120_000);
});

describe('a node whose table store refuses writes', () => {
  it('starts, serves and acks from the WAL, reports itself degraded, and publishes everything once it can', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    try {
      const first = await startChildNode(dataDir, provisioning, NO_PUBLISHING);
      await ackJson(first.port, tokens.good.token, ORDERS, (o) => ({ id: o, item: 'before' }));
      first.process.kill('SIGKILL');
      await first.exited;

      // `tables` is a file: every table directory under it fails (ENOTDIR), for root too.
      await rm(join(dataDir, 'tables'), { recursive: true, force: true });
      await writeFile(join(dataDir, 'tables'), 'not a directory');
      const second = await startChildNode(dataDir, provisioning, ['--flush-ms', '100']);
      await ackJson(second.port, tokens.good.token, ORDERS, (o) => ({ id: 100 + o, item: 'while down' }));
      let health = await healthz(second.metricsPort);
      for (let i = 0; i < 50 && !/publishing to table main\.sales\.orders fails/.test(health.body); i++) {
        await new Promise((r) => setTimeout(r, 100));
        health = await healthz(second.metricsPort);
      }
      expect(health.status).toBe(200);
      expect(health.body).toMatch(
        /^degraded: .*publishing to table main\.sales\.orders fails since .*ENOTDIR/,
      );

      await rm(join(dataDir, 'tables'));
      await mkdir(join(dataDir, 'tables'));
      await second.recovered;
      for (let i = 0; i < 100 && (await healthz(second.metricsPort)).body !== 'ok\n'; i++)
        await new Promise((r) => setTimeout(r, 200));
      expect((await healthz(second.metricsPort)).body).toBe('ok\n');
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      const ids = rows(await readTable(dataDir, 'tables/main/sales/orders'))
        .map((r) => Number(r.id))
        .sort((a, b) => a - b);
      expect(ids).toEqual([
        ...Array.from({ length: 20 }, (_, o) => o),
        ...Array.from({ length: 20 }, (_, o) => 100 + o),
      ]);
    } finally {
      await cleanup();
    }
  }, 120_000);
});

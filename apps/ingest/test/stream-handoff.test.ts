import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestNode } from '../src/server-node.js';
import { type ChildNode, startChildNode } from './support/child-node.js';
import { readShared, sharedCatalog } from './support/shared-table.js';
import { ORDERS, testSnapshot, testTokens } from './support/test-catalog.js';
import { startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, type TestStream, zerobusClient } from './support/zerobus-client.js';

/*
 * Persistent streams moving between nodes that write one table (each node on its own data directory): the
 * stream's lease objects next to the table decide who holds it. Every test checks what the table holds,
 * each id once, at the moment the stream moved and at the end.
 */

type Client = ReturnType<typeof zerobusClient>;

/** Sends ids `from..to-1` at offsets equal to the ids and waits for the ack of the last. */
async function sendIds(s: TestStream, from: number, to: number): Promise<void> {
  for (let id = from; id < to; id++) s.send(req.json(id, [JSON.stringify({ id, item: `item ${id}` })]));
  await s.ackedAtLeast(to - 1);
}

/** One resume attempt on `client`: the stream (open) and its `last_committed_offset`, or how the call ended. */
async function tryResume(client: Client, token: string, id: string) {
  const s = openStream(client, 'PersistentStream', token, ORDERS);
  s.send(req.resume(id, 2));
  const answer = await Promise.race([
    s.until(() => s.responses.find((r) => r.resume_stream_response)?.resume_stream_response, 'resume'),
    s.ended,
  ]).catch(() => s.ended);
  if ('code' in answer) return { ended: answer } as const;
  return { stream: s, last: answer.last_committed_offset } as const;
}

/** Resumes `id` on `client` until it is not UNAVAILABLE any more (at most `limitMs`); counts the refusals. */
async function resumeWhenReleased(client: Client, token: string, id: string, limitMs = 30_000) {
  const deadline = Date.now() + limitMs;
  let refused = 0;
  for (;;) {
    const r = await tryResume(client, token, id);
    if (r.stream !== undefined) return { stream: r.stream, last: r.last, refused };
    expect(r.ended.code, r.ended.details).toBe(grpc.status.UNAVAILABLE);
    refused++;
    if (Date.now() > deadline) throw new Error(`still refused after ${limitMs} ms: ${r.ended.details}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function retire(client: Client, token: string, streamId: string, table?: string) {
  return new Promise<grpc.ServiceError | null>((resolve) => {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${token}`);
    (
      client.RetireStream as (r: object, md: grpc.Metadata, cb: (e: grpc.ServiceError | null) => void) => void
    )({ stream_id: streamId, ...(table === undefined ? {} : { table_name: table }) }, md, (err) =>
      resolve(err),
    );
  });
}

/** Polls `done` every 100 ms until it holds (at most 20 s). */
async function until(done: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The lease objects of `id` next to the table: `<epoch>-lease.json` / `<epoch>-release.json`. */
async function leaseObjects(location: string, id: string): Promise<string[]> {
  return (await readdir(join(location, '_lakestream/streams', id))).filter((n) => !n.startsWith('.')).sort();
}

describe('a persistent stream moves between nodes of one table', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let location: string;
  let cat: ReturnType<typeof sharedCatalog>;
  let a: IngestNode;
  let b: IngestNode;
  let clientA: Client;
  let clientB: Client;
  let token: string;

  beforeEach(async () => {
    root = await tempDir();
    location = join(root.dir, 'orders');
    cat = sharedCatalog(location);
    token = cat.tokens.good.token;
    // Nothing is published by the timer: what is in the table when the stream moves was put there by the handoff.
    a = (await startTestNode(join(root.dir, 'a'), { cat, flushMs: 600_000 })).node;
    b = (await startTestNode(join(root.dir, 'b'), { cat, flushMs: 600_000 })).node;
    clientA = zerobusClient(a.port);
    clientB = zerobusClient(b.port);
  });

  afterEach(async () => {
    clientA.close();
    clientB.close();
    await a.close(0);
    await b.close(0);
    await root.cleanup();
  });

  it('is refused elsewhere while its connection lives; once it ends, resumes on the other node at the last ack, its records already in the table', async () => {
    const first = openStream(clientA, 'PersistentStream', token, ORDERS);
    first.send(req.persistentCreate(ORDERS, 2));
    const id = await first.streamId();
    await sendIds(first, 0, 5);

    const refused = await tryResume(clientB, token, id);
    expect(refused.ended?.code).toBe(grpc.status.UNAVAILABLE);
    expect(refused.ended?.details).toContain(
      `persistent stream ${id} (table ${ORDERS}) is held by node ${a.nodeId}`,
    );

    expect((await first.finish()).code).toBe(grpc.status.OK);
    const moved = await resumeWhenReleased(clientB, token, id);
    expect(moved.last).toBe('4');
    // Released only after a's commit: b takes over a table that already holds everything a acked.
    expect((await readShared(location)).ids).toEqual([0, 1, 2, 3, 4]);
    // A client re-sending what was acked before is answered without writing it again.
    moved.stream.send(req.json(4, [JSON.stringify({ id: 4, item: 'again' })]));
    await sendIds(moved.stream, 5, 10);
    expect((await moved.stream.finish()).code).toBe(grpc.status.OK);

    const back = await resumeWhenReleased(clientA, token, id);
    expect(back.last).toBe('9');
    expect((await readShared(location)).ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await sendIds(back.stream, 10, 12);
    expect((await back.stream.finish()).code).toBe(grpc.status.OK);
    await a.publishers.flushAll();
    expect((await readShared(location)).ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // a releases the stream too, its connection having ended: three epochs, each let go once.
    await until(async () => (await leaseObjects(location, id)).length === 6, 'the third release');
    expect(await leaseObjects(location, id)).toEqual([
      '0000000001-lease.json',
      '0000000001-release.json',
      '0000000002-lease.json',
      '0000000002-release.json',
      '0000000003-lease.json',
      '0000000003-release.json',
    ]);
  });

  it('two nodes resuming a released stream at once: exactly one takes it, the other is refused', async () => {
    const first = openStream(clientA, 'PersistentStream', token, ORDERS);
    first.send(req.persistentCreate(ORDERS, 2));
    const id = await first.streamId();
    await sendIds(first, 0, 3);
    expect((await first.finish()).code).toBe(grpc.status.OK);
    // Wait for a's release (a resume on a itself would take the stream before it).
    const probe = await resumeWhenReleased(clientB, token, id);
    expect((await probe.stream.finish()).code).toBe(grpc.status.OK);
    await resumeWhenReleased(clientA, token, id).then((r) => r.stream.finish());

    const tries = await Promise.all([clientA, clientB, clientA, clientB].map((c) => tryResume(c, token, id)));
    const won = tries.filter((t) => t.stream !== undefined);
    expect(won.length, JSON.stringify(tries.map((t) => t.ended))).toBeGreaterThanOrEqual(1);
    // Two winners on one node are a take-over there (the older connection is ABORTED), never two holders.
    const live = [];
    for (const t of won) {
      const end = await Promise.race([t.stream!.ended, new Promise((r) => setTimeout(() => r('live'), 300))]);
      if (end === 'live') live.push(t);
      else expect((end as { code: number }).code).toBe(grpc.status.ABORTED);
    }
    expect(live).toHaveLength(1);
    for (const t of tries.filter((x) => x.stream === undefined))
      expect(t.ended!.code, t.ended!.details).toBe(grpc.status.UNAVAILABLE);
    await sendIds(live[0]!.stream!, 3, 4);
    expect((await live[0]!.stream!.finish()).code).toBe(grpc.status.OK);
    await a.publishers.flushAll();
    await b.publishers.flushAll();
    expect((await readShared(location)).ids).toEqual([0, 1, 2, 3]);
  });

  it('is retired from a node that never held it (table_name given), then resumes nowhere', async () => {
    const first = openStream(clientA, 'PersistentStream', token, ORDERS);
    first.send(req.persistentCreate(ORDERS, 2));
    const id = await first.streamId();
    await sendIds(first, 0, 2);
    expect((await retire(clientB, token, id, ORDERS))?.code).toBe(grpc.status.UNAVAILABLE);
    expect((await retire(clientB, token, id))?.code).toBe(grpc.status.NOT_FOUND);
    expect((await first.finish()).code).toBe(grpc.status.OK);
    await resumeWhenReleased(clientB, token, id).then((r) => r.stream.finish());
    // b releases the stream once its connection ended; until then a refuses to retire it.
    for (let err = await retire(clientA, token, id, ORDERS); err !== null; ) {
      expect(err.code, err.details).toBe(grpc.status.UNAVAILABLE);
      await new Promise((resolve) => setTimeout(resolve, 100));
      err = await retire(clientA, token, id, ORDERS);
    }
    expect(await retire(clientB, token, id, ORDERS)).toBeNull();
    for (const c of [clientA, clientB]) {
      const r = await tryResume(c, token, id);
      expect(r.ended).toEqual({
        code: grpc.status.NOT_FOUND,
        details: `persistent stream ${id} was retired`,
      });
    }
    expect((await readShared(location)).ids).toEqual([0, 1]);
  });

  it('an unknown id is NOT_FOUND on the table, an id that is not one is INVALID_ARGUMENT', async () => {
    const r = await tryResume(clientB, token, 'ps-00000000-0000-0000-0000-000000000000');
    expect(r.ended?.code).toBe(grpc.status.NOT_FOUND);
    expect(r.ended?.details).toContain(`is not known on table ${ORDERS}`);
    const bad = await tryResume(clientB, token, '../../_delta_log');
    expect(bad.ended?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});

describe('a persistent stream whose holder was killed with acked records not yet published', () => {
  it('stays with it (UNAVAILABLE elsewhere) until it is back and has published them; then moves, none lost or twice', async () => {
    const { dir, cleanup } = await tempDir();
    const nodes: ChildNode[] = [];
    try {
      const location = join(dir, 'orders');
      const tokens = testTokens();
      const token = tokens.good.token;
      const snapshot = testSnapshot(tokens);
      const provisioning = join(dir, 'provisioning.json');
      await writeFile(
        provisioning,
        JSON.stringify({
          ...snapshot,
          tables: snapshot.tables.map((t) => (t.name === ORDERS ? { ...t, location } : t)),
        }),
      );
      const flags = ['--flush-ms', '600000'];
      const start = async (name: string) => {
        const n = await startChildNode(join(dir, name), provisioning, flags);
        nodes.push(n);
        return n;
      };
      const a = await start('a');
      const b = await start('b');
      const clientA = zerobusClient(a.port);
      const first = openStream(clientA, 'PersistentStream', token, ORDERS);
      first.send(req.persistentCreate(ORDERS, 2));
      const id = await first.streamId();
      await sendIds(first, 0, 6);
      a.process.kill('SIGKILL');
      await a.exited;
      clientA.close();

      const clientB = zerobusClient(b.port);
      for (let i = 0; i < 3; i++) {
        const r = await tryResume(clientB, token, id);
        expect(r.ended?.code, r.ended?.details).toBe(grpc.status.UNAVAILABLE);
        expect(r.ended?.details).toContain('is held by node');
      }
      const table = await readShared(location).catch(() => ({ ids: [] as number[] }));
      expect(table.ids).toEqual([]);

      const again = await start('a');
      await again.recovered;
      const moved = await resumeWhenReleased(clientB, token, id);
      expect(moved.last).toBe('5');
      expect((await readShared(location)).ids).toEqual([0, 1, 2, 3, 4, 5]);
      await sendIds(moved.stream, 6, 9);
      expect((await moved.stream.finish()).code).toBe(grpc.status.OK);
      clientB.close();
      // A graceful stop publishes and releases what the node holds.
      b.process.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      expect((await readShared(location)).ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await leaseObjects(location, id)).toEqual([
        '0000000001-lease.json',
        '0000000001-release.json',
        '0000000002-lease.json',
        '0000000002-release.json',
      ]);
    } finally {
      for (const n of nodes)
        if (n.process.exitCode === null && n.process.signalCode === null) n.process.kill();
      await Promise.all(nodes.map((n) => n.exited));
      await cleanup();
    }
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestNode } from '../src/server-node.js';
import { zerobusService } from '../src/zerobus/proto.js';
import { ORDERS, type testCatalog, testSnapshot } from './support/test-catalog.js';
import { readTable, rows, startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;
let client: ReturnType<typeof zerobusClient>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  ({ node, cat } = await startTestNode(dir));
  client = zerobusClient(node.port);
});

afterAll(async () => {
  client.close();
  await node.close(500);
  await cleanup();
});

const metadata = (table = ORDERS) => {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${cat.tokens.good.token}`);
  md.set('x-databricks-zerobus-table-name', table);
  return md;
};

describe('wire details', () => {
  it('sends response headers before the first message, and durability_ack_up_to_offset = 0 on the wire', async () => {
    const raw: Buffer[] = [];
    const call = client.makeBidiStreamRequest(
      '/databricks.zerobus.Zerobus/EphemeralStream',
      (m: object) => zerobusService().EphemeralStream!.requestSerialize(m) as Buffer,
      (b: Buffer) => b,
      metadata(),
    );
    // The Rust-core client waits for headers before create_stream: they must come with nothing sent yet.
    await new Promise<void>((resolve) => call.on('metadata', () => resolve()));
    const got = new Promise<void>((resolve) =>
      call.on('data', (b: Buffer) => {
        raw.push(b);
        if (raw.length === 2) resolve();
      }),
    );
    call.write(req.create(ORDERS, 2));
    call.write(req.json(0, ['{"id":1}']));
    await got;
    // EphemeralStreamResponse{ingest_record_response(2){durability_ack_up_to_offset(1) = 0}}: 12 02 08 00.
    expect([...raw[1]!]).toEqual([0x12, 0x02, 0x08, 0x00]);
    call.end();
    await new Promise((resolve) => call.on('status', resolve));
  });
});

describe('PersistentStream and RetireStream', () => {
  it('create → resume: last_committed_offset absent before any record, then the last durable offset', async () => {
    const a = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    a.send(req.persistentCreate(ORDERS, 2));
    const id = await a.streamId();
    expect(id).toMatch(/^ps-/);
    expect((await a.finish()).code).toBe(0);

    const b = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    b.send(req.resume(id, 2));
    const first = await b.until(
      () => b.responses.find((r) => r.resume_stream_response)?.resume_stream_response,
      'resume',
    );
    expect(first.last_committed_offset).toBeUndefined();
    for (let o = 0; o < 5; o++) b.send(req.json(o, [JSON.stringify({ id: 500 + o })]));
    await b.ackedAtLeast(4);
    expect((await b.finish()).code).toBe(0);

    // Resume again and re-send 3..6: 3 and 4 are dropped (already durable), 5 and 6 are new.
    const c = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    c.send(req.resume(id, 2));
    const second = await c.until(
      () => c.responses.find((r) => r.resume_stream_response)?.resume_stream_response,
      'resume',
    );
    expect(second.last_committed_offset).toBe('4');
    for (let o = 3; o < 7; o++) c.send(req.json(o, [JSON.stringify({ id: 500 + o })]));
    await c.ackedAtLeast(6);
    expect((await c.finish()).code).toBe(0);
    await node.publishers.flushAll();
    const ids = rows(await readTable(dir, 'tables/main/sales/orders'))
      .map((r) => Number(r.id))
      .filter((n) => n >= 500 && n < 600);
    expect(ids).toEqual([500, 501, 502, 503, 504, 505, 506]);
  });

  it('a resume takes the stream over from an older connection (ABORTED there)', async () => {
    const a = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    a.send(req.persistentCreate(ORDERS, 2));
    const id = await a.streamId();
    a.send(req.json(0, ['{"id":600}']));
    await a.ackedAtLeast(0);
    const b = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    b.send(req.resume(id, 2));
    const r = await b.until(
      () => b.responses.find((x) => x.resume_stream_response)?.resume_stream_response,
      'resume',
    );
    expect(r.last_committed_offset).toBe('0');
    const end = await a.ended;
    expect(end).toEqual({
      code: grpc.status.ABORTED,
      details: `persistent stream ${id} was resumed on another connection`,
    });
    expect((await b.finish()).code).toBe(0);
  });

  it('RetireStream is idempotent; a retired or unknown stream cannot be resumed (NOT_FOUND)', async () => {
    const a = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    a.send(req.persistentCreate(ORDERS, 2));
    const id = await a.streamId();
    expect((await a.finish()).code).toBe(0);
    const retire = (streamId: string, table?: string) =>
      new Promise<grpc.ServiceError | null>((resolve) => {
        const md = metadata();
        (
          client.RetireStream as (
            r: object,
            md: grpc.Metadata,
            cb: (e: grpc.ServiceError | null) => void,
          ) => void
        )({ stream_id: streamId, ...(table === undefined ? {} : { table_name: table }) }, md, (err) =>
          resolve(err),
        );
      });
    expect((await retire(id, 'main.sales.events'))?.details).toBe(
      `persistent stream ${id} writes to main.sales.orders, not main.sales.events`,
    );
    expect(await retire(id, ORDERS)).toBeNull();
    expect(await retire(id)).toBeNull();
    expect((await retire('ps-nope'))?.code).toBe(grpc.status.NOT_FOUND);
    const b = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    b.send(req.resume(id, 2));
    expect(await b.ended).toEqual({
      code: grpc.status.NOT_FOUND,
      details: `persistent stream ${id} was retired`,
    });
  });

  it('persistent stream state survives a restart (from the WAL and streams.json)', async () => {
    const a = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    a.send(req.persistentCreate(ORDERS, 2));
    const id = await a.streamId();
    for (let o = 0; o < 3; o++) a.send(req.json(o, [JSON.stringify({ id: 700 + o })]));
    await a.ackedAtLeast(2);
    expect((await a.finish()).code).toBe(0);
    client.close();
    await node.close(500);
    ({ node } = await startTestNode(dir, { cat }));
    client = zerobusClient(node.port);
    const b = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    b.send(req.resume(id, 2));
    const r = await b.until(
      () => b.responses.find((x) => x.resume_stream_response)?.resume_stream_response,
      'resume',
    );
    expect(r.last_committed_offset).toBe('2');
    expect((await b.finish()).code).toBe(0);
  });
});

describe('a persistent stream belongs to the principal that created it', () => {
  const retire = (streamId: string, token: string) =>
    new Promise<grpc.ServiceError | null>((resolve) => {
      const md = new grpc.Metadata();
      md.set('authorization', `Bearer ${token}`);
      (
        client.RetireStream as (
          r: object,
          md: grpc.Metadata,
          cb: (e: grpc.ServiceError | null) => void,
        ) => void
      )({ stream_id: streamId }, md, (err) => resolve(err));
    });
  const denied = (id: string, action: string) =>
    `persistent stream ${id} (table main.sales.orders) belongs to another principal: only the principal that created it may ${action} it, not 'svc-partner'; ${action} it with that principal's credential, or create a new stream`;

  it('another principal, even with MODIFY on the table, can neither resume it nor retire it (PERMISSION_DENIED)', async () => {
    const a = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    a.send(req.persistentCreate(ORDERS, 2));
    const id = await a.streamId();
    a.send(req.json(0, ['{"id":800}']));
    await a.ackedAtLeast(0);

    const other = openStream(client, 'PersistentStream', cat.tokens.partner.token, ORDERS);
    other.send(req.resume(id, 2));
    expect(await other.ended).toEqual({ code: grpc.status.PERMISSION_DENIED, details: denied(id, 'resume') });
    const refused = await retire(id, cat.tokens.partner.token);
    expect({ code: refused?.code, details: refused?.details }).toEqual({
      code: grpc.status.PERMISSION_DENIED,
      details: denied(id, 'retire'),
    });
    // The owner's live connection was not taken over: it carries on.
    a.send(req.json(1, ['{"id":801}']));
    await a.ackedAtLeast(1);
    expect((await a.finish()).code).toBe(0);

    // After a restart (the creator comes back from the WAL and streams.json) it is still the owner's only.
    client.close();
    await node.close(500);
    ({ node } = await startTestNode(dir, { cat }));
    client = zerobusClient(node.port);
    const again = openStream(client, 'PersistentStream', cat.tokens.partner.token, ORDERS);
    again.send(req.resume(id, 2));
    expect(await again.ended).toEqual({ code: grpc.status.PERMISSION_DENIED, details: denied(id, 'resume') });
    const owner = openStream(client, 'PersistentStream', cat.tokens.good.token, ORDERS);
    owner.send(req.resume(id, 2));
    const r = await owner.until(
      () => owner.responses.find((x) => x.resume_stream_response)?.resume_stream_response,
      'resume',
    );
    expect(r.last_committed_offset).toBe('1');
    expect((await owner.finish()).code).toBe(0);
    expect(await retire(id, cat.tokens.good.token)).toBeNull();
  });

  it('a stream created before the creator was recorded stays resumable by any principal with the grant', async () => {
    // streams.json as the node wrote it before: no principalId.
    const legacy = await tempDir();
    await writeFile(
      join(legacy.dir, 'streams.json'),
      JSON.stringify({
        version: 1,
        streams: [{ streamId: 'ps-legacy', table: ORDERS, lastDurable: '4', retired: false }],
      }),
    );
    const { node: old } = await startTestNode(legacy.dir, { cat });
    const c = zerobusClient(old.port);
    try {
      const s = openStream(c, 'PersistentStream', cat.tokens.partner.token, ORDERS);
      s.send(req.resume('ps-legacy', 2));
      const r = await s.until(
        () => s.responses.find((x) => x.resume_stream_response)?.resume_stream_response,
        'resume',
      );
      expect(r.last_committed_offset).toBe('4');
      expect((await s.finish()).code).toBe(0);
    } finally {
      c.close();
      await old.close(500);
      await legacy.cleanup();
    }
  });
});

describe('catalog changes reach live streams', () => {
  it('a revoked credential ends its live stream at its next request (UNAUTHENTICATED, in words); acked rows stay', async () => {
    const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    s.send(req.create(ORDERS, 2));
    await s.streamId();
    s.send(req.json(0, ['{"id":900}']));
    await s.ackedAtLeast(0);
    const snapshot = testSnapshot(cat.tokens);
    const credentials = snapshot.credentials.map((c) =>
      c.id === cat.tokens.good.id ? { ...c, revoked: true } : c,
    );
    cat.catalog.replace({ ...snapshot, version: 2, credentials });
    s.send(req.json(1, ['{"id":901}']));
    expect(await s.ended).toEqual({
      code: grpc.status.UNAUTHENTICATED,
      details: `the credential ${cat.tokens.good.id} was revoked; get a new one`,
    });
    expect(s.acked).toBe(0n);
    cat.catalog.replace({ ...snapshot, version: 3 });
    await node.publishers.flushAll();
    const ids = rows(await readTable(dir, 'tables/main/sales/orders')).map((r) => r.id);
    expect(ids).toContain(900n);
    expect(ids).not.toContain(901n);
  });

  it('a disabled principal ends its live stream saying it was disabled (not that a credential was revoked)', async () => {
    const s = openStream(client, 'EphemeralStream', cat.tokens.partner.token, ORDERS);
    s.send(req.create(ORDERS, 2));
    await s.streamId();
    const snapshot = testSnapshot(cat.tokens);
    const principals = snapshot.principals.map((p) =>
      p.id === 'svc-partner' ? { ...p, disabled: true } : p,
    );
    cat.catalog.replace({ ...snapshot, version: 4, principals });
    s.send(req.json(0, ['{"id":902}']));
    expect(await s.ended).toEqual({
      code: grpc.status.UNAUTHENTICATED,
      details:
        "principal 'svc-partner' was disabled; ask a catalog admin to enable it, or use another principal's credential",
    });
    cat.catalog.replace({ ...snapshot, version: 5 });
  });

  it('a revoked stream that sends nothing more is ended with the reason after revokedStreamGraceMs', async () => {
    const other = await tempDir();
    const started = await startTestNode(other.dir, { limits: { revokedStreamGraceMs: 200 } });
    const otherClient = zerobusClient(started.node.port);
    try {
      const s = openStream(otherClient, 'EphemeralStream', started.cat.tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 2));
      await s.streamId();
      const snapshot = testSnapshot(started.cat.tokens);
      const grants = snapshot.grants.filter(
        (g) => !(g.principalId === 'svc-orders' && g.privilege === 'MODIFY'),
      );
      started.cat.catalog.replace({ ...snapshot, version: 2, grants });
      const end = await s.ended;
      expect(end.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(end.details).toContain(`svc-orders may not write to ${ORDERS}`);
      expect(end.details).toContain('has no MODIFY');
    } finally {
      otherClient.close();
      await started.node.close(500);
      await other.cleanup();
    }
  });
});

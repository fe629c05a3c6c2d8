import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestNode } from '../src/server-node.js';
import { zerobusService } from '../src/zerobus/proto.js';
import { ORDERS, orderSchema, SECRET, type testCatalog, WRONG_PROTO } from './support/test-catalog.js';
import { readTable, rows, startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, type TestStream, zerobusClient } from './support/zerobus-client.js';

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;
let client: ReturnType<typeof zerobusClient>;
/** A healthy stream that keeps ingesting while every other test fails its own call. */
let bystander: TestStream;
let bystanderOffset = 0;

const schema = orderSchema();
const enc = (o: Record<string, unknown>) => schema.type.encode(schema.type.fromObject(o)).finish();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  // The oversize test below names the request limit: 10 MiB, given here (the default is 10 MiB + 64 KiB).
  ({ node, cat } = await startTestNode(dir, { limits: { maxRequestBytes: 10 * 1024 * 1024 } }));
  client = zerobusClient(node.port);
  bystander = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
  bystander.send(req.create(ORDERS, 2));
  await bystander.streamId();
});

afterAll(async () => {
  client.close();
  await node.close(500);
  await cleanup();
});

/** The bystander sends one more record and gets its ack: the failures around it did not disturb it. */
async function bystanderStillWorks(): Promise<void> {
  const o = bystanderOffset++;
  bystander.send(req.json(o, [JSON.stringify({ id: 1000 + o })]));
  await bystander.ackedAtLeast(o);
}

/** Opens an ephemeral stream on ORDERS with the good token and creates it (JSON unless a descriptor). */
async function opened(descriptor?: Uint8Array): Promise<TestStream> {
  const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
  s.send(descriptor === undefined ? req.create(ORDERS, 2) : req.create(ORDERS, 1, descriptor));
  await s.streamId();
  return s;
}

/** A stream sending raw request bytes (to send what a protobuf library would refuse to encode). */
function rawStream(): { send: (b: Uint8Array) => void; ended: Promise<grpc.StatusObject> } {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${cat.tokens.good.token}`);
  md.set('x-databricks-zerobus-table-name', ORDERS);
  const call = client.makeBidiStreamRequest(
    '/databricks.zerobus.Zerobus/EphemeralStream',
    (b: Uint8Array) => Buffer.from(b),
    (b: Buffer) => b,
    md,
  );
  call.on('data', () => undefined);
  const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
  call.on('error', () => undefined);
  return { send: (b) => call.write(b), ended };
}

const serializeRequest = (msg: object): Uint8Array =>
  zerobusService().EphemeralStream!.requestSerialize(msg) as Uint8Array;

/** `EphemeralStreamRequest{ingest_record_batch{offset_id, json_batch{records: raw bytes}}}`. */
function rawJsonBatch(offset: number, records: Uint8Array[]): Uint8Array {
  const inner = protobuf.Writer.create();
  for (const r of records) inner.uint32((1 << 3) | 2).bytes(r);
  const batch = protobuf.Writer.create()
    .uint32(1 << 3)
    .int64(offset)
    .uint32((3 << 3) | 2)
    .bytes(inner.finish());
  return protobuf.Writer.create()
    .uint32((3 << 3) | 2)
    .bytes(batch.finish())
    .finish();
}

async function expectEnd(s: TestStream, code: grpc.status, details: string | RegExp): Promise<void> {
  const end = await s.ended;
  expect({ code: end.code, details: end.details }).toEqual({
    code,
    details: typeof details === 'string' ? details : expect.stringMatching(details),
  });
  await bystanderStillWorks();
}

describe('bad input is contained: exact status and words, other streams undisturbed', () => {
  it('a protobuf record that is garbage: INVALID_ARGUMENT naming table, offset, record and byte', async () => {
    const s = await opened(schema.descriptorProto);
    s.send(req.proto(0, [enc({ id: 1 })]));
    s.send(req.proto(1, [enc({ id: 2 }), new Uint8Array([0x08, 0x96, 0x96, 0x96])]));
    await expectEnd(
      s,
      grpc.status.INVALID_ARGUMENT,
      /^table main\.sales\.orders, offset 1, record 1, field id at byte \d+: .*\(TRUNCATED\)$/,
    );
    expect(s.acked).toBe(0n);
  });

  it('request bytes that are not a protobuf message: INVALID_ARGUMENT', async () => {
    const raw = rawStream();
    raw.send(serializeRequest(req.create(ORDERS, 2)));
    raw.send(new Uint8Array([0x1a, 0xff, 0xff, 0x01, 0x00]));
    const end = await raw.ended;
    expect(end.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(end.details).toBe('malformed request: a length prefix runs past the end of its message');
    await bystanderStillWorks();
  });

  it('an offset gap and a repeated offset: INVALID_ARGUMENT "expected offset N, got M"', async () => {
    const gap = await opened();
    gap.send(req.json(0, ['{"id":1}']));
    gap.send(req.json(2, ['{"id":2}']));
    await expectEnd(gap, grpc.status.INVALID_ARGUMENT, 'table main.sales.orders: expected offset 1, got 2');
    const repeat = await opened();
    repeat.send(req.json(0, ['{"id":1}']));
    repeat.send(req.json(0, ['{"id":1}']));
    await expectEnd(
      repeat,
      grpc.status.INVALID_ARGUMENT,
      'table main.sales.orders: expected offset 1, got 0',
    );
    const late = await opened();
    late.send(req.json(5, ['{"id":1}']));
    await expectEnd(late, grpc.status.INVALID_ARGUMENT, 'table main.sales.orders: expected offset 0, got 5');
  });

  it('a descriptor that does not fit the table: INVALID_ARGUMENT naming the field and why', async () => {
    const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    s.send(req.create(ORDERS, 1, orderSchema(WRONG_PROTO).descriptorProto));
    await expectEnd(
      s,
      grpc.status.INVALID_ARGUMENT,
      /^table main\.sales\.orders: the descriptor does not fit the table at field 'id': the table column is long: a long column takes int64, .+, not string \(TABLE_SCHEMA_MISMATCH\)$/,
    );
    const extra = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    const extraProto =
      'syntax = "proto2"; package test; message Order { optional int64 id = 1; optional string color = 9; }';
    extra.send(req.create(ORDERS, 1, orderSchema(extraProto).descriptorProto));
    await expectEnd(
      extra,
      grpc.status.INVALID_ARGUMENT,
      /^table main\.sales\.orders: the descriptor does not fit the table at field 'color': the table has no column 'color' \(columns: id, item, qty\); if that column was just added to the table, this node has not received the new schema yet .* \(UNKNOWN_COLUMN\)$/,
    );
    // No field for the NOT NULL column id: every record would be refused, so the stream is.
    const noId = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    const noIdProto =
      'syntax = "proto2"; package test; message Order { optional string item = 2; optional int32 qty = 3; }';
    noId.send(req.create(ORDERS, 1, orderSchema(noIdProto).descriptorProto));
    await expectEnd(
      noId,
      grpc.status.INVALID_ARGUMENT,
      'table main.sales.orders: the descriptor does not fit the table: column id is missing and the table says it is NOT NULL; every record would be refused: give the message a field for each NOT NULL column (field number = column position + 1)',
    );
    const none = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    none.send(req.create(ORDERS, 1));
    await expectEnd(
      none,
      grpc.status.INVALID_ARGUMENT,
      'table main.sales.orders: record_type PROTO needs create_stream.descriptor_proto (a serialized DescriptorProto)',
    );
    const unspecified = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    unspecified.send({ create_stream: { table_name: ORDERS, record_type: 0 } });
    await expectEnd(
      unspecified,
      grpc.status.INVALID_ARGUMENT,
      'table main.sales.orders: record_type RECORD_TYPE_UNSPECIFIED is not supported; use PROTO (1) or JSON (2)',
    );
  });

  it('an oversize request: INVALID_ARGUMENT with the size and the limit', async () => {
    const s = await opened();
    const big = JSON.stringify({ id: 1, item: 'x'.repeat(11 * 1024 * 1024) });
    s.send(req.json(0, [big]));
    await expectEnd(
      s,
      grpc.status.INVALID_ARGUMENT,
      /^table main\.sales\.orders: the request is \d+ bytes, over the limit of 10485760 bytes; send smaller batches or records$/,
    );
  });

  it('invalid UTF-8, in a JSON record and in a protobuf string field: INVALID_ARGUMENT', async () => {
    const raw = rawStream();
    raw.send(serializeRequest(req.create(ORDERS, 2)));
    raw.send(
      rawJsonBatch(0, [Buffer.from('{"id":1}'), new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])]),
    );
    const end = await raw.ended;
    expect(end.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(end.details).toBe(
      'table main.sales.orders, offset 0, record 1: the JSON record is not valid UTF-8',
    );

    const s = await opened(schema.descriptorProto);
    const bad = new Uint8Array([0x08, 0x01, 0x12, 0x02, 0xc3, 0x28]);
    s.send(req.proto(0, [bad]));
    await expectEnd(
      s,
      grpc.status.INVALID_ARGUMENT,
      /^table main\.sales\.orders, offset 0, record 0, field item at byte \d+: .*\(INVALID_UTF8\)$/,
    );
  });

  it('JSON that does not fit the table, and a NOT NULL column left null: INVALID_ARGUMENT', async () => {
    const s = await opened();
    s.send(req.json(0, ['{"id":"x"}']));
    await expectEnd(
      s,
      grpc.status.INVALID_ARGUMENT,
      /^table main\.sales\.orders, offset 0, record 0, field id/,
    );
    const n = await opened();
    n.send(req.json(0, ['{"item":"no id"}']));
    await expectEnd(
      n,
      grpc.status.INVALID_ARGUMENT,
      /^table main\.sales\.orders, offset 0, record 0.*MISSING_REQUIRED/,
    );
    const p = await opened(schema.descriptorProto);
    p.send(req.proto(0, [enc({ item: 'no id' })]));
    await expectEnd(p, grpc.status.INVALID_ARGUMENT, /^table main\.sales\.orders, offset 0: .*\bid\b/);
  });

  it('bad, expired, revoked and missing tokens: UNAUTHENTICATED saying why', async () => {
    const cases: [string | undefined, RegExp][] = [
      ['lsp_nosuch_secret', /tok|credential|unknown/i],
      [`${cat.tokens.good.token}x`, /./],
      [cat.tokens.expired.token, /expired/i],
      [cat.tokens.revoked.token, /revoked/i],
      [undefined, /missing authorization header/],
    ];
    for (const [token, words] of cases) {
      const s = openStream(client, 'EphemeralStream', token, ORDERS);
      s.send(req.create(ORDERS, 2));
      const end = await s.ended;
      expect(end.code, `token ${token}`).toBe(grpc.status.UNAUTHENTICATED);
      expect(end.details).toMatch(words);
    }
    await bystanderStillWorks();
  });

  it('no grant: PERMISSION_DENIED with the catalog reason; unknown table: NOT_FOUND; names disagree', async () => {
    const s = openStream(client, 'EphemeralStream', cat.tokens.noGrant.token, ORDERS);
    s.send(req.create(ORDERS, 2));
    await expectEnd(s, grpc.status.PERMISSION_DENIED, /^svc-nobody may not write to main\.sales\.orders: .+/);
    const secret = openStream(client, 'EphemeralStream', cat.tokens.good.token, SECRET);
    secret.send(req.create(SECRET, 2));
    await expectEnd(
      secret,
      grpc.status.PERMISSION_DENIED,
      /^svc-orders may not write to main\.other\.secret: .*MODIFY/,
    );
    const missing = openStream(client, 'EphemeralStream', cat.tokens.good.token, 'main.sales.nope');
    missing.send(req.create('main.sales.nope', 2));
    await expectEnd(
      missing,
      grpc.status.NOT_FOUND,
      'table main.sales.nope is not provisioned on this ingest node',
    );
    const disagree = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    disagree.send(req.create('main.sales.events', 2));
    await expectEnd(
      disagree,
      grpc.status.INVALID_ARGUMENT,
      'the x-databricks-zerobus-table-name header names table main.sales.orders but create_stream.table_name is main.sales.events; they must agree',
    );
  });

  it('records before create_stream, and a PROTO record on a JSON stream: INVALID_ARGUMENT', async () => {
    const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    s.send(req.json(0, ['{"id":1}']));
    await expectEnd(s, grpc.status.INVALID_ARGUMENT, 'the first message of a stream must be create_stream');
    const j = await opened();
    j.send(req.proto(0, [enc({ id: 1 })]));
    await expectEnd(
      j,
      grpc.status.INVALID_ARGUMENT,
      'table main.sales.orders, offset 0: a PROTO record on a JSON stream',
    );
  });

  it('acked data is untouched: the bystander rows are all in the table, the failed batches are not', async () => {
    bystander.call.end();
    expect((await bystander.ended).code).toBe(grpc.status.OK);
    await node.publishers.flushAll();
    const ids = rows(await readTable(dir, 'tables/main/sales/orders')).map((r) => Number(r.id));
    const expected = Array.from({ length: bystanderOffset }, (_, i) => 1000 + i);
    expect(ids.filter((id) => id >= 1000)).toEqual(expected);
    // Only the first (good, acked) request of the garbage test made it in besides the bystander's rows.
    expect(ids.filter((id) => id < 1000)).toEqual([1, 1, 1]);
  });
});

import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ORDERS, orderSchema } from './support/test-catalog.js';
import { startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

describe('--max-record-bytes', () => {
  it('refuses a record over the limit (JSON and protobuf), naming the offset and the record', async () => {
    const { dir, cleanup } = await tempDir();
    const { node, cat } = await startTestNode(dir, { limits: { maxRecordBytes: 1024 } });
    const client = zerobusClient(node.port);
    const schema = orderSchema();
    try {
      const json = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
      json.send(req.create(ORDERS, 2));
      await json.streamId();
      json.send(
        req.json(0, [
          JSON.stringify({ id: 1, item: 'small' }),
          JSON.stringify({ id: 2, item: 'x'.repeat(2000) }),
        ]),
      );
      const jsonEnd = await json.ended;
      expect(jsonEnd.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(jsonEnd.details).toMatch(
        /^table main\.sales\.orders, offset 0.*record 1.*1024.*RECORD_TOO_LARGE/,
      );

      const proto = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
      proto.send(req.create(ORDERS, 1, schema.descriptorProto));
      await proto.streamId();
      const big = schema.type.encode(schema.type.fromObject({ id: 3, item: 'y'.repeat(2000) })).finish();
      proto.send(req.proto(0, [big]));
      const protoEnd = await proto.ended;
      expect(protoEnd.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(protoEnd.details).toMatch(
        /^table main\.sales\.orders, offset 0.*record 0.*over the limit of 1024.*RECORD_TOO_LARGE/,
      );
    } finally {
      client.close();
      await node[Symbol.asyncDispose]();
      await cleanup();
    }
  });
});

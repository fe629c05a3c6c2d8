import * as grpc from '@grpc/grpc-js';
import { fromArrowSchema } from '@lakestream/delta';
import {
  createAuthenticator,
  createMemoryCatalogSource,
  type IngestNodeOptions,
  openIngestNode,
} from '@lakestream/ingest';
import { decodeEphemeralRequest, type StreamRequest, zerobusService } from '@lakestream/ingest/protocol';
import { neowiseSchema } from '@lakestream/testkit';
import { createParser } from '@lakestream/zeroparser';

/** The benchmark table's full name. */
export const BENCH_TABLE = 'bench.neowise.sources';
/** The benchmark table's location under the node's data dir. */
export const BENCH_TABLE_LOCATION = 'tables/bench/neowise/sources';

/** A provisioned catalog snapshot with the one benchmark table, a service principal and its producer token. */
export function benchSnapshot(tokenId: string, tokenHash: string, schema: unknown) {
  const grant = (privilege: string, type: string, name: string) => ({
    principalId: 'svc-bench',
    privilege,
    securable: { type, name },
  });
  return {
    version: 1,
    issuer: 'https://control-plane.lakestream.test',
    audience: 'lakestream-ingest',
    tables: [{ name: BENCH_TABLE, location: BENCH_TABLE_LOCATION, schema, properties: {} }],
    principals: [{ id: 'svc-bench', name: 'svc-bench', kind: 'service' }],
    grants: [
      grant('USE_CATALOG', 'catalog', 'bench'),
      grant('USE_SCHEMA', 'schema', 'bench.neowise'),
      grant('MODIFY', 'table', BENCH_TABLE),
    ],
    credentials: [{ id: tokenId, principalId: 'svc-bench', kind: 'producer_token', tokenHash }],
    tokenKeys: [],
  };
}

/** The benchmark table's Delta schema: the NEOWISE-like record as zeroparser maps it to Arrow. */
export function benchTableSchema() {
  return fromArrowSchema(createParser(neowiseSchema().descriptorProto).schema);
}

/**
 * An in-process full ingest node (WAL with fsync, Delta publishing) in `dataDir`, serving the NEOWISE-like
 * benchmark table to the given producer token; `extra` overrides node options (e.g. HTTP/2 windows); `open`
 * is the `openIngestNode` to run (another build's, for a before/after comparison).
 */
export function openBenchNode(
  dataDir: string,
  token: { id: string; hash: string },
  extra: Partial<IngestNodeOptions> = {},
  open: typeof openIngestNode = openIngestNode,
) {
  const catalog = createMemoryCatalogSource(benchSnapshot(token.id, token.hash, benchTableSchema()));
  return open({
    dataDir,
    catalog,
    authenticator: createAuthenticator(catalog),
    limits: { streamInFlightBytes: 256 * 1024 * 1024 },
    nodeBufferBytes: 1024 * 1024 * 1024,
    ...extra,
  });
}

/** A server with the Zerobus proto that acks every request at once and keeps nothing. */
export async function startNullServer(): Promise<grpc.Server & { port: number }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 32 * 1024 * 1024 });
  const service = zerobusService();
  server.addService(
    {
      ...service,
      EphemeralStream: { ...service.EphemeralStream!, requestDeserialize: decodeEphemeralRequest },
    },
    {
      EphemeralStream: (call: grpc.ServerDuplexStream<StreamRequest, object>) => {
        call.sendMetadata(new grpc.Metadata());
        call.on('data', (m: StreamRequest) => {
          if (m.kind === 'create') call.write({ create_stream_response: { stream_id: 'null' } });
          else if (m.kind === 'records') {
            call.write({
              ingest_record_response: { durability_ack_up_to_offset: String(m.records.offset ?? 0n) },
            });
          }
        });
        call.on('end', () => call.end());
      },
      PersistentStream: (call: grpc.ServerDuplexStream<unknown, object>) =>
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'null server' }),
      RetireStream: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, {}),
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return Object.assign(server, { port });
}

import * as grpc from '@grpc/grpc-js';
import { fromArrowSchema } from '@lakestream/delta';
import {
  createAuthenticator,
  createMemoryCatalogSource,
  type IngestNodeOptions,
  openIngestNode,
} from '@lakestream/ingest';
import { decodeEphemeralRequest, type StreamRequest, zerobusService } from '@lakestream/ingest/protocol';
import { clickbenchSchema, neowiseSchema } from '@lakestream/testkit';
import { createParser } from '@lakestream/zeroparser';

/** The benchmark's record shapes: the NEOWISE-like record (the default) and the 105-column ClickBench-like one. */
export type BenchDataset = 'neowise' | 'clickbench';

/** The benchmark table of each dataset: full name and location under the node's data dir. */
export const BENCH_TABLES: Record<BenchDataset, { name: string; location: string }> = {
  neowise: { name: 'bench.neowise.sources', location: 'tables/bench/neowise/sources' },
  clickbench: { name: 'bench.clickbench.hits', location: 'tables/bench/clickbench/hits' },
};
/** The (NEOWISE-like) benchmark table's full name. */
export const BENCH_TABLE = BENCH_TABLES.neowise.name;
/** The (NEOWISE-like) benchmark table's location under the node's data dir. */
export const BENCH_TABLE_LOCATION = BENCH_TABLES.neowise.location;

/** The protobuf schema of a dataset's record. */
export function datasetSchema(dataset: BenchDataset) {
  return dataset === 'clickbench' ? clickbenchSchema() : neowiseSchema();
}

/**
 * A provisioned catalog snapshot with one benchmark table (`dataset`'s, of Delta schema `schema`), a service
 * principal and its producer token.
 */
export function benchSnapshot(
  tokenId: string,
  tokenHash: string,
  schema: unknown,
  dataset: BenchDataset = 'neowise',
) {
  const table = BENCH_TABLES[dataset];
  const schemaName = table.name.split('.').slice(0, 2).join('.');
  const grant = (privilege: string, type: string, name: string) => ({
    principalId: 'svc-bench',
    privilege,
    securable: { type, name },
  });
  return {
    version: 1,
    issuer: 'https://control-plane.lakestream.test',
    audience: 'lakestream-ingest',
    tables: [{ name: table.name, location: table.location, schema, properties: {} }],
    principals: [{ id: 'svc-bench', name: 'svc-bench', kind: 'service' }],
    grants: [
      grant('USE_CATALOG', 'catalog', 'bench'),
      grant('USE_SCHEMA', 'schema', schemaName),
      grant('MODIFY', 'table', table.name),
    ],
    credentials: [{ id: tokenId, principalId: 'svc-bench', kind: 'producer_token', tokenHash }],
    tokenKeys: [],
  };
}

/** A benchmark table's Delta schema: the dataset's record (default NEOWISE-like) as zeroparser maps it to Arrow. */
export function benchTableSchema(dataset: BenchDataset = 'neowise') {
  return fromArrowSchema(createParser(datasetSchema(dataset).descriptorProto).schema);
}

/**
 * An in-process full ingest node (WAL with fsync, Delta publishing) in `dataDir`, serving the benchmark table
 * of `dataset` (default NEOWISE-like) to the given producer token; `extra` overrides node options (e.g. HTTP/2
 * windows); `open` is the `openIngestNode` to run (another build's, for a before/after comparison).
 */
export function openBenchNode(
  dataDir: string,
  token: { id: string; hash: string },
  extra: Partial<IngestNodeOptions> = {},
  open: typeof openIngestNode = openIngestNode,
  dataset: BenchDataset = 'neowise',
) {
  const catalog = createMemoryCatalogSource(
    benchSnapshot(token.id, token.hash, benchTableSchema(dataset), dataset),
  );
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

import { type Client, credentials, Metadata, makeClientConstructor, type ServiceError } from '@grpc/grpc-js';
import {
  type AdminStatus,
  adminServiceDefinition,
  type DrainResponse,
  type HeldActionName,
  type ListEndedStreamsResponse,
  type ListHeldResponse,
  type ListStreamsResponse,
  type PushCatalogResponse,
  type ResolveHeldResponse,
} from './admin-proto.js';

/** A promise-based client of `lakestream.admin.v1.Admin` (int64 fields arrive as decimal strings). */
export interface AdminClient {
  pushCatalog(snapshotJson: string): Promise<PushCatalogResponse>;
  getStatus(): Promise<AdminStatus>;
  listStreams(table?: string): Promise<ListStreamsResponse>;
  drain(graceMs: number): Promise<DrainResponse>;
  listHeld(): Promise<ListHeldResponse>;
  /** Streams ended after seq `after` (0: from the oldest held), at most `limit` (0: the node's default). */
  listEndedStreams(after: number, limit?: number): Promise<ListEndedStreamsResponse>;
  /** Exactly one of `positions`, `table`, `all`. */
  resolveHeld(
    action: HeldActionName,
    which: { positions?: readonly bigint[]; table?: string; all?: boolean },
  ): Promise<ResolveHeldResponse>;
  close(): void;
}

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  callback: (error: ServiceError | null, response: unknown) => void,
) => void;

/**
 * Connects to an ingest node's admin API at `address` (`host:port`, plaintext), sending
 * `authorization: Bearer <secret>` with every call (none when `secret` is undefined). For the control plane's
 * provisioning client and for tests. Calls reject with the grpc-js `ServiceError` (`code`, `details`).
 */
export function createAdminClient(address: string, secret: string | undefined): AdminClient {
  const Constructor = makeClientConstructor(adminServiceDefinition(), 'Admin');
  const client = new Constructor(address, credentials.createInsecure()) as Client &
    Record<string, UnaryMethod>;
  const call = <T>(method: string, request: unknown) =>
    new Promise<T>((resolve, reject) => {
      const metadata = new Metadata();
      if (secret !== undefined) metadata.set('authorization', `Bearer ${secret}`);
      client[method]!.call(client, request, metadata, (error, response) =>
        error ? reject(error) : resolve(response as T),
      );
    });
  return {
    pushCatalog: (snapshotJson) => call('PushCatalog', { snapshot_json: snapshotJson }),
    getStatus: () => call('GetStatus', {}),
    listStreams: (table) => call('ListStreams', table === undefined ? {} : { table }),
    drain: (graceMs) => call('Drain', { grace_ms: graceMs }),
    listHeld: () => call('ListHeld', {}),
    listEndedStreams: (after, limit = 0) => call('ListEndedStreams', { after: String(after), limit }),
    resolveHeld: (action, which) =>
      call('ResolveHeld', {
        action,
        positions: (which.positions ?? []).map(String),
        table: which.table ?? '',
        all: which.all ?? false,
      }),
    close: () => client.close(),
  };
}

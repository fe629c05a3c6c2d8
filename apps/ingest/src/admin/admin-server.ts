import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type handleUnaryCall,
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceError,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { isIngestError } from '../base/errors.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { isProvisioningError } from '../catalog/provisioning-error.js';
import { INGEST_NODE_DEFAULTS } from '../config/node-defaults.js';
import type { NodeHealth } from '../node-health.js';
import type { HeldEntry } from '../recovery/held-entries.js';
import type { HeldAction, HeldDecision, HeldSelection } from '../recovery/resolve-held.js';
import type { EndedStream } from '../stream/ended-streams.js';
import { toGrpcStatus } from '../stream/grpc-status.js';
import {
  type AdminStatus,
  adminServiceDefinition,
  type DrainRequest,
  type DrainResponse,
  type EndedStreamMessage,
  type HeldEntryMessage,
  type ListEndedStreamsRequest,
  type ListEndedStreamsResponse,
  type ListHeldResponse,
  type ListStreamsRequest,
  type ListStreamsResponse,
  type PushCatalogRequest,
  type PushCatalogResponse,
  type ResolveHeldRequest,
  type ResolveHeldResponse,
  type StreamInfoMessage,
  type TablePublishInfoMessage,
} from './admin-proto.js';
import type { PublishRegistry, TablePublishInfo } from './publish-registry.js';
import { servingState } from './serving-state.js';
import type { DrainHandler, StreamInfo, StreamRegistry } from './stream-registry.js';

/** The part of a pino logger the admin server uses. */
export interface AdminLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Options of `startAdminServer`. */
export interface AdminServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Default 127.0.0.1: the admin API is for the control plane, not the world. */
  readonly host?: string;
  /** The admin bearer secret; `undefined` serves without authentication (`--insecure-dev-admin` only). */
  readonly secret: string | undefined;
  readonly catalog: Pick<CatalogStore, 'apply' | 'current'>;
  readonly streams: StreamRegistry;
  /** The node's publishers (`ListStreamsResponse.tables`); none lists no tables. */
  readonly publishing?: PublishRegistry | undefined;
  readonly onDrain: DrainHandler;
  /** For `GetStatus`. */
  readonly nodeId: string;
  /** `Drain` with `grace_ms` 0 uses this (ms). Default `INGEST_NODE_DEFAULTS.drainGraceMs` (30000). */
  readonly defaultDrainGraceMs?: number;
  /** When the node started (ms since the epoch), for `uptime_ms`. Default: now. */
  readonly startedAt?: number;
  /** The node's health for `GetStatus` (default: `ok`). */
  readonly health?: (() => NodeHealth) | undefined;
  /** The node's held entries (`ListHeld`, `ResolveHeld`); without it both answer UNIMPLEMENTED. */
  readonly held?: HeldOperations | undefined;
  readonly log?: AdminLog;
}

/** What the admin API reads and decides of the node's held entries (the node's `IngestNode` parts). */
export interface HeldOperations {
  list(): readonly HeldEntry[];
  readonly quarantineDir: string;
  resolve(selection: HeldSelection, action: HeldAction): Promise<HeldDecision>;
}

/** A running admin server. */
export interface AdminServer extends AsyncDisposable {
  /** The port it listens on (the chosen one when started with 0). */
  readonly port: number;
  /** Stops accepting calls, lets running ones finish for up to `graceMs` (default 5000), then ends them. */
  close(graceMs?: number): Promise<void>;
}

/** A refusal on its way to the client: gRPC code and a message in words. */
class AdminRefusal extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

const silent: AdminLog = { info() {}, warn() {}, error() {} };
const KINDS = { ephemeral: 'STREAM_KIND_EPHEMERAL', persistent: 'STREAM_KIND_PERSISTENT' } as const;
const STATES = {
  opening: 'STREAM_STATE_OPENING',
  open: 'STREAM_STATE_OPEN',
  draining: 'STREAM_STATE_DRAINING',
  closing: 'STREAM_STATE_CLOSING',
} as const;

/**
 * Serves `lakestream.admin.v1.Admin` (proto/lakestream_admin.proto) with @grpc/grpc-js on its own port.
 * Every call must carry `authorization: Bearer <secret>` (compared in constant time), else UNAUTHENTICATED.
 * PushCatalog → `catalog.apply` (INVALID_ARGUMENT for a bad snapshot, FAILED_PRECONDITION for an old
 * version); GetStatus; ListStreams from `streams.list()` and `publishing.publishInfo()`; Drain → `onDrain(grace)`. Internal faults reach
 * the client as INTERNAL with a fixed message and go to the log. Rejects when the port cannot be bound.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const log = options.log ?? silent;
  const startedAt = options.startedAt ?? Date.now();
  const expected = options.secret === undefined ? undefined : digest(options.secret);
  let draining = false;

  const authenticate = (metadata: Metadata): void => {
    if (expected === undefined) return;
    const values = metadata.get('authorization');
    const value = values[0];
    if (values.length === 0 || typeof value !== 'string') {
      throw new AdminRefusal(
        status.UNAUTHENTICATED,
        "missing authorization metadata: send 'authorization: Bearer <admin secret>'",
      );
    }
    const bearer = /^Bearer +(\S+)$/i.exec(value.trim());
    if (bearer === null) {
      throw new AdminRefusal(
        status.UNAUTHENTICATED,
        "the authorization metadata is not a Bearer token: expected 'Bearer <admin secret>'",
      );
    }
    // Both sides hashed first: equal lengths for timingSafeEqual, and no early exit on a length mismatch.
    if (values.length !== 1 || !timingSafeEqual(digest(bearer[1]!), expected)) {
      throw new AdminRefusal(status.UNAUTHENTICATED, 'wrong admin secret');
    }
  };

  /** Wraps a handler: authentication first, then refusals and faults mapped to a status, once. */
  const unary =
    <Req, Res>(method: string, handler: (request: Req) => Promise<Res> | Res): handleUnaryCall<Req, Res> =>
    (call: ServerUnaryCall<Req, Res>, callback) => {
      const run = async () => {
        authenticate(call.metadata);
        return handler(call.request);
      };
      run().then(
        (response) => callback(null, response),
        (error: unknown) => {
          if (isIngestError(error) && error.code !== 'INTERNAL') {
            const { code, details } = toGrpcStatus(error);
            error = new AdminRefusal(code, details);
          }
          if (error instanceof AdminRefusal) {
            const level = error.code === status.UNAUTHENTICATED ? 'warn' : 'info';
            log[level](
              { method, peer: call.getPeer(), code: status[error.code], reason: error.message },
              'admin call refused',
            );
            callback(serviceError(error.code, error.message));
          } else {
            log.error({ method, err: error }, 'admin call failed');
            callback(serviceError(status.INTERNAL, 'internal error in the ingest node; see its log'));
          }
        },
      );
    };

  const implementation: UntypedServiceImplementation = {
    PushCatalog: unary<PushCatalogRequest, PushCatalogResponse>('PushCatalog', async (request) => {
      const text = request.snapshot_json;
      if (text.trim() === '') throw new AdminRefusal(status.INVALID_ARGUMENT, 'snapshot_json is empty');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new AdminRefusal(
          status.INVALID_ARGUMENT,
          `snapshot_json is not JSON: ${(error as Error).message}`,
        );
      }
      try {
        const result = await options.catalog.apply(value);
        log.info({ version: result.version, changed: result.changed }, 'catalog pushed');
        return { version: result.version, changed: result.changed };
      } catch (error) {
        if (isProvisioningError(error, 'INVALID_SNAPSHOT'))
          throw new AdminRefusal(status.INVALID_ARGUMENT, error.message);
        if (isProvisioningError(error, 'STALE_VERSION'))
          throw new AdminRefusal(status.FAILED_PRECONDITION, error.message);
        throw error;
      }
    }),
    GetStatus: unary<unknown, AdminStatus>('GetStatus', () => {
      const health = options.health?.();
      const isDraining = options.streams.isDraining ?? draining;
      const liveStreams = options.streams.list().length;
      const state = servingState({
        draining: isDraining,
        liveStreams,
        publishing: options.publishing?.publishInfo() ?? [],
        recoveryRemaining: health?.recoveryRemaining ?? 0,
      });
      return {
        node_id: options.nodeId,
        catalog_version: options.catalog.current().version,
        draining: isDraining,
        drained: state === 'drained',
        uptime_ms: Date.now() - startedAt,
        stream_count: liveStreams,
        health: health?.state ?? 'ok',
        health_reasons: [...(health?.reasons ?? [])],
        held_entries: Object.values(health?.held ?? {}).reduce((a, b) => a + b, 0),
        recovery_remaining_entries: health?.recoveryRemaining ?? 0,
      };
    }),
    ListStreams: unary<ListStreamsRequest, ListStreamsResponse>('ListStreams', (request) => {
      const table = request.table?.trim().toLowerCase() ?? '';
      const streams = options.streams.list().filter((s) => table === '' || s.table === table);
      const tables = (options.publishing?.publishInfo() ?? []).filter(
        (t) => table === '' || t.table === table,
      );
      const failures = [...(options.streams.history?.failedStreams() ?? [])]
        .filter(([t]) => table === '' || t === table)
        .map(([t, n]) => ({ table: t, failed_streams: n }));
      return {
        streams: streams.map(toMessage),
        tables: tables.map(toTableMessage),
        failures,
        node_started_at_ms: startedAt,
      };
    }),
    ListEndedStreams: unary<ListEndedStreamsRequest, ListEndedStreamsResponse>(
      'ListEndedStreams',
      (request) => {
        const after = Number(request.after);
        if (!Number.isSafeInteger(after) || after < 0 || request.limit < 0)
          throw new AdminRefusal(
            status.INVALID_ARGUMENT,
            `after must be a seq (0 or more) and limit 0 or more, got after ${request.after}, limit ${request.limit}`,
          );
        const page = options.streams.history?.since(after, request.limit === 0 ? 500 : request.limit) ?? {
          streams: [],
          oldest: 0,
          newest: 0,
        };
        return {
          streams: page.streams.map(toEndedMessage),
          oldest: page.oldest,
          newest: page.newest,
          node_started_at_ms: startedAt,
        };
      },
    ),
    Drain: unary<DrainRequest, DrainResponse>('Drain', async (request) => {
      const defaultGrace = options.defaultDrainGraceMs ?? INGEST_NODE_DEFAULTS.drainGraceMs;
      if (request.grace_ms < 0) {
        throw new AdminRefusal(
          status.INVALID_ARGUMENT,
          `grace_ms must be 0 (the node's default, ${defaultGrace} ms) or more, got ${request.grace_ms}`,
        );
      }
      const graceMs = request.grace_ms === 0 ? defaultGrace : request.grace_ms;
      draining = true;
      const signalled = await options.onDrain(graceMs);
      log.info({ graceMs, signalled }, 'draining');
      return { streams_signalled: signalled };
    }),
    ListHeld: unary<unknown, ListHeldResponse>('ListHeld', () => {
      const held = requireHeld();
      return { entries: held.list().map(toHeldMessage), quarantine_table: held.quarantineDir };
    }),
    ResolveHeld: unary<ResolveHeldRequest, ResolveHeldResponse>('ResolveHeld', async (request) => {
      const held = requireHeld();
      const action =
        request.action === 'HELD_ACTION_DISCARD'
          ? 'discard'
          : request.action === 'HELD_ACTION_QUARANTINE'
            ? 'quarantine'
            : undefined;
      if (action === undefined)
        throw new AdminRefusal(
          status.INVALID_ARGUMENT,
          'action must be HELD_ACTION_DISCARD or HELD_ACTION_QUARANTINE',
        );
      const chosen = [request.positions.length > 0, request.table.trim() !== '', request.all].filter(Boolean);
      if (chosen.length !== 1)
        throw new AdminRefusal(
          status.INVALID_ARGUMENT,
          'name the held entries with exactly one of: positions, table, all',
        );
      const selection: HeldSelection = request.all
        ? { all: true }
        : request.table.trim() !== ''
          ? { table: request.table }
          : { positions: request.positions.map((p) => BigInt(p)) };
      const decision = await held.resolve(selection, action);
      return {
        resolved: decision.resolved.map(toHeldMessage),
        quarantined_records: decision.quarantinedRecords,
        quarantine_table: held.quarantineDir,
      };
    }),
  };

  const requireHeld = (): HeldOperations => {
    if (options.held === undefined)
      throw new AdminRefusal(status.UNIMPLEMENTED, 'this admin server has no held entries to manage');
    return options.held;
  };

  const server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  server.addService(adminServiceDefinition(), implementation);
  const host = options.host ?? '127.0.0.1';
  const address =
    host.includes(':') && !host.startsWith('[') ? `[${host}]:${options.port}` : `${host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  const close = (graceMs = 5000) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => server.forceShutdown(), graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  return { port, close, [Symbol.asyncDispose]: () => close() };
}

function toMessage(s: StreamInfo): StreamInfoMessage {
  return {
    stream_id: s.streamId,
    table: s.table,
    kind: KINDS[s.kind] ?? 'STREAM_KIND_UNSPECIFIED',
    principal_id: s.principalId,
    state: STATES[s.state] ?? 'STREAM_STATE_UNSPECIFIED',
    records: s.records,
    bytes: s.bytes,
    acked_offset: s.ackedOffset.toString(),
    ...(s.ackLatencyP50Ms === undefined ? {} : { ack_latency_p50_ms: s.ackLatencyP50Ms }),
    ...(s.ackLatencyP99Ms === undefined ? {} : { ack_latency_p99_ms: s.ackLatencyP99Ms }),
    errors: s.errors,
    started_at_ms: s.startedAt,
    inflight_bytes: s.inFlightBytes,
  };
}

function toEndedMessage(s: EndedStream): EndedStreamMessage {
  return {
    seq: s.seq,
    stream_id: s.streamId,
    kind: KINDS[s.kind] ?? 'STREAM_KIND_UNSPECIFIED',
    table: s.table,
    principal_id: s.principalId,
    credential_id: s.credentialId,
    started_at_ms: s.startedAt,
    ended_at_ms: s.endedAt,
    records: s.records,
    bytes: s.bytes,
    acked_offset: s.ackedOffset.toString(),
    status: s.outcome.code,
    message: s.outcome.message,
    revoked: s.outcome.revoked === true,
  };
}

function toTableMessage(t: TablePublishInfo): TablePublishInfoMessage {
  return {
    table: t.table,
    oldest_unpublished_age_ms: Math.round(t.oldestUnpublishedAgeMs),
    unpublished_records: t.unpublishedRecords,
    unpublished_bytes: t.unpublishedBytes,
    last_committed_version: t.lastCommittedVersion ?? -1,
    last_commit_at_ms: t.lastCommitAt ?? 0,
    publish_error: t.failing?.error ?? '',
    publish_failing_since_ms: t.failing?.since ?? 0,
    ...(t.timeToTableP50Ms === undefined ? {} : { time_to_table_p50_ms: t.timeToTableP50Ms }),
    ...(t.timeToTableP99Ms === undefined ? {} : { time_to_table_p99_ms: t.timeToTableP99Ms }),
  };
}

function toHeldMessage(h: HeldEntry): HeldEntryMessage {
  return {
    position: h.position.toString(),
    table: h.table,
    stream_id: h.streamId,
    offset: h.offset.toString(),
    format: h.format,
    records: h.records,
    reason: h.reason,
    held_at_ms: h.heldAt,
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function serviceError(code: status, details: string): Partial<ServiceError> & Error {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

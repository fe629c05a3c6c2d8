import type { Http2Server, Http2Session } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import type { Authenticator } from '../auth/authenticator.js';
import { IngestError } from '../base/errors.js';
import { type Log, silentLog } from '../base/log.js';
import type { CatalogSource } from '../catalog/catalog-view.js';
import { flightServerService } from '../flight/flight-proto.js';
import { type FlightCall, serveDoPut } from '../flight/flight-session.js';
import type { StreamHandoff } from '../handoff/stream-handoff.js';
import { type LoadSources, type LoadThresholds, NodeLoad } from '../load/node-load.js';
import type { IngestPipeline } from '../pipeline/ingest-pipeline.js';
import { ABUSE_TIMEOUTS, defaultStreamsPerPrincipal } from '../stream/abuse-limits.js';
import { toGrpcStatus, toServiceError } from '../stream/grpc-status.js';
import { LiveStreams } from '../stream/live-streams.js';
import { retireStream } from '../stream/retire-stream.js';
import { DEFAULT_LIMITS, type StreamLimits, type StreamMetrics } from '../stream/stream-context.js';
import { type StreamCall, serveStream } from '../stream/stream-session.js';
import {
  decodeEphemeralRequest,
  decodePersistentRequest,
  decodeRetireRequest,
  type StreamRequest,
} from '../zerobus/decode-request.js';
import { deserializeOrMalformed, type MalformedMessage } from '../zerobus/malformed-message.js';
import { zerobusService } from '../zerobus/proto.js';
import { oversizeInWords } from './oversize-status.js';
import { closeSilentConnections } from './preface-timeout.js';

/** Options of {@link startIngestServer}. */
export interface IngestServerOptions {
  readonly pipeline: IngestPipeline;
  /** Persistent streams' leases: create, resume and retire go through it. */
  readonly handoff: StreamHandoff;
  readonly catalog: CatalogSource;
  readonly authenticator: Authenticator;
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Default 0 (any free port; read it from the handle). */
  readonly port?: number | undefined;
  readonly limits?: Partial<StreamLimits> | undefined;
  /** Ended streams `live.history` keeps (default `DEFAULT_ENDED_STREAMS`, 1000). */
  readonly endedStreams?: number | undefined;
  /**
   * HTTP/2 receive windows (bytes): per stream and per connection. grpc-js leaves Node's 64 KiB defaults,
   * which cap one stream at one window per round trip; default 8 MiB per stream, 32 MiB per connection.
   */
  readonly streamWindowBytes?: number | undefined;
  readonly connectionWindowBytes?: number | undefined;
  /**
   * A connection that has not sent the HTTP/2 preface within this long is closed (see
   * `closeSilentConnections`; default 10 s).
   */
  readonly connectionPrefaceTimeoutMs?: number | undefined;
  readonly log?: Log | undefined;
  readonly metrics?: StreamMetrics | undefined;
  /**
   * Load thresholds over which new streams are refused with UNAVAILABLE (`NodeLoad`), and where the memory
   * and backlog are read; the stream count is the server's own. Absent: no load refusal.
   */
  readonly load?: (Omit<LoadSources, 'streams'> & { readonly thresholds: LoadThresholds }) | undefined;
}

/** A running ingest server. */
export interface IngestServer extends AsyncDisposable {
  readonly port: number;
  /** The node's live streams (admin API: list, drain). */
  readonly live: LiveStreams;
  /** The node's load against its thresholds (absent without `options.load`). */
  readonly load: NodeLoad | undefined;
  /**
   * Drains and stops: refuses new calls, sends `close_stream_signal{drainMs}` to every stream, waits for
   * them to end (aborting stragglers after `drainMs` + 1 s), then shuts the server down.
   */
  close(drainMs?: number): Promise<void>;
  /** Ends every call now (UNAVAILABLE) and stops. */
  forceClose(): void;
}

/**
 * Starts the Zerobus gRPC server (`databricks.zerobus.Zerobus`: EphemeralStream, PersistentStream,
 * RetireStream). Requests are decoded by hand (record bytes stay views of the message; JSON is checked as
 * strict UTF-8); responses use the proto. grpc-js refuses a message over `maxRequestBytes` from its header,
 * before reading it, and `oversizeInWords` turns its RESOURCE_EXHAUSTED (which the client would retry forever)
 * into our INVALID_ARGUMENT in words.
 */
export async function startIngestServer(options: IngestServerOptions): Promise<IngestServer> {
  const given = stripUndefined(options.limits ?? {});
  const maxStreams = given.maxStreams ?? DEFAULT_LIMITS.maxStreams;
  const limits: StreamLimits = {
    ...DEFAULT_LIMITS,
    maxStreamsPerPrincipal: defaultStreamsPerPrincipal(maxStreams),
    ...given,
  };
  const log = options.log ?? silentLog;
  const live = new LiveStreams(options.catalog, options.endedStreams);
  const loadOptions = options.load;
  const load =
    loadOptions === undefined
      ? undefined
      : new NodeLoad(loadOptions.thresholds, {
          streams: () => live.size,
          inflight: loadOptions.inflight,
          walBacklogBytes: loadOptions.walBacklogBytes,
        });
  const ctx = {
    pipeline: options.pipeline,
    catalog: options.catalog,
    authenticator: options.authenticator,
    live,
    handoff: options.handoff,
    limits,
    log,
    load,
    metrics: options.metrics,
  };
  const server = new grpc.Server({
    'grpc.max_receive_message_length': limits.maxRequestBytes,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5000,
    interceptors: [oversizeInWords(limits.maxRequestBytes, log)],
  });
  raiseHttp2Windows(server, options.streamWindowBytes ?? 8 * 1024 * 1024);

  const service = withDeserializers(zerobusService());
  server.addService(service, {
    EphemeralStream: (call: StreamCall) => {
      void serveStream(call, 'ephemeral', ctx);
    },
    PersistentStream: (call: StreamCall) => {
      void serveStream(call, 'persistent', ctx);
    },
    RetireStream: (
      call: grpc.ServerUnaryCall<ReturnType<typeof decodeRetireRequest> | MalformedMessage, object>,
      callback: grpc.sendUnaryData<object>,
    ) => {
      const req = call.request;
      const auth = call.metadata.get('authorization')[0];
      const run = async (): Promise<void> => {
        if ('kind' in req) throw req.error;
        await retireStream(req, typeof auth === 'string' ? auth : auth?.toString('utf8'), ctx);
      };
      run().then(
        () => callback(null, {}),
        (err: unknown) => {
          const status = toGrpcStatus(err);
          if (status.code === grpc.status.INTERNAL) log.error({ err }, 'RetireStream failed');
          callback(toServiceError(status) as grpc.ServiceError);
        },
      );
    },
  });
  // Arrow Flight DoPut (the SDKs' Arrow stream) on the same endpoint, limits and windows: see src/flight/.
  server.addService(flightServerService(), {
    DoPut: (call: FlightCall) => {
      void serveDoPut(call, ctx);
    },
  });

  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  raiseConnectionWindows(server, options.connectionWindowBytes ?? 32 * 1024 * 1024);
  closeSilentConnections(
    server,
    options.connectionPrefaceTimeoutMs ?? ABUSE_TIMEOUTS.connectionPrefaceMs,
    log,
  );
  log.info({ host, port, limits }, 'ingest server listening');

  let closing: Promise<void> | undefined;
  const forceClose = (): void => {
    live.stop(new IngestError('UNAVAILABLE', 'the ingest node is stopping; reconnect to another node'));
    server.forceShutdown();
    live.close();
  };
  const close = (drainMs = 5000): Promise<void> => {
    closing ??= (async () => {
      const shutdown = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await live.drain(drainMs);
      live.stop(new IngestError('UNAVAILABLE', 'the ingest node is stopping; reconnect to another node'));
      const timer = setTimeout(() => server.forceShutdown(), 2000);
      await shutdown;
      clearTimeout(timer);
      live.close();
    })();
    return closing;
  };
  return {
    port,
    live,
    load,
    close,
    forceClose,
    async [Symbol.asyncDispose]() {
      await close(1000);
    },
  };
}

/** Swaps the proto-loader request deserializers for the hand-written ones (which never throw). */
function withDeserializers(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const ephemeral = deserializeOrMalformed<StreamRequest>(decodeEphemeralRequest, 'request');
  const persistent = deserializeOrMalformed<StreamRequest>(decodePersistentRequest, 'request');
  const retire = deserializeOrMalformed(decodeRetireRequest, 'request');
  return {
    ...service,
    EphemeralStream: { ...service.EphemeralStream!, requestDeserialize: ephemeral },
    PersistentStream: { ...service.PersistentStream!, requestDeserialize: persistent },
    RetireStream: { ...service.RetireStream!, requestDeserialize: retire },
  } as grpc.ServiceDefinition;
}

/**
 * grpc-js has no option for HTTP/2 window sizes; it passes `commonServerOptions` to `http2.createServer`
 * when binding. Setting `settings.initialWindowSize` there raises every stream's receive window (spec: "the
 * http2 settings must be raised"). Private API of grpc-js 1.14: if it is gone, the defaults stay.
 */
function raiseHttp2Windows(server: grpc.Server, streamWindow: number): void {
  const internals = server as unknown as { commonServerOptions?: { settings?: Record<string, unknown> } };
  if (internals.commonServerOptions === undefined) return;
  internals.commonServerOptions.settings = {
    ...internals.commonServerOptions.settings,
    initialWindowSize: streamWindow,
  };
}

/** The connection window is not a SETTINGS value: set it on each new session (same private map as above). */
function raiseConnectionWindows(server: grpc.Server, connectionWindow: number): void {
  const internals = server as unknown as { http2Servers?: Map<Http2Server, unknown> };
  for (const http2Server of internals.http2Servers?.keys() ?? []) {
    http2Server.on('session', (session: Http2Session) => {
      try {
        session.setLocalWindowSize(connectionWindow);
      } catch {
        // The session closed before it was set up: nothing to raise.
      }
    });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

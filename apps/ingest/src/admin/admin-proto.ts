import type { ServiceDefinition } from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import { loadProtoService, protoPath } from '../base/proto-service.js';

/** `proto/lakestream_admin.proto` of this package. */
export const ADMIN_PROTO_PATH = protoPath('lakestream_admin.proto');

/** Loader options: snake_case field names as in the proto, int64 as decimal strings, enums by name. */
export const ADMIN_PROTO_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The `lakestream.admin.v1.Admin` service definition (loaded once), for a grpc-js server or client. */
export function adminServiceDefinition(): ServiceDefinition {
  return loadProtoService(ADMIN_PROTO_PATH, 'lakestream.admin.v1.Admin', 'PushCatalog', ADMIN_PROTO_OPTIONS);
}

/** `PushCatalogRequest`. */
export interface PushCatalogRequest {
  snapshot_json: string;
}
/** `PushCatalogResponse` (int64 as a decimal string when read by a client with these loader options). */
export interface PushCatalogResponse {
  version: number | string;
  changed: boolean;
}
/** `Status`. */
export interface AdminStatus {
  node_id: string;
  catalog_version: number | string;
  draining: boolean;
  uptime_ms: number | string;
  stream_count: number;
  /** `ok`, `degraded`, `failed` (empty from a node older than this field). */
  health: string;
  health_reasons: string[];
  held_entries: number;
  recovery_remaining_entries: number | string;
  /** Draining, no live stream and nothing left to publish (false from a node older than this field). */
  drained: boolean;
}
/** `ListStreamsRequest`. */
export interface ListStreamsRequest {
  table?: string;
}
/** `StreamInfo` on the wire. */
export interface StreamInfoMessage {
  stream_id: string;
  table: string;
  kind: 'STREAM_KIND_UNSPECIFIED' | 'STREAM_KIND_EPHEMERAL' | 'STREAM_KIND_PERSISTENT';
  principal_id: string;
  state:
    | 'STREAM_STATE_UNSPECIFIED'
    | 'STREAM_STATE_OPENING'
    | 'STREAM_STATE_OPEN'
    | 'STREAM_STATE_DRAINING'
    | 'STREAM_STATE_CLOSING';
  records: number | string;
  bytes: number | string;
  acked_offset: number | string;
  ack_latency_p50_ms?: number;
  ack_latency_p99_ms?: number;
  errors: number | string;
  started_at_ms: number | string;
  inflight_bytes: number | string;
}
/** `TablePublishInfo` on the wire. */
export interface TablePublishInfoMessage {
  table: string;
  oldest_unpublished_age_ms: number | string;
  unpublished_records: number | string;
  unpublished_bytes: number | string;
  /** -1 before the node's first commit to the table. */
  last_committed_version: number | string;
  /** 0 before the first commit. */
  last_commit_at_ms: number | string;
  /** Empty unless publishing to the table fails now. */
  publish_error: string;
  publish_failing_since_ms: number | string;
  /** Ack → visible (ms) over recent commits; absent before the first commit (and from older nodes). */
  time_to_table_p50_ms?: number;
  time_to_table_p99_ms?: number;
}
/** `TableStreamFailures` on the wire. */
export interface TableStreamFailuresMessage {
  table: string;
  failed_streams: number | string;
}
/** `ListStreamsResponse`. */
export interface ListStreamsResponse {
  streams: StreamInfoMessage[];
  /** Empty from a node older than this field (a client with these loader options reads it as []). */
  tables: TablePublishInfoMessage[];
  /** Empty from a node older than this field. */
  failures: TableStreamFailuresMessage[];
  /** 0 from a node older than this field. */
  node_started_at_ms: number | string;
}
/** `DrainRequest`. */
export interface DrainRequest {
  grace_ms: number;
}
/** `DrainResponse`. */
export interface DrainResponse {
  streams_signalled: number;
}
/** `HeldEntry` on the wire. */
export interface HeldEntryMessage {
  position: number | string;
  table: string;
  stream_id: string;
  offset: number | string;
  format: string;
  records: number;
  reason: string;
  held_at_ms: number | string;
}
/** `ListHeldResponse`. */
export interface ListHeldResponse {
  entries: HeldEntryMessage[];
  quarantine_table: string;
}
/** `HeldAction` by name. */
export type HeldActionName = 'HELD_ACTION_UNSPECIFIED' | 'HELD_ACTION_DISCARD' | 'HELD_ACTION_QUARANTINE';
/** `ResolveHeldRequest`. */
export interface ResolveHeldRequest {
  action: HeldActionName;
  positions: (number | string)[];
  table: string;
  all: boolean;
}
/** `ResolveHeldResponse`. */
export interface ResolveHeldResponse {
  resolved: HeldEntryMessage[];
  quarantined_records: number | string;
  quarantine_table: string;
}
/** `ListEndedStreamsRequest`. */
export interface ListEndedStreamsRequest {
  after: number | string;
  limit: number;
}
/** `EndedStream` on the wire. */
export interface EndedStreamMessage {
  seq: number | string;
  stream_id: string;
  kind: StreamInfoMessage['kind'];
  table: string;
  principal_id: string;
  credential_id: string;
  started_at_ms: number | string;
  ended_at_ms: number | string;
  records: number | string;
  bytes: number | string;
  acked_offset: number | string;
  status: string;
  message: string;
  revoked: boolean;
}
/** `ListEndedStreamsResponse`. */
export interface ListEndedStreamsResponse {
  streams: EndedStreamMessage[];
  oldest: number | string;
  newest: number | string;
  node_started_at_ms: number | string;
}

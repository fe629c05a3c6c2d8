/** The admin gRPC API of an ingest node (`lakestream.admin.v1.Admin`): server, client, stream-registry contract. */
export { type AdminClient, createAdminClient } from './admin-client.js';
export type * from './admin-proto.js';
export { ADMIN_PROTO_OPTIONS, ADMIN_PROTO_PATH, adminServiceDefinition } from './admin-proto.js';
export {
  type AdminLog,
  type AdminServer,
  type AdminServerOptions,
  startAdminServer,
} from './admin-server.js';
export type { PublishRegistry, TablePublishInfo } from './publish-registry.js';
export type {
  DrainHandler,
  EndedHistory,
  StreamInfo,
  StreamRegistry,
  StreamState,
} from './stream-registry.js';

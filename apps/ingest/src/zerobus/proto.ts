import * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import { loadProtoService, protoPath } from '../base/proto-service.js';

/** `proto/zerobus.proto` of this package. */
export const ZEROBUS_PROTO_PATH = protoPath('zerobus.proto');

/** Options every loader of the proto uses (keep-case field names, 64-bit integers as decimal strings). */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: Number,
  defaults: false,
  oneofs: true,
};

/** The `databricks.zerobus.Zerobus` service definition (loaded once), as grpc-js serves or calls it. */
export function zerobusService(): grpc.ServiceDefinition {
  return loadProtoService(
    ZEROBUS_PROTO_PATH,
    'databricks.zerobus.Zerobus',
    'EphemeralStream',
    PROTO_LOADER_OPTIONS,
  );
}

/** A client constructor for the Zerobus service (tests, the benchmark). */
export function zerobusClientConstructor(): grpc.ServiceClientConstructor {
  return grpc.makeClientConstructor(zerobusService(), 'Zerobus');
}

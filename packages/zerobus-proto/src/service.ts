import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * `proto/zerobus.proto` of this package, resolved from the package root: this module sits at `src/` when run
 * from source and at `dist/` when built (tsc does not copy `.proto` files), so both reach `../proto/`.
 */
export const ZEROBUS_PROTO_PATH = fileURLToPath(new URL('../proto/zerobus.proto', import.meta.url));

/** Options every loader of the proto uses (keep-case field names, 64-bit integers as decimal strings). */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: Number,
  defaults: false,
  oneofs: true,
};

let service: grpc.ServiceDefinition | undefined;

/**
 * The `databricks.zerobus.Zerobus` service definition (loaded once), as grpc-js serves or calls it. Throws
 * when the .proto file is missing or has no such service.
 */
export function zerobusService(): grpc.ServiceDefinition {
  if (service === undefined) {
    const def = protoLoader.loadSync(ZEROBUS_PROTO_PATH, PROTO_LOADER_OPTIONS)['databricks.zerobus.Zerobus'];
    if (def === undefined || !('EphemeralStream' in def)) {
      throw new Error(`no databricks.zerobus.Zerobus service in ${ZEROBUS_PROTO_PATH}`);
    }
    service = def as unknown as grpc.ServiceDefinition;
  }
  return service;
}

/** A client constructor for the Zerobus service (the console's test records, tests, the benchmark). */
export function zerobusClientConstructor(): grpc.ServiceClientConstructor {
  return grpc.makeClientConstructor(zerobusService(), 'Zerobus');
}

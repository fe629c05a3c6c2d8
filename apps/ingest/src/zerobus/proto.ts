import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * `proto/zerobus.proto`, resolved from the package root: this module sits at `src/zerobus/` when run from
 * source and at `dist/zerobus/` when built, and tsc does not copy `.proto` files, so both reach `../../proto/`.
 */
export const ZEROBUS_PROTO_PATH = fileURLToPath(new URL('../../proto/zerobus.proto', import.meta.url));

/** Options every loader of the proto uses (keep-case field names, 64-bit integers as decimal strings). */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: Number,
  defaults: false,
  oneofs: true,
};

let cached: protoLoader.PackageDefinition | undefined;

/** The package definition of `databricks.zerobus` (loaded once). */
export function zerobusPackageDefinition(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync(ZEROBUS_PROTO_PATH, PROTO_LOADER_OPTIONS);
  return cached;
}

/** The `databricks.zerobus.Zerobus` service definition, as grpc-js serves or calls it. */
export function zerobusService(): grpc.ServiceDefinition {
  const def = zerobusPackageDefinition()['databricks.zerobus.Zerobus'];
  if (def === undefined || !('EphemeralStream' in def))
    throw new Error(`no Zerobus service in ${ZEROBUS_PROTO_PATH}`);
  return def as unknown as grpc.ServiceDefinition;
}

/** A client constructor for the Zerobus service (tests, the benchmark). */
export function zerobusClientConstructor(): grpc.ServiceClientConstructor {
  return grpc.makeClientConstructor(zerobusService(), 'Zerobus');
}

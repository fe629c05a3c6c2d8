import type * as grpc from '@grpc/grpc-js';
import { loadProtoService, protoPath } from '../base/proto-service.js';
import { deserializeOrMalformed } from '../zerobus/malformed-message.js';
import { PROTO_LOADER_OPTIONS } from '../zerobus/proto.js';
import { WireReader } from '../zerobus/wire-reader.js';

/** `proto/flight.proto` of this package: the DoPut subset of Arrow Flight. */
export const FLIGHT_PROTO_PATH = protoPath('flight.proto');

/** One `FlightData` message; absent byte fields are empty. Bytes are views into the received buffer. */
export interface FlightData {
  readonly kind: 'data';
  readonly dataHeader: Uint8Array;
  readonly appMetadata: Uint8Array;
  readonly dataBody: Uint8Array;
  /** Whether a `flight_descriptor` was present (ignored: the table comes from the header). */
  readonly hasDescriptor: boolean;
  /** Size of the whole message (bytes). */
  readonly size: number;
}

/** The raw `arrow.flight.protocol.FlightService` definition (loaded once), as a grpc-js client calls it (tests). */
export function flightService(): grpc.ServiceDefinition {
  return loadProtoService(
    FLIGHT_PROTO_PATH,
    'arrow.flight.protocol.FlightService',
    'DoPut',
    PROTO_LOADER_OPTIONS,
  );
}

/**
 * The service definition the server registers: `FlightData` is decoded by hand (bytes stay views; malformed
 * wire data becomes INVALID_ARGUMENT in words, never grpc-js's INTERNAL).
 */
export function flightServerService(): grpc.ServiceDefinition {
  const service = flightService();
  const requestDeserialize = deserializeOrMalformed(decodeFlightData, 'FlightData message');
  return { ...service, DoPut: { ...service.DoPut!, requestDeserialize } } as grpc.ServiceDefinition;
}

/** Decodes one `FlightData` (throws `IngestError('INVALID_ARGUMENT')` on malformed wire data). */
export function decodeFlightData(buf: Uint8Array): FlightData {
  const r = new WireReader(buf);
  const empty: Uint8Array = new Uint8Array(0);
  let dataHeader = empty;
  let appMetadata = empty;
  let dataBody = empty;
  let hasDescriptor = false;
  while (r.more()) {
    const tag = r.uint();
    if (tag === (1 << 3) + 2) {
      r.bytes();
      hasDescriptor = true;
    } else if (tag === (2 << 3) + 2) dataHeader = r.bytes();
    else if (tag === (3 << 3) + 2) appMetadata = r.bytes();
    else if (tag === (1000 << 3) + 2) dataBody = r.bytes();
    else r.skip(tag & 7);
  }
  return { kind: 'data', dataHeader, appMetadata, dataBody, hasDescriptor, size: buf.length };
}

/** A `PutResult` whose `app_metadata` is `json`, in the shape proto-loader serializes. */
export function putResult(json: object): { app_metadata: Buffer } {
  return { app_metadata: Buffer.from(JSON.stringify(json)) };
}

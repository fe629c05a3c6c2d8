import { IngestError } from '../base/errors.js';

/** What a request deserializer returns for bytes it cannot decode (grpc-js would end the call INTERNAL). */
export interface MalformedMessage {
  readonly kind: 'malformed';
  readonly error: IngestError;
}

/**
 * Makes a hand-written message decoder a grpc-js `requestDeserialize` that never throws: bytes it cannot
 * decode become a `MalformedMessage` with the decoder's `IngestError`, or INVALID_ARGUMENT `malformed <what>`
 * for any other failure, and the call's handler ends the call with that status, in words.
 */
export function deserializeOrMalformed<T>(
  decode: (buf: Uint8Array) => T,
  what: string,
): (buf: Buffer) => T | MalformedMessage {
  return (buf) => {
    try {
      return decode(buf);
    } catch (err) {
      const error =
        err instanceof IngestError
          ? err
          : new IngestError('INVALID_ARGUMENT', `malformed ${what}`, { cause: err });
      return { kind: 'malformed', error };
    }
  };
}

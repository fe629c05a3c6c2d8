import * as grpc from '@grpc/grpc-js';
import { TABLE_HEADER } from '../auth/table-access.js';
import { IngestError } from '../base/errors.js';
import type { Log } from '../base/log.js';
import { readHeader } from '../stream/end-call.js';
import { toGrpcStatus } from '../stream/grpc-status.js';

/** grpc-js's words when a message is over `grpc.max_receive_message_length` (its `StreamDecoder`, 1.14). */
const OVER_MAX = /^Received message larger than max \((\d+) vs (\d+)\)$/;
/** …and when a compressed message decompresses to more than that. */
const DECOMPRESSES_OVER_MAX = /^Received message that decompresses to a size larger than (\d+)$/;

/**
 * A server interceptor that puts grpc-js's own refusal of an oversize request message into our words: the
 * call ends with INVALID_ARGUMENT naming the table, the size and the limit and saying what to do, instead of
 * grpc-js's RESOURCE_EXHAUSTED "Received message larger than max (N vs M)". The SDKs treat RESOURCE_EXHAUSTED as
 * retryable, so they would re-send the same request forever; INVALID_ARGUMENT is final (spec: retry
 * classification). grpc-js checks the size from the 5-byte message header, before it buffers a byte of the
 * message, so the node is told exactly `maxRequestBytes` (`server.ts`) and every larger message is refused
 * there, unread: this is the one place the request size limit is enforced.
 *
 * grpc-js sends that status itself, from the innermost call object, by calling its own `sendStatus`: it never
 * passes through the interceptors' responders. The interceptor API hands that object to the first interceptor
 * (`getServerInterceptingCall` reduces the interceptors over it), so this one wraps the object's `sendStatus`
 * and rewrites only a status with grpc-js's exact words (every status of the node's handlers goes through the
 * same method and is left alone). The table comes from the request headers, read through the public listener
 * API. If a later grpc-js words it differently, its own status goes out again (`test/abuse.test.ts` catches it).
 */
export function oversizeInWords(limitBytes: number, log: Log): grpc.ServerInterceptor {
  return (method, call) => {
    let table: string | undefined;
    const sendStatus = call.sendStatus.bind(call);
    call.sendStatus = (status) => {
      const error =
        status.code === grpc.status.RESOURCE_EXHAUSTED ? oversize(status.details, table) : undefined;
      if (error === undefined) {
        sendStatus(status);
        return;
      }
      log.info({ method: method.path, table, details: error.message }, 'request over the size limit refused');
      sendStatus({ ...status, ...toGrpcStatus(error) });
    };
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        table = readHeader(metadata, TABLE_HEADER)?.trim().toLowerCase();
        next(metadata);
      })
      .build();
    return new grpc.ServerInterceptingCall(call, { start: (next) => next(listener) });
  };

  /** Our refusal for grpc-js's `details`, or `undefined` when they are not about the message size. */
  function oversize(details: string | undefined, table: string | undefined): IngestError | undefined {
    const over = OVER_MAX.exec(details ?? '');
    const decompressed = over === null ? DECOMPRESSES_OVER_MAX.exec(details ?? '') : null;
    if (over === null && decompressed === null) return undefined;
    const size = over === null ? `decompresses to more than ${limitBytes} bytes` : `is ${over[1]} bytes`;
    return new IngestError(
      'INVALID_ARGUMENT',
      `${table === undefined || table === '' ? '' : `table ${table}: `}the request ${size}, over the limit of ${limitBytes} bytes; send smaller batches or records`,
    );
  }
}

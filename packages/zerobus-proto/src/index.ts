/**
 * @lakestream/zerobus-proto: the Zerobus wire protocol (`proto/zerobus.proto`) as grpc-js serves and calls it.
 * The ingest node serves it; the console calls it to send test records as a producer would.
 */

export {
  RECORD_TYPE,
  type ZerobusCreateStreamResponse,
  type ZerobusStreamResponse,
} from './messages.js';
export {
  PROTO_LOADER_OPTIONS,
  ZEROBUS_PROTO_PATH,
  zerobusClientConstructor,
  zerobusService,
} from './service.js';

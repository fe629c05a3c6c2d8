/**
 * The Zerobus service as this node serves it: the .proto and its loading live in `@lakestream/zerobus-proto`,
 * shared with the console (a Zerobus client for test records). Re-exported here for the node's modules.
 */
export {
  PROTO_LOADER_OPTIONS,
  ZEROBUS_PROTO_PATH,
  zerobusClientConstructor,
  zerobusService,
} from '@lakestream/zerobus-proto';

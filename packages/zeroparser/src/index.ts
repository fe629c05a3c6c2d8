/**
 * @lakestream/zeroparser: run-time protobuf (and JSON) records → Apache Arrow record batches.
 * See README.md for the type mapping, the errors and the figures.
 */
export { type BatchLease, createParser, type Parser } from './compile/create-parser.js';
export type { DescriptorInput } from './descriptor/load.js';
export { DecodeError, type DecodeErrorCode, SchemaError, type SchemaErrorCode } from './errors.js';
export * from './json/index.js';
export {
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_RECURSION_LIMIT,
  type JsonParserOptions,
  type ParserOptions,
  type TableField,
  type TableStruct,
  type TableType,
} from './options.js';

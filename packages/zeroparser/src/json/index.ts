/**
 * The JSON record parser: Zerobus JSON records (one object per record) → Arrow `RecordBatch`es with the
 * same schema the protobuf parser produces. See `createJsonParser` for the conversion rules.
 */
export { createJsonParser, type JsonParser, type JsonParserStats } from './json-parser.js';

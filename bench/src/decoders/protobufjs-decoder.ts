import type protobuf from 'protobufjs';
import type { RecordDecoder } from './record-decoder.js';

/** The protobufjs baseline: `Type.decode` of each record into a message object (reflection-compiled code). */
export function createProtobufjsDecoder(type: protobuf.Type): RecordDecoder {
  return {
    name: 'protobufjs',
    decodeAll(records) {
      let n = 0;
      for (const r of records) {
        if (type.decode(r) !== null) n++;
      }
      return n;
    },
  };
}

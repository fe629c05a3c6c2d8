import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { RecordDecoder } from './record-decoder.js';

/**
 * The @bufbuild/protobuf v2 baseline with a runtime descriptor (no generated code): a registry built from a
 * serialized FileDescriptorSet, then `fromBinary` of each record. Throws if `messageName` is not in the set.
 */
export function createBufbuildDecoder(fileDescriptorSet: Uint8Array, messageName: string): RecordDecoder {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, fileDescriptorSet));
  const schema = registry.getMessage(messageName);
  if (schema === undefined) throw new Error(`message ${messageName} not in the descriptor set`);
  return {
    name: 'bufbuild',
    decodeAll(records) {
      let n = 0;
      for (const r of records) {
        if (fromBinary(schema, r).$typeName === messageName) n++;
      }
      return n;
    },
  };
}

import { createParser } from '@lakestream/zeroparser';
import type { RecordDecoder } from './record-decoder.js';

/** What a zeroparser can be built from: the root DescriptorProto (proto2) or a FileDescriptorSet. */
export type ZeroparserSource =
  | { readonly descriptorProto: Uint8Array }
  | { readonly fileDescriptorSet: Uint8Array; readonly messageName: string };

/**
 * zeroparser under benchmark: `parser.decodeBatch` on consecutive batches of `batchSize` records, Arrow
 * RecordBatch construction included; `leased`: `parser.decodeBatchLeased` instead, each lease released once
 * its rows are counted (a consumer done with a batch before the next, so the buffers are reused). Throws
 * `SchemaError` if the descriptor cannot compile, and the first `DecodeError` of a batch.
 */
export function createZeroparserDecoder(
  source: ZeroparserSource,
  batchSize: number,
  leased = false,
): RecordDecoder {
  const parser =
    'descriptorProto' in source
      ? createParser(source.descriptorProto)
      : createParser({ fileDescriptorSet: source.fileDescriptorSet, messageName: source.messageName });
  // Batches arrive as arrays; cut them once per input so the timed loop only decodes.
  const batchesOf = new WeakMap<readonly Uint8Array[], Uint8Array[][]>();
  return {
    name: leased ? 'zeroparser leased' : 'zeroparser',
    decodeAll(records) {
      let batches = batchesOf.get(records);
      if (batches === undefined) {
        batches = [];
        for (let i = 0; i < records.length; i += batchSize) batches.push(records.slice(i, i + batchSize));
        batchesOf.set(records, batches);
      }
      let rows = 0;
      for (const batch of batches) {
        if (leased) {
          const lease = parser.decodeBatchLeased(batch);
          rows += lease.batch.numRows;
          lease.release();
        } else {
          rows += parser.decodeBatch(batch).numRows;
        }
      }
      return rows;
    },
  };
}

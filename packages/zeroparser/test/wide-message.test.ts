import { createPrng, loadSchema } from '@lakestream/testkit';
import { describe, expect, it } from 'vitest';
import { createParser, DecodeError } from '../src/index.js';

// 300 fields: past the width where a message's in-order chain is cut into several functions, so this
// covers the chunked decoder (fields in order, shuffled, and a bad value in the last chunk).
const FIELDS = 300;
const kinds = ['int64', 'string', 'double', 'sint32', 'bool'] as const;
const proto = `syntax = "proto3"; package wide; message Wide {
${Array.from({ length: FIELDS }, (_, i) => `  ${kinds[i % kinds.length]} f${i + 1} = ${i + 1};`).join('\n')}
}`;

function valueFor(i: number, row: number): unknown {
  switch (kinds[i % kinds.length]) {
    case 'int64':
      return String(BigInt(row) * 4_294_967_311n - BigInt(i));
    case 'string':
      return `r${row}f${i}é`;
    case 'double':
      return row * 1.5 - i;
    case 'sint32':
      return i % 2 === 0 ? -row - i : row + i;
    default:
      return (row + i) % 2 === 0;
  }
}

describe('a 300-field message', () => {
  const schema = loadSchema(proto, 'wide.Wide');
  const parser = createParser({ fileDescriptorSet: schema.fileDescriptorSet, messageName: 'wide.Wide' });

  it('decodes every field, in order and shuffled, like protobufjs', () => {
    const prng = createPrng(7);
    const rows = 40;
    const records = Array.from({ length: rows }, (_, row) => {
      const object = Object.fromEntries(
        Array.from({ length: FIELDS }, (_, i) => [`f${i + 1}`, valueFor(i, row)]),
      );
      const bytes = schema.type.encode(object).finish();
      if (row % 2 === 0) return bytes;
      // Re-encode with the fields in a random order: the out-of-order path across chunks.
      const fields = Object.keys(object);
      for (let k = fields.length - 1; k > 0; k--) {
        const other = prng.int(0, k);
        [fields[k], fields[other]] = [fields[other]!, fields[k]!];
      }
      const parts = fields.map((name) => schema.type.encode({ [name]: object[name] }).finish());
      return Uint8Array.from(parts.flatMap((p) => [...p]));
    });
    const batch = parser.decodeBatch(records);
    expect(batch.numRows).toBe(rows);
    for (let row = 0; row < rows; row++) {
      const expected = schema.type.toObject(schema.type.decode(records[row]!), {
        longs: String,
        defaults: true,
      });
      for (let i = 0; i < FIELDS; i++) {
        const actual = batch.getChild(`f${i + 1}`)!.get(row);
        const want = expected[`f${i + 1}`];
        expect(typeof actual === 'bigint' ? String(actual) : actual, `row ${row} f${i + 1}`).toEqual(want);
      }
    }
  });

  it('names a bad field in the last chunk', () => {
    // f300 is a bool (a varint); send it as a fixed32 instead.
    const tag = (300 << 3) | 5;
    const record = Uint8Array.from([0x80 | (tag & 0x7f), tag >>> 7, 1, 2, 3, 4]);
    const error = (() => {
      try {
        parser.decodeBatch([record]);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as DecodeError;
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.code).toBe('WIRE_TYPE_MISMATCH');
    expect(error.fieldPath).toBe('f300');
    expect(error.byteOffset).toBe(0);
  });
});

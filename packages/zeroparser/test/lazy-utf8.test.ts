import { loadSchema } from '@lakestream/testkit';
import { describe, expect, it } from 'vitest';
import { createParser, DecodeError } from '../src/index.js';

// `decodeBatch` checks the UTF-8 of strings in bulk, one pass per column once the batch is decoded, and
// decodes the batch again value by value when that pass fails or a record faults. These cases would be
// reported at the wrong record, or not at all, by a bulk check done naively.

const schema = loadSchema(
  `syntax = "proto2";
package u;
message Rec {
  message Point { optional string label = 1; }
  optional int32 id = 1;
  optional string name = 2;
  repeated Point points = 3;
}
`,
  'u.Rec',
);
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replaceAll(' ', ''), 'hex'));
/** id = n, name = "é" (c3 a9): valid, with a byte over 0x7F. */
const accented = (n: number) => bytes(`08 0${n} 12 02 c3 a9`);

function firstError(records: Uint8Array[], leased = false): object {
  const parser = createParser(schema.descriptorProto);
  try {
    if (leased) parser.decodeBatchLeased(records).release();
    else parser.decodeBatch(records);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    const error = e as DecodeError;
    return { code: error.code, record: error.recordIndex, field: error.fieldPath, offset: error.byteOffset };
  }
  throw new Error('the batch decoded');
}

describe('UTF-8 checked per column, errors still exact', () => {
  it('a string cut inside a sequence, then one that starts with the rest: the first is reported', () => {
    // Back to back in the column the two read "ab" e2 80 a6 "ok", well-formed; each alone is not.
    const records = [accented(1), bytes('08 02 12 04 61 62 e2 80'), bytes('08 03 12 03 a6 6f 6b')];
    for (const leased of [false, true]) {
      expect(firstError(records, leased)).toEqual({
        code: 'INVALID_UTF8',
        record: 1,
        field: 'name',
        offset: 6,
      });
    }
  });

  it('a record with bad UTF-8 before a record that is truncated: the UTF-8 error comes first', () => {
    const records = [accented(1), bytes('08 02 12 03 61 ff 62'), bytes('08 03 08 ff')];
    expect(firstError(records)).toEqual({ code: 'INVALID_UTF8', record: 1, field: 'name', offset: 5 });
  });

  it("the column's last string ends inside a sequence", () => {
    const records = [accented(1), accented(2), bytes('08 03 12 03 6f 6b e2')];
    expect(firstError(records)).toEqual({ code: 'INVALID_UTF8', record: 2, field: 'name', offset: 6 });
  });

  it('a string of a list element (a column of its own row group)', () => {
    // points[1].label = 61 ed a0 80 (a surrogate)
    const records = [accented(1), bytes('08 02 1a 03 0a 01 61 1a 06 0a 04 61 ed a0 80')];
    expect(firstError(records)).toEqual({
      code: 'INVALID_UTF8',
      record: 1,
      field: 'points[1].label',
      offset: 12,
    });
  });

  it('well-formed strings over 0x7F decode as with the check per value', () => {
    const records = [accented(1), bytes('08 02 12 05 e2 80 a6 6f 6b'), bytes('08 03 1a 04 0a 02 c3 a9')];
    const parser = createParser(schema.descriptorProto);
    const lazy = parser.decodeBatch(records);
    const perValue = parser.decodeBatchSettled(records).batch;
    expect(JSON.stringify(lazy.toArray())).toBe(JSON.stringify(perValue.toArray()));
    expect(lazy.getChild('name')?.toArray()).toEqual(['é', '…ok', null]);
  });
});

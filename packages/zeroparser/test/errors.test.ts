import { loadSchema } from '@lakestream/testkit';
import { describe, expect, it } from 'vitest';
import { createParser, DecodeError, type ParserOptions } from '../src/index.js';

// One test per protobuf DecodeError code on hand-built bytes. Every bad record sits between two good ones:
// decodeBatch must throw its DecodeError (recordIndex 1), decodeBatchSettled must keep the good rows.
// byteOffset conventions asserted here: a tag problem → the tag's first byte; a bad length → the length
// prefix; a varint over 10 bytes → its first byte; a record ending early → the offset where the missing
// byte was due (for a fixed value: where the value starts); bad UTF-8 → the offending byte; a missing
// required field → where its message's bytes start; a record too large → 0.

const SCHEMA = `syntax = "proto2";
package e;
message Rec {
  message Point {
    required int32 x = 1;
    optional string label = 2;
  }
  optional int32 id = 1;
  optional string name = 2;
  repeated Point points = 3;
  optional fixed64 big = 4;
  optional Point main = 5;
}
`;

const schema = loadSchema(SCHEMA, 'e.Rec');
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replaceAll(' ', ''), 'hex'));
const GOOD_BEFORE = bytes('08 05'); // id = 5
const GOOD_AFTER = bytes('08 06 12 02 6f 6b'); // id = 6, name = "ok"

interface Expectation {
  code: DecodeError['code'];
  fieldPath: string;
  byteOffset: number;
}

function expectError(bad: string | Uint8Array, expected: Expectation, options: ParserOptions = {}): void {
  const parser = createParser(schema.descriptorProto, options);
  const records = [GOOD_BEFORE, typeof bad === 'string' ? bytes(bad) : bad, GOOD_AFTER];
  let thrown: unknown;
  try {
    parser.decodeBatch(records);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(DecodeError);
  const error = thrown as DecodeError;
  expect({
    code: error.code,
    recordIndex: error.recordIndex,
    fieldPath: error.fieldPath,
    byteOffset: error.byteOffset,
  }).toEqual({ ...expected, recordIndex: 1 });

  const { batch, errors } = parser.decodeBatchSettled(records);
  expect(errors.map((e) => [e.code, e.recordIndex, e.fieldPath, e.byteOffset])).toEqual([
    [expected.code, 1, expected.fieldPath, expected.byteOffset],
  ]);
  expect(batch.numRows).toBe(2);
  expect([batch.getChild('id')?.get(0), batch.getChild('id')?.get(1)]).toEqual([5, 6]);
  expect([batch.getChild('name')?.get(0), batch.getChild('name')?.get(1)]).toEqual([null, 'ok']);
  for (const field of batch.schema.fields) expect(batch.getChild(field.name)?.length).toBe(2);
}

describe('DecodeError codes', () => {
  it('TRUNCATED: the record ends inside a varint', () => {
    expectError('08 05 08 ff', { code: 'TRUNCATED', fieldPath: 'id', byteOffset: 4 });
  });

  it('TRUNCATED: the record ends inside a fixed64', () => {
    expectError('08 05 21 01 02 03', { code: 'TRUNCATED', fieldPath: 'big', byteOffset: 3 });
  });

  // Fields in declaration order skip their bounds checks and test for an overrun after the value: the bytes
  // that follow a record in its buffer, or a sub-message in its record, must still count as missing.
  it('TRUNCATED: a record viewed inside a larger buffer ends inside a varint', () => {
    expectError(bytes('08 05 08 05').subarray(0, 3), { code: 'TRUNCATED', fieldPath: 'id', byteOffset: 3 });
  });

  it('TRUNCATED: a record viewed inside a larger buffer ends inside a fixed64', () => {
    expectError(bytes('08 05 21 01 02 03 04 05 06 07 08').subarray(0, 6), {
      code: 'TRUNCATED',
      fieldPath: 'big',
      byteOffset: 3,
    });
  });

  it('TRUNCATED: a sub-message ends inside a varint, the record goes on', () => {
    expectError('08 05 2a 01 08 05', { code: 'TRUNCATED', fieldPath: 'main.x', byteOffset: 5 });
  });

  it('TRUNCATED: a repeated sub-message ends inside a varint, the record goes on', () => {
    expectError('08 05 1a 02 08 01 1a 01 08 05', {
      code: 'TRUNCATED',
      fieldPath: 'points[1].x',
      byteOffset: 9,
    });
  });

  it('INVALID_WIRE_TYPE: wire type 7 on an unknown field with a two-byte tag', () => {
    // field 900, wire type 7: tag 7207 = a7 38
    expectError('08 05 a7 38 00', { code: 'INVALID_WIRE_TYPE', fieldPath: '', byteOffset: 2 });
  });

  it('INVALID_WIRE_TYPE: wire type 6 on an unknown field', () => {
    expectError('08 05 4e 00', { code: 'INVALID_WIRE_TYPE', fieldPath: '', byteOffset: 2 });
  });

  it('INVALID_WIRE_TYPE: a stray end-group tag', () => {
    expectError('08 05 4c', { code: 'INVALID_WIRE_TYPE', fieldPath: '', byteOffset: 2 });
  });

  it('WIRE_TYPE_MISMATCH: an int32 field arrives as fixed32', () => {
    expectError('08 05 0d 01 02 03 04', { code: 'WIRE_TYPE_MISMATCH', fieldPath: 'id', byteOffset: 2 });
  });

  it('WIRE_TYPE_MISMATCH: a string inside the second element of a repeated message arrives as a varint', () => {
    expectError('08 05 1a 02 08 01 1a 04 08 01 10 07', {
      code: 'WIRE_TYPE_MISMATCH',
      fieldPath: 'points[1].label',
      byteOffset: 10,
    });
  });

  it('VARINT_TOO_LONG: an 11-byte varint', () => {
    expectError('08 05 08 ff ff ff ff ff ff ff ff ff ff 01', {
      code: 'VARINT_TOO_LONG',
      fieldPath: 'id',
      byteOffset: 3,
    });
  });

  it('LENGTH_OUT_OF_BOUNDS: a string longer than the record', () => {
    expectError('08 05 12 05 61 62', { code: 'LENGTH_OUT_OF_BOUNDS', fieldPath: 'name', byteOffset: 3 });
  });

  it('LENGTH_OUT_OF_BOUNDS: a string longer than its enclosing sub-message', () => {
    expectError('08 05 2a 03 12 05 61 62 63 64 65', {
      code: 'LENGTH_OUT_OF_BOUNDS',
      fieldPath: 'main.label',
      byteOffset: 5,
    });
  });

  it('INVALID_UTF8: a lone 0xff', () => {
    expectError('08 05 12 03 61 ff 62', { code: 'INVALID_UTF8', fieldPath: 'name', byteOffset: 5 });
  });

  it('INVALID_UTF8: a lone 0xff at each position of an 11-byte string (strings are copied four bytes a step)', () => {
    for (let at = 0; at < 11; at++) {
      const value = Buffer.from('abcdefghijk');
      value[at] = 0xff;
      const record = Uint8Array.from([0x08, 0x05, 0x12, value.length, ...value]);
      expectError(record, { code: 'INVALID_UTF8', fieldPath: 'name', byteOffset: 4 + at });
    }
  });

  it('INVALID_UTF8: an overlong encoding of NUL', () => {
    expectError('08 05 12 02 c0 80', { code: 'INVALID_UTF8', fieldPath: 'name', byteOffset: 4 });
  });

  it('RECURSION_LIMIT: unknown groups nested past the limit', () => {
    // recursionLimit 3: three nested groups (field 9, tag 4b) are fine, the fourth, at offset 5, is not.
    const ok = createParser(schema.descriptorProto, { recursionLimit: 3 }).decodeBatch([
      bytes('08 05 4b 4b 4b 4c 4c 4c'),
    ]);
    expect(ok.numRows).toBe(1);
    expectError(
      '08 05 4b 4b 4b 4b 4c 4c 4c 4c',
      { code: 'RECURSION_LIMIT', fieldPath: '', byteOffset: 5 },
      { recursionLimit: 3 },
    );
  });

  it('RECORD_TOO_LARGE: a record one byte over maxRecordBytes', () => {
    const ok = createParser(schema.descriptorProto, { maxRecordBytes: 8 }).decodeBatch([GOOD_AFTER]);
    expect(ok.numRows).toBe(1);
    expectError(
      '08 05 12 05 61 62 63 64 65',
      { code: 'RECORD_TOO_LARGE', fieldPath: '', byteOffset: 0 },
      { maxRecordBytes: 8 },
    );
  });

  it('MISSING_REQUIRED: a repeated sub-message without its required field', () => {
    expectError('08 05 1a 02 08 01 1a 02 12 00', {
      code: 'MISSING_REQUIRED',
      fieldPath: 'points[1].x',
      byteOffset: 8,
    });
  });

  it('a good batch decodes without errors', () => {
    const { batch, errors } = createParser(schema.descriptorProto).decodeBatchSettled([
      GOOD_BEFORE,
      GOOD_AFTER,
    ]);
    expect(errors).toEqual([]);
    expect(batch.numRows).toBe(2);
  });
});

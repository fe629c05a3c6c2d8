import { createPrng, loadSchema } from '@lakestream/testkit';
import { describe, expect, it } from 'vitest';
import { createParser } from '../src/index.js';
import { generateCases, runDifferential } from './support/differential.js';
import { NEOWISE, PROTO2_ALL, PROTO3_ALL, PROTO3_DEEP } from './support/test-schemas.js';

// Differential test: ~10,500 seeded random messages over several schemas, decoded by zeroparser and by
// protobufjs (an independent implementation), compared value by value. See support/ for how the messages
// are generated and rewritten on the wire.

describe('zeroparser agrees with protobufjs', () => {
  it('proto2, every type, DescriptorProto as protoc writes it (3,000 messages)', () => {
    const s = loadSchema(PROTO2_ALL, 'p2.AllTypes');
    const parser = createParser(s.descriptorProto);
    expect(runDifferential(parser, generateCases(createPrng(1), s.type, 'proto2', 3000))).toEqual([]);
  });

  it('proto2, DescriptorProto as protobufjs writes it: relative type names (500 messages)', () => {
    const s = loadSchema(PROTO2_ALL, 'p2.AllTypes', 'protobufjs');
    const parser = createParser(s.descriptorProto);
    expect(runDifferential(parser, generateCases(createPrng(2), s.type, 'proto2', 500))).toEqual([]);
  });

  it('proto3, every type implicit and optional, from a FileDescriptorSet (3,000 messages)', () => {
    const s = loadSchema(PROTO3_ALL, 'p3.Scalars');
    const parser = createParser({ fileDescriptorSet: s.fileDescriptorSet, messageName: s.messageName });
    expect(runDifferential(parser, generateCases(createPrng(3), s.type, 'proto3', 3000))).toEqual([]);
  });

  it("proto3 from a bare DescriptorProto with { syntax: 'proto3' } (1,000 messages)", () => {
    const s = loadSchema(PROTO3_ALL, 'p3.Scalars');
    const parser = createParser(s.descriptorProto, { syntax: 'proto3' });
    expect(runDifferential(parser, generateCases(createPrng(4), s.type, 'proto3', 1000))).toEqual([]);
  });

  it('proto3, messages nested five deep (1,500 messages)', () => {
    const s = loadSchema(PROTO3_DEEP, 'deep.Root');
    const parser = createParser({ fileDescriptorSet: s.fileDescriptorSet, messageName: s.messageName });
    expect(runDifferential(parser, generateCases(createPrng(5), s.type, 'proto3', 1500))).toEqual([]);
  });

  it('the NEOWISE-like record (1,500 messages)', () => {
    const s = loadSchema(NEOWISE, 'neowise.NeowiseSource');
    const parser = createParser(s.descriptorProto);
    expect(runDifferential(parser, generateCases(createPrng(6), s.type, 'proto2', 1500))).toEqual([]);
  });
});

describe('merge rules on hand-built records', () => {
  const s = loadSchema(PROTO2_ALL, 'p2.AllTypes');
  const parser = createParser(s.descriptorProto);
  // req = 0 (c8 01 00) and req_s = "" (d2 01 00) make the record valid; `inner` is field 27 (da 01).
  const decode = (hexRecord: string) =>
    parser.decodeBatch([Uint8Array.from(Buffer.from(`c80100d20100${hexRecord}`, 'hex'))]);
  const innerOf = (hexRecord: string) => decode(hexRecord).getChild('inner')?.get(0)?.toJSON();

  it('a sub-message occurring twice is merged: a field set only in the first occurrence survives', () => {
    // inner { z: -256 } then inner { a: 1 }; z (sint64, [default = -5]) must stay -256.
    const inner = innerOf('da010328ff03da01020801');
    expect(inner?.a).toBe(1);
    expect(inner?.z).toBe(-256n);
  });

  it('a sub-message occurring twice is merged: repeated fields concatenate, scalars take the last value', () => {
    // inner { a: 1, r: [7] } then inner { a: 2, r: [8] }.
    const inner = innerOf('da0104080118 07da01040802 1808'.replaceAll(' ', ''));
    expect(inner?.a).toBe(2);
    expect(Array.from(inner?.r ?? [])).toEqual([7n, 8n]);
  });

  it('the last member of a oneof on the wire wins and the others are null', () => {
    // c_str = "x" (field 48) then c_int = 5 (field 47).
    const batch = decode('82030178f80205');
    expect(batch.getChild('c_int')?.get(0)).toBe(5);
    expect(batch.getChild('c_str')?.get(0)).toBeNull();
  });
});

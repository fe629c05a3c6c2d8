import type { Prng } from '@lakestream/testkit';
import type protobuf from 'protobufjs';
import type { Parser } from '../../src/index.js';
import { compareBatch, type Mismatch } from './compare-row.js';
import { type Expected, expectedMessage } from './expected.js';
import { randomMessage } from './random-message.js';
import { hex } from './wire-bytes.js';
import { mutateMessage } from './wire-mutation.js';

/** One generated record: what zeroparser gets, and the row protobufjs says it must produce. */
export interface DifferentialCase {
  input: Uint8Array;
  expected: Record<string, Expected>;
}

/**
 * `count` random messages of `type`, encoded by protobufjs, decoded back by protobufjs into the expected row,
 * then rewritten on the wire without changing their meaning (unknown fields, decoys, split sub-messages,
 * packed/unpacked switches) to become zeroparser's input.
 */
export function generateCases(
  rng: Prng,
  type: protobuf.Type,
  syntax: string,
  count: number,
): DifferentialCase[] {
  const cases: DifferentialCase[] = [];
  for (let i = 0; i < count; i++) {
    const original = type.encode(randomMessage(rng, type)).finish();
    const expected = expectedMessage(type, type.decode(original), syntax);
    cases.push({ input: mutateMessage(rng, original, type), expected });
  }
  return cases;
}

/** Decodes the cases in batches and returns the first `limit` mismatches, each with its record's hex. */
export function runDifferential(
  parser: Parser,
  cases: readonly DifferentialCase[],
  batchSize = 500,
  limit = 8,
): (Mismatch & { hex: string })[] {
  const found: (Mismatch & { hex: string })[] = [];
  for (let start = 0; start < cases.length && found.length < limit; start += batchSize) {
    const slice = cases.slice(start, start + batchSize);
    const { batch, errors } = parser.decodeBatchSettled(slice.map((c) => c.input));
    if (errors.length > 0) {
      for (const e of errors.slice(0, limit)) {
        const input = slice[e.recordIndex]?.input ?? new Uint8Array(0);
        found.push({
          record: start + e.recordIndex,
          path: e.fieldPath,
          expected: 'a row',
          actual: e.message,
          hex: hex(input),
        });
      }
      continue;
    }
    for (const m of compareBatch(
      slice.map((c) => c.expected),
      batch,
      start,
    ).slice(0, limit - found.length)) {
      found.push({ ...m, hex: hex(cases[m.record]?.input ?? new Uint8Array(0)) });
    }
  }
  return found;
}

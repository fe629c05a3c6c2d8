import { createPrng, loadSchema, type Prng } from '@lakestream/testkit';
import type { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createParser, DecodeError, type Parser } from '../src/index.js';
import { mutateBytes, randomBytes } from './support/byte-mutation.js';
import { randomMessage } from './support/random-message.js';
import { parserFor } from './support/schema-parser.js';
import { NEOWISE, PROTO2_ALL, PROTO3_ALL, PROTO3_DEEP } from './support/test-schemas.js';

// Fuzz: ~104,000 corrupted or random inputs. The only allowed outcomes are a batch with one row per record
// (every column as long as the batch) or DecodeErrors; any other exception (RangeError, TypeError, …) fails.

const BATCH = 1000;

/** Problems with one batch's outcome; empty when the decoder behaved. */
function checkBatch(parser: Parser, inputs: readonly Uint8Array[]): string[] {
  const problems: string[] = [];
  const columnsOk = (batch: RecordBatch, rows: number) => {
    for (const field of batch.schema.fields) {
      const column = batch.getChild(field.name);
      if (column?.length !== rows)
        problems.push(`column ${field.name} has ${column?.length} rows, not ${rows}`);
      // Read a sample of values back, so broken offsets or buffers surface as exceptions here.
      for (let row = 0; row < rows; row += 7) column?.get(row);
    }
  };
  try {
    const batch = parser.decodeBatch(inputs);
    if (batch.numRows !== inputs.length)
      problems.push(`decodeBatch: ${batch.numRows} rows for ${inputs.length} records`);
    columnsOk(batch, inputs.length);
  } catch (e) {
    if (!(e instanceof DecodeError))
      problems.push(`decodeBatch threw ${String(e)}\n${(e as Error).stack ?? ''}`);
  }
  try {
    const { batch, errors } = parser.decodeBatchSettled(inputs);
    if (batch.numRows + errors.length !== inputs.length) {
      problems.push(
        `decodeBatchSettled: ${batch.numRows} rows + ${errors.length} errors for ${inputs.length} records`,
      );
    }
    for (const e of errors) {
      if (!(e instanceof DecodeError) || e.recordIndex < 0 || e.recordIndex >= inputs.length) {
        problems.push(`bad error ${String(e)}`);
      }
    }
    columnsOk(batch, batch.numRows);
  } catch (e) {
    problems.push(`decodeBatchSettled threw ${String(e)}\n${(e as Error).stack ?? ''}`);
  }
  return problems;
}

/** The input of a failing batch that fails alone, in hex, for the report. */
function culprit(parser: Parser, inputs: readonly Uint8Array[]): string {
  for (const input of inputs) {
    if (checkBatch(parser, [input]).length > 0) return Buffer.from(input).toString('hex');
  }
  return '(only fails in a batch)';
}

function fuzzSchema(proto: string, messageName: string, seed: number, inputs: number): void {
  const s = loadSchema(proto, messageName);
  const parser = parserFor(s);
  const rng: Prng = createPrng(seed);
  const pool = Array.from({ length: 200 }, () => s.type.encode(randomMessage(rng, s.type)).finish());
  for (let done = 0; done < inputs; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, inputs - done) }, () =>
      mutateBytes(rng, rng.pick(pool), rng.pick(pool)),
    );
    const problems = checkBatch(parser, batch);
    if (problems.length > 0) {
      expect({ problems: problems.slice(0, 3), input: culprit(parser, batch) }).toEqual({ problems: [] });
    }
  }
}

describe('fuzz: only DecodeError or a well-formed batch', () => {
  it('mutated NEOWISE-like records (30,000)', () => fuzzSchema(NEOWISE, 'neowise.NeowiseSource', 11, 30_000));
  it('mutated proto2 all-types records (25,000)', () => fuzzSchema(PROTO2_ALL, 'p2.AllTypes', 12, 25_000));
  it('mutated proto3 all-types records (20,000)', () => fuzzSchema(PROTO3_ALL, 'p3.Scalars', 13, 20_000));
  it('mutated deeply nested proto3 records (10,000)', () => fuzzSchema(PROTO3_DEEP, 'deep.Root', 14, 10_000));

  it('random byte strings against every schema (4 × 5,000)', () => {
    const rng = createPrng(15);
    for (const [proto, name] of [
      [NEOWISE, 'neowise.NeowiseSource'],
      [PROTO2_ALL, 'p2.AllTypes'],
      [PROTO3_ALL, 'p3.Scalars'],
      [PROTO3_DEEP, 'deep.Root'],
    ] as const) {
      const s = loadSchema(proto, name);
      const parser = createParser(s.descriptorProto, { syntax: s.syntax, recursionLimit: 8 });
      for (let done = 0; done < 5000; done += BATCH) {
        const batch = Array.from({ length: BATCH }, () => randomBytes(rng));
        const problems = checkBatch(parser, batch);
        if (problems.length > 0) {
          expect({ problems: problems.slice(0, 3), input: culprit(parser, batch) }).toEqual({ problems: [] });
        }
      }
    }
  });
});

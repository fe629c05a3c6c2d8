import { ValueFailure } from './value-failure.js';

/**
 * Range checks and digit-string parsing for the integer columns, shared by values and map keys. 64-bit
 * values that are safe integers stay JS numbers (the Int64 builder stores them without a BigInt).
 */

/** The inclusive range of each 32-bit integer column, by the name errors use. */
export const INT32_RANGES = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  date: [-2147483648, 2147483647],
} as const;

/** The inclusive range of each 64-bit integer column. */
export const INT64_RANGES = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  timestamp: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

/** Decimal digits with an optional minus sign: the proto3 JSON form of a 64-bit integer. */
export const DIGITS = /^-?\d+$/;

/** Fewer digits than this always make a safe integer, so `Number` is exact and no BigInt is needed. */
const SAFE_DIGITS = 15;

/** Fails unless `value` (an integer) fits the 32-bit column `kind`. */
export function checkInt32(value: number, kind: keyof typeof INT32_RANGES): void {
  const [min, max] = INT32_RANGES[kind];
  if (value < min || value > max) {
    throw new ValueFailure('OUT_OF_RANGE', `${value} is out of range for ${kind} (${min} to ${max})`);
  }
}

/**
 * A 64-bit column value from decimal digits (`DIGITS` already matched): a number when it is short enough to
 * be exact, otherwise a BigInt checked against the range of `kind`.
 */
export function int64FromDigits(text: string, kind: keyof typeof INT64_RANGES): number | bigint {
  if (text.length <= SAFE_DIGITS) {
    const value = Number(text);
    if (value < 0 && kind === 'uint64') throw outOfRange64(text, kind);
    return value;
  }
  const value = BigInt(text);
  const [min, max] = INT64_RANGES[kind];
  if (value < min || value > max) throw outOfRange64(text, kind);
  return value;
}

function outOfRange64(text: string, kind: keyof typeof INT64_RANGES): ValueFailure {
  const [min, max] = INT64_RANGES[kind];
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return new ValueFailure('OUT_OF_RANGE', `${shown} is out of range for ${kind} (${min} to ${max})`);
}

/** A 64-bit column value from a JSON number: it must be an integer, and a safe one to be exact. */
export function int64FromNumber(value: number, kind: keyof typeof INT64_RANGES, expected: string): number {
  if (!Number.isInteger(value)) {
    throw new ValueFailure('TYPE_MISMATCH', `expected ${expected}, found the number ${value}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new ValueFailure(
      'OUT_OF_RANGE',
      `the number ${value} is beyond ±2^53 and may not be exact as a JSON number; send it as a string of ` +
        `decimal digits for ${kind}`,
    );
  }
  if (value < 0 && kind === 'uint64') {
    throw new ValueFailure('OUT_OF_RANGE', `${value} is out of range for uint64 (0 to ${2n ** 64n - 1n})`);
  }
  return value;
}

import { type ExactNumber, isInexactInteger, NEEDS_EXACT_NUMBERS } from './exact-json.js';
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

/**
 * Fails unless `value` (an integer) fits the 32-bit column `kind`; the failure quotes `shown`, the value as
 * it was sent (default: the number itself).
 */
export function checkInt32(value: number, kind: keyof typeof INT32_RANGES, shown = String(value)): void {
  const [min, max] = INT32_RANGES[kind];
  if (value < min || value > max) {
    throw new ValueFailure('OUT_OF_RANGE', `${clip(shown)} is out of range for ${kind} (${min} to ${max})`);
  }
}

/**
 * A 32-bit column value from a JSON number that is an integer. One that `JSON.parse` may have rounded is
 * out of range anyway, but its failure should quote the number as sent: it throws `NEEDS_EXACT_NUMBERS`.
 */
export function int32FromNumber(value: number, kind: keyof typeof INT32_RANGES): number {
  const [min, max] = INT32_RANGES[kind];
  if (value < min || value > max) {
    if (isInexactInteger(value)) throw NEEDS_EXACT_NUMBERS;
    checkInt32(value, kind);
  }
  return value;
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

/** A value as an error quotes it: at most 40 characters. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function outOfRange64(text: string, kind: keyof typeof INT64_RANGES): ValueFailure {
  const [min, max] = INT64_RANGES[kind];
  return new ValueFailure('OUT_OF_RANGE', `${clip(text)} is out of range for ${kind} (${min} to ${max})`);
}

/**
 * A 64-bit column value from a JSON number: it must be an integer. A safe integer is exact as `JSON.parse`
 * gave it; any other integer may have been rounded, so it throws `NEEDS_EXACT_NUMBERS` and the record is
 * parsed again with the number's text (`int64FromExact`).
 */
export function int64FromNumber(value: number, kind: keyof typeof INT64_RANGES, expected: string): number {
  if (!Number.isSafeInteger(value)) {
    if (Number.isInteger(value)) throw NEEDS_EXACT_NUMBERS;
    throw new ValueFailure('TYPE_MISMATCH', `expected ${expected}, found the number ${value}`);
  }
  if (value < 0 && kind === 'uint64') throw outOfRange64(String(value), kind);
  return value;
}

/** A JSON number token: sign, integer digits, fraction digits, exponent. */
const NUMBER_PARTS = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** More significant digits than this are beyond 64 bits (2^64 has 20). */
const MAX_DIGITS = 21;

/**
 * A 64-bit column value from a JSON number beyond ±2^53, exactly as it was sent: `9007199254740993`,
 * `-9223372036854775808`, also `1.8e19` or `100.0` forms of integers. Fails `OUT_OF_RANGE` quoting the
 * number as sent, or `TYPE_MISMATCH` when the text is not an integer (`9007199254740993.5`, which a double
 * rounds to one).
 */
export function int64FromExact(
  number: ExactNumber,
  kind: keyof typeof INT64_RANGES,
  expected: string,
): bigint {
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = NUMBER_PARTS.exec(number.source) ?? [];
  // The value is digits × 10^scale, with digits free of leading zeros.
  let digits = (whole + fraction).replace(/^0+/, '');
  const scale = Number(exponent) - fraction.length;
  if (scale < 0) {
    const dropped = digits.slice(scale);
    if (/[^0]/.test(dropped)) {
      throw new ValueFailure(
        'TYPE_MISMATCH',
        `expected ${expected}, found the number ${clip(number.source)}`,
      );
    }
    digits = digits.slice(0, scale);
  } else if (digits.length + scale > MAX_DIGITS) {
    throw outOfRange64(number.source, kind);
  } else {
    digits += '0'.repeat(scale);
  }
  if (digits.length > MAX_DIGITS) throw outOfRange64(number.source, kind);
  const value = BigInt(sign + (digits === '' ? '0' : digits));
  const [min, max] = INT64_RANGES[kind];
  if (value < min || value > max) throw outOfRange64(number.source, kind);
  return value;
}

/**
 * JSON numbers read from UTF-8 bytes (RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`),
 * to exactly the double `JSON.parse` makes of them.
 */

/** What `readNumber` read: where the token ends and its value. */
export interface NumberToken {
  /** The index just past the token. */
  end: number;
  /**
   * The token's value, exactly as `JSON.parse` gives it (-0 for `-0`); NaN when `longInteger`, whose value
   * the caller takes from the token's text (as digits, or as `Number` of them).
   */
  value: number;
  /** An integer (no fraction, no exponent) of more than 15 digits: a double may not hold it exactly. */
  longInteger: boolean;
}

/** Integers of at most this many digits are below 2^53: accumulated digit by digit, they are exact. */
const EXACT_DIGITS = 15;
/** 10^0 .. 10^22, every one exact in a double (the bound of Clinger's fast path). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

function isDigit(byte: number): boolean {
  return byte >= 48 && byte <= 57;
}

/** `Number` of `bytes[start, end)`, ASCII. */
function numberOfText(bytes: Uint8Array, start: number, end: number): number {
  return Number(String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]));
}

/**
 * Reads the number token at `bytes[at]` into `token` and returns true, or returns false where the bytes are
 * not a JSON number. What follows the token is the caller's to check (`01` reads as `0`, then `1`).
 * Integers of up to 15 digits and decimals of up to 15 significant digits with a power of ten up to 22 are
 * computed from the digits (exact: the digits and the power are exact doubles, so the one multiplication or
 * division rounds correctly, as `JSON.parse` does); other numbers are `Number` of their text.
 */
export function readNumber(bytes: Uint8Array, at: number, token: NumberToken): boolean {
  const negative = bytes[at] === 45;
  if (negative) at++;
  const integerStart = at;
  let mantissa = 0;
  let digits = 0; // significant digits in `mantissa`
  if (bytes[at] === 48) {
    at++;
  } else if (isDigit(bytes[at]!)) {
    for (; isDigit(bytes[at]!); at++, digits++) mantissa = mantissa * 10 + bytes[at]! - 48;
  } else {
    return false;
  }
  const integerDigits = at - integerStart;
  let scale = 0;
  let plain = true;
  if (bytes[at] === 46) {
    plain = false;
    at++;
    if (!isDigit(bytes[at]!)) return false;
    for (; isDigit(bytes[at]!); at++, scale--) {
      if (digits > 0 || bytes[at] !== 48) {
        mantissa = mantissa * 10 + bytes[at]! - 48;
        digits++;
      }
    }
  }
  if (bytes[at] === 101 || bytes[at] === 69) {
    plain = false;
    at++;
    const minus = bytes[at] === 45;
    if (minus || bytes[at] === 43) at++;
    if (!isDigit(bytes[at]!)) return false;
    let exponent = 0;
    for (; isDigit(bytes[at]!); at++) exponent = Math.min(exponent * 10 + bytes[at]! - 48, 1e6);
    scale += minus ? -exponent : exponent;
  }
  token.end = at;
  token.longInteger = plain && integerDigits > EXACT_DIGITS;
  let value: number;
  if (plain) {
    value = token.longInteger ? Number.NaN : mantissa;
  } else if (digits <= EXACT_DIGITS && scale >= -22 && scale <= 22) {
    value = scale < 0 ? mantissa / POWERS_OF_TEN[-scale]! : mantissa * POWERS_OF_TEN[scale]!;
  } else {
    value = numberOfText(bytes, integerStart, at);
  }
  token.value = negative ? -value : value;
  return true;
}

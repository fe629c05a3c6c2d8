/**
 * JSON numbers that a double cannot hold exactly. `JSON.parse` turns `9007199254740993` (2^53 + 1, an int64
 * that Python, Go and Java write as a bare number) into 9007199254740992; the JSON parser therefore parses
 * a record a second time with `parseJsonExactly` when, and only when, one of its integer columns meets such
 * a number, so every other record costs nothing more than `JSON.parse`.
 */

/**
 * A JSON number whose value is an integer at or beyond ±2^53, kept as the text it was sent as (`source`)
 * beside the double `JSON.parse` makes of it (`value`). Only `parseJsonExactly` makes these.
 */
export class ExactNumber {
  constructor(
    /** The number token as sent: `9007199254740993`, `-1e19`, `18446744073709551615.0`. */
    readonly source: string,
    /** What `JSON.parse` makes of it (rounded to a double). */
    readonly value: number,
  ) {}
}

/**
 * Thrown (never as a failure of its own) by a converter that met a JSON number it cannot take exactly from
 * `JSON.parse`'s double: the parser then decodes the record again from `parseJsonExactly`. A singleton, not
 * an `Error`: it is control flow, and costs no stack trace.
 */
export const NEEDS_EXACT_NUMBERS: unique symbol = Symbol('needs exact numbers');

/** Whether `JSON.parse` may have rounded the number `value` away from the text it was sent as. */
export function isInexactInteger(value: number): boolean {
  return Number.isInteger(value) && !Number.isSafeInteger(value);
}

/** The index just past the JSON string token that opens at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    quote = text.indexOf('"', quote + 1);
  }
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/** The index just past the number token that starts at `start`: its characters are `-+.eE` and digits. */
function numberEnd(text: string, start: number): number {
  let end = start + 1;
  for (;;) {
    const code = text.charCodeAt(end);
    if (
      (code >= 48 && code <= 57) ||
      code === 46 ||
      code === 101 ||
      code === 69 ||
      code === 43 ||
      code === 45
    ) {
      end++;
    } else {
      return end;
    }
  }
}

/** The string token `text[start, end)` (quotes included) as a string: sliced, unless it has escapes. */
function stringValue(text: string, start: number, end: number): string {
  const token = text.slice(start, end);
  return token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
}

type Container = unknown[] | Record<string, unknown>;

/** Sets a key as `JSON.parse` does (an own data property; `__proto__` too, which `=` would not make). */
function setKey(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

/**
 * Parses `text`, which `JSON.parse` has already accepted, to the same value `JSON.parse` gives, except
 * that every number whose value is an integer at or beyond ±2^53 is an `ExactNumber` holding its source
 * text. Iterative (an explicit stack), so nesting as deep as `JSON.parse` takes does not overflow the call
 * stack. On text `JSON.parse` rejects its result is unspecified: call it only after `JSON.parse`.
 */
export function parseJsonExactly(text: string): unknown {
  const containers: Container[] = [];
  const keys: string[] = [];
  let pos = 0;
  const skipWhitespace = () => {
    while (isWhitespace(text.charCodeAt(pos))) pos++;
  };
  const readKey = () => {
    skipWhitespace();
    const end = stringEnd(text, pos);
    const key = stringValue(text, pos, end);
    pos = end;
    skipWhitespace();
    pos++; // ':'
    return key;
  };
  for (;;) {
    // A value starts at pos.
    skipWhitespace();
    let value: unknown;
    const code = text.charCodeAt(pos);
    if (code === 123 /* { */ || code === 91 /* [ */) {
      pos++;
      skipWhitespace();
      const close = code === 123 ? 125 : 93;
      if (text.charCodeAt(pos) !== close) {
        containers.push(code === 123 ? {} : []);
        if (code === 123) keys.push(readKey());
        continue;
      }
      pos++;
      value = code === 123 ? {} : [];
    } else if (code === 34 /* " */) {
      const end = stringEnd(text, pos);
      value = stringValue(text, pos, end);
      pos = end;
    } else if (code === 116 /* t */) {
      value = true;
      pos += 4;
    } else if (code === 102 /* f */) {
      value = false;
      pos += 5;
    } else if (code === 110 /* n */) {
      value = null;
      pos += 4;
    } else {
      const end = numberEnd(text, pos);
      const token = text.slice(pos, end);
      const number = Number(token);
      value = isInexactInteger(number) ? new ExactNumber(token, number) : number;
      pos = end;
    }
    // The value is complete: put it in its container, closing every container it completes.
    for (;;) {
      const container = containers.at(-1);
      if (container === undefined) return value;
      if (Array.isArray(container)) container.push(value);
      else setKey(container, keys.pop()!, value);
      skipWhitespace();
      const next = text.charCodeAt(pos++);
      if (next === 44 /* , */) {
        if (!Array.isArray(container)) keys.push(readKey());
        break;
      }
      // `]` or `}`
      value = containers.pop();
    }
  }
}

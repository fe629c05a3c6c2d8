/**
 * JSON with exact 64-bit integers. `JSON.parse` turns integer literals above 2^53 into inexact doubles and
 * `JSON.stringify` cannot write a `bigint`; the Delta log needs both exact (`txn.version`, int64 stats).
 */

/** A JSON value as this module reads and writes it: integers outside the safe range are `bigint`. */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** An object-shaped JSON value. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Parses JSON text. Integer literals outside ±(2^53-1) become `bigint`; every other number is a `number`.
 * Throws `SyntaxError` on malformed input.
 */
export function parseJson(text: string): JsonValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${pos} in JSON text`);
  };
  const skipWs = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };
  const parseValue = (): JsonValue => {
    skipWs();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: JsonObject = {};
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[pos] !== '"') fail('expected a key');
        const key = parseString();
        skipWs();
        if (text[pos] !== ':') fail('expected ":"');
        pos++;
        obj[key] = parseValue();
        skipWs();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return obj;
        } else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const arr: JsonValue[] = [];
      skipWs();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue());
        skipWs();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return arr;
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') return parseString();
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    return parseNumber();
  };
  const parseString = (): string => {
    const start = pos;
    pos++;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c)) fail('unterminated string');
      if (c === 0x5c) {
        escaped = true;
        pos += 2;
        continue;
      }
      pos++;
      if (c === 0x22) break;
    }
    const raw = text.slice(start, pos);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const parseNumber = (): number | bigint => {
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = pos;
    const found = m.exec(text);
    if (found === null) return fail('unexpected character');
    pos = m.lastIndex;
    const literal = found[0];
    if (found[1] === undefined && found[2] === undefined) {
      const n = Number(literal);
      return Number.isSafeInteger(n) ? n : BigInt(literal);
    }
    return Number(literal);
  };
  const value = parseValue();
  skipWs();
  if (pos !== text.length) fail('unexpected trailing text');
  return value;
}

/**
 * Writes a JSON value as compact JSON text; `bigint` becomes an exact integer literal. Properties whose value
 * is `undefined` are skipped (as `JSON.stringify` does).
 */
export function stringifyJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => stringifyJson(v)).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${stringifyJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { FieldModel } from '../descriptor/model.js';
import { SchemaError } from '../errors.js';

/** A proto2 default value in the form a column store keeps: raw words, a bool, or bytes. */
export type StoredDefault =
  | { readonly kind: 'words'; readonly words: readonly number[] }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array };

/**
 * Converts a descriptor's `default_value` text (descriptor.proto: numbers in decimal, floats may be `inf`,
 * `-inf`, `nan`, bytes C-escaped, enums already resolved to their number) into stored form.
 */
export function toStoredDefault(field: FieldModel, path: string): StoredDefault {
  const text = field.defaultValue!;
  const fail = (): never => {
    throw new SchemaError('INVALID_DESCRIPTOR', path, `default value '${text}' is not a valid ${field.kind}`);
  };
  switch (field.kind) {
    case 'bool':
      if (text !== 'true' && text !== 'false') fail();
      return { kind: 'bool', value: text === 'true' };
    case 'string':
      return { kind: 'bytes', bytes: new TextEncoder().encode(text) };
    case 'bytes':
      return { kind: 'bytes', bytes: unescapeBytes(text) };
    case 'float': {
      const words = new Int32Array(new Float32Array([parseFloatText(text, fail)]).buffer);
      return { kind: 'words', words: [words[0]!] };
    }
    case 'double': {
      const words = new Int32Array(new Float64Array([parseFloatText(text, fail)]).buffer);
      return { kind: 'words', words: [words[0]!, words[1]!] };
    }
    case 'int64':
    case 'sint64':
    case 'sfixed64':
    case 'uint64':
    case 'fixed64': {
      if (!/^-?\d+$/.test(text)) fail();
      const value = BigInt.asUintN(64, BigInt(text));
      return { kind: 'words', words: [Number(value & 0xffffffffn) | 0, Number(value >> 32n) | 0] };
    }
    default: {
      if (!/^-?\d+$/.test(text)) fail();
      return { kind: 'words', words: [Number(BigInt.asIntN(32, BigInt(text)))] };
    }
  }
}

function parseFloatText(text: string, fail: () => never): number {
  if (text === 'inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  if (text === 'nan') return Number.NaN;
  const value = Number(text);
  return Number.isNaN(value) ? fail() : value;
}

/** Undoes protoc's C escaping of a bytes default (`\n`, `\\`, `\'`, `\"`, octal `\NNN`, hex `\xHH`). */
function unescapeBytes(text: string): Uint8Array {
  const out: number[] = [];
  const simple: Record<string, number> = {
    n: 10,
    r: 13,
    t: 9,
    '\\': 92,
    "'": 39,
    '"': 34,
    a: 7,
    b: 8,
    f: 12,
    v: 11,
    '?': 63,
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      out.push(text.charCodeAt(i) & 0xff);
      continue;
    }
    const next = text[++i] ?? '';
    if (next in simple) out.push(simple[next]!);
    else if (next === 'x') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))![0];
      out.push(Number.parseInt(hex, 16));
      i += hex.length;
    } else {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i))?.[0] ?? '0';
      out.push(Number.parseInt(octal, 8) & 0xff);
      i += octal.length - 1;
    }
  }
  return Uint8Array.from(out);
}

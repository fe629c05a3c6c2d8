import { describe, expect, it } from 'vitest';
import { ExactNumber, parseJsonExactly } from './exact-json.js';

/** A small seeded generator (mulberry32), so a failing document can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  '',
  'a',
  '"',
  '\\',
  '\\"',
  'é',
  '😀',
  '\u0000',
  '\ud800',
  '__proto__',
  '7',
  'x\ny',
  '}',
  ',',
];
const NUMBERS = [
  '0',
  '-0',
  '1',
  '-12',
  '1.5',
  '1e-7',
  '2.5E+3',
  '9007199254740991',
  '-9007199254740991',
  '0.1',
];

/** A random JSON document of numbers that are all exact doubles, as text with random whitespace. */
function document(next: () => number, depth: number): string {
  const space = () => [' ', '', '\n', '\t', '\r\n  '][Math.floor(next() * 5)]!;
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const kind = depth > 4 ? Math.floor(next() * 4) : Math.floor(next() * 6);
  switch (kind) {
    case 0:
      return JSON.stringify(pick(STRINGS));
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick(['true', 'false', 'null']);
    case 3:
      return JSON.stringify(pick(STRINGS) + pick(STRINGS));
    case 4: {
      const items = Array.from({ length: Math.floor(next() * 4) }, () => space() + document(next, depth + 1));
      return `[${items.join(',')}${space()}]`;
    }
    default: {
      const entries = Array.from(
        { length: Math.floor(next() * 4) },
        () => `${space()}${JSON.stringify(pick(STRINGS))}${space()}:${space()}${document(next, depth + 1)}`,
      );
      return `{${entries.join(',')}${space()}}`;
    }
  }
}

describe('parseJsonExactly', () => {
  it('gives what JSON.parse gives for documents without numbers beyond ±2^53 (2,000 seeded ones)', () => {
    const next = random(13);
    for (let i = 0; i < 2_000; i++) {
      const text = document(next, 0);
      const expected = JSON.parse(text);
      const actual = parseJsonExactly(text);
      expect(actual, text).toStrictEqual(expected);
      // Same key order (JSON.parse puts array-index keys first), own __proto__ keys included.
      if (typeof expected === 'object' && expected !== null) {
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      }
    }
  });

  it('keeps a duplicate key’s last value in its first place, and __proto__ as an own key', () => {
    const text = '{"b": 1, "__proto__": {"x": 1}, "a": 2, "b": 3, "5": 4}';
    const value = parseJsonExactly(text) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(Object.keys(JSON.parse(text)));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ x: 1 });
    expect(value.b).toBe(3);
  });

  it('keeps every integer at or beyond ±2^53 as its source text, and only those', () => {
    const text =
      '[9007199254740991, 9007199254740992, -9007199254740993, 18446744073709551615, 1e19, 9007199254740993.5,' +
      ' 1.5, 1e400, {"k": 12345678901234567890}]';
    const value = parseJsonExactly(text) as unknown[];
    expect(value[0]).toBe(9007199254740991);
    expect(value.slice(1, 6)).toEqual([
      new ExactNumber('9007199254740992', 9007199254740992),
      new ExactNumber('-9007199254740993', -9007199254740992),
      new ExactNumber('18446744073709551615', 2 ** 64),
      new ExactNumber('1e19', 1e19),
      new ExactNumber('9007199254740993.5', 9007199254740994),
    ]);
    expect(value.slice(6, 8)).toEqual([1.5, Number.POSITIVE_INFINITY]);
    expect(value[8]).toEqual({ k: new ExactNumber('12345678901234567890', 12345678901234567000) });
  });

  it('parses nesting as deep as JSON.parse does without overflowing the call stack', () => {
    const depth = 200_000;
    const text = `${'['.repeat(depth)}9007199254740993${']'.repeat(depth)}`;
    let value = parseJsonExactly(text);
    for (let i = 0; i < depth; i++) value = (value as unknown[])[0];
    expect(value).toEqual(new ExactNumber('9007199254740993', 9007199254740992));
  });
});

import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { fieldName, inputErrorMessage } from './input-errors';

/** The message of what `schema` refuses in `value`. */
function refusal(schema: z.ZodType, value: unknown): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a refusal');
  return inputErrorMessage(parsed.error);
}

describe('inputErrorMessage', () => {
  test('each issue is a sentence naming its field, not zod’s "✖ … → at email" layout', () => {
    const signIn = z.object({ email: z.email(), password: z.string().min(12) });
    const message = refusal(signIn, { email: 'not-an-email', password: 'short' });
    expect(message).toBe("'email' must be an email address. 'password' must be at least 12 characters long.");
    expect(message).not.toMatch(/✖|→/);
  });

  test('missing, wrong type, limits, choices and unknown keys', () => {
    const input = z.strictObject({
      name: z.string().min(1),
      limit: z.number().int().max(200),
      kind: z.enum(['user', 'service']),
      tags: z.array(z.string()).min(1, 'a table needs at least one column'),
    });
    expect(refusal(input, { limit: 500, kind: 'robot', tags: [], extra: 1 })).toBe(
      [
        "'name' is required.",
        "'limit' must be at most 200.",
        "'kind' must be one of 'user', 'service'.",
        "'tags': a table needs at least one column.",
        "The input has unknown field 'extra'.",
      ].join(' '),
    );
    expect(refusal(input, { name: '', limit: 'x', kind: 'user', tags: ['a'] })).toBe(
      "'name' must not be empty. 'limit' must be a number.",
    );
  });

  test('nested paths read like code', () => {
    expect(fieldName(['columns', 0, 'name'])).toBe("'columns[0].name'");
    expect(fieldName([])).toBe('the input');
  });
});

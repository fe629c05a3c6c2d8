import { describe, expect, test } from 'vitest';
import { hashSecret, verifySecret } from './secret-hash.js';

describe('secret hashes', () => {
  test('are salted scrypt strings that verify only the right secret', async () => {
    const a = await hashSecret('s3cret');
    const b = await hashSecret('s3cret');
    expect(a).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(await verifySecret('s3cret', a)).toBe(true);
    expect(await verifySecret('s3cret', b)).toBe(true);
    expect(await verifySecret('s3creT', a)).toBe(false);
    expect(await verifySecret('', a)).toBe(false);
  });

  test('parameters are read from the stored string', async () => {
    const stored = await hashSecret('x');
    const [, , salt, key] = stored.split('$');
    // Same salt and key under other parameters: a different derivation, so no match (and no throw).
    expect(await verifySecret('x', `scrypt$N=1024,r=8,p=1$${salt}$${key}`)).toBe(false);
  });

  test.each([
    ['not a hash'],
    ['scrypt$N=16384,r=8,p=1$c2FsdA$'],
    ['scrypt$N=3000,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['scrypt$N=4194304,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['scrypt$N=16384,r=99,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['scrypt$N=16384,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5'],
  ])('a malformed or out-of-bounds stored hash never matches: %s', async (stored) => {
    expect(await verifySecret('x', stored)).toBe(false);
  });
});

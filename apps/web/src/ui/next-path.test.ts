import { describe, expect, it } from 'vitest';
import { nextPath } from './next-path';

describe('nextPath', () => {
  it('returns to a page of the console', () => {
    expect(nextPath('?next=%2Ftables%2Fmain.sales.orders')).toBe('/tables/main.sales.orders');
    expect(nextPath('?next=/streams?window=300')).toBe('/streams?window=300');
  });

  it('never leaves the console, nor loops back to sign-in', () => {
    expect(nextPath('')).toBe('/tables');
    expect(nextPath('?next=https://evil.example/')).toBe('/tables');
    expect(nextPath('?next=//evil.example/')).toBe('/tables');
    expect(nextPath('?next=/\\evil.example')).toBe('/tables');
    expect(nextPath('?next=/sign-in')).toBe('/tables');
  });
});

import { describe, expect, it } from 'vitest';
import { endOfDay } from './date-input';

describe('endOfDay', () => {
  it('is the last millisecond of that local day', () => {
    const at = endOfDay('2026-12-31');
    expect(at).toBe(new Date(2026, 11, 31, 23, 59, 59, 999).getTime());
  });

  it('is undefined for an empty or malformed value', () => {
    expect(endOfDay('')).toBeUndefined();
    expect(endOfDay('31/12/2026')).toBeUndefined();
  });
});

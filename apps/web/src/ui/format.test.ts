import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatMs } from './format';

describe('format', () => {
  it('writes bytes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(50_000)).toBe('50 KB');
    expect(formatBytes(250_000_000)).toBe('250 MB');
    expect(formatBytes(null)).toBe('—');
  });

  it('writes durations', () => {
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(3.25)).toBe('3.3 ms');
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(4200)).toBe('4.2 s');
    expect(formatMs(null)).toBe('—');
  });

  it('writes how long ago, and in how long', () => {
    const now = 1_000_000_000_000;
    expect(formatAgo(now - 10_000, now)).toBe('just now');
    expect(formatAgo(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatAgo(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatAgo(now + 4 * 86_400_000, now)).toBe('in 4 d');
  });
});

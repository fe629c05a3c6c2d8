import { describe, expect, it } from 'vitest';
import { bytesFromBase64 } from './download';

describe('bytesFromBase64', () => {
  it('decodes every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(bytesFromBase64(Buffer.from(all).toString('base64'))).toEqual(all);
  });
});

import { describe, expect, it } from 'vitest';
import { zstdStoredFrame } from '../../test/support/ipc-compression.js';
import { decodeZstdFrames, ZstdFrameError } from './zstd-frame.js';

/** 150,000 bytes: "lakestream " repeated, with a counter every 4,000 bytes (input of the CLI fixture below). */
function fixtureInput(): Uint8Array {
  let s = '';
  for (let i = 0; s.length < 150_000; i++) s += `${i % 400 === 0 ? `#${i}#` : ''}lakestream `;
  return new TextEncoder().encode(s.slice(0, 150_000));
}

/** `zstd --check -19` (zstd CLI 1.5.4) of `fixtureInput()`: compressed blocks and a content checksum. */
const CLI_FRAME = Buffer.from(
  'KLUv/aTwSQIARAQAAkMKD7Drv0Ecg0tlZdPajEFGT67rupTMJAQRx/gvRGjA4OwPKHNWYweZdL0eqCCy7WeAk/ItOAYQ/v///8QP3nRyTTTR5JrJBIUFMjFh7TIhYSETMrFMyIRMJBMygUzIRJkgE8gEmSATZYJMyATLRIQFkgkIKzIxJm6ZyIljYhVM4ASSIuEdUzUBADAjMTExMTEGwLspV03NhJSr7mciylX3ZgLKVffPxJOr7n8U/gsIDNYYGw==',
  'base64',
);

function refusal(frame: Uint8Array, size: number): string {
  try {
    decodeZstdFrames(frame, size);
  } catch (err) {
    expect(err).toBeInstanceOf(ZstdFrameError);
    return (err as Error).message;
  }
  throw new Error('decoded');
}

describe('decodeZstdFrames', () => {
  it('decodes the zstd CLI frame exactly', () => {
    const input = fixtureInput();
    expect(Buffer.from(decodeZstdFrames(CLI_FRAME, input.length)).equals(Buffer.from(input))).toBe(true);
  });

  it('decodes stored (raw-block) frames, one and several', () => {
    const a = new TextEncoder().encode('x'.repeat(300_000));
    expect(Buffer.from(decodeZstdFrames(zstdStoredFrame(a), a.length)).equals(Buffer.from(a))).toBe(true);
    const two = Buffer.concat([zstdStoredFrame(a.subarray(0, 5)), zstdStoredFrame(a.subarray(0, 7))]);
    expect(decodeZstdFrames(two, 12).length).toBe(12);
  });

  it('refuses corrupt data (checksum), a cut frame, garbage, and a length other than the declared one', () => {
    const input = fixtureInput();
    const corrupt = Uint8Array.from(CLI_FRAME);
    corrupt[100] = corrupt[100]! ^ 0x5a;
    expect(refusal(corrupt, input.length)).toMatch(
      /^the data is not a Zstandard frame that decodes to the 150000/,
    );
    expect(refusal(CLI_FRAME.subarray(0, 120), input.length)).toMatch(/corrupt or cut short/);
    expect(refusal(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 64)).toMatch(/corrupt or cut short/);
    // More content than declared: zstd stops at the capacity and fails; less: the actual length is named.
    expect(refusal(CLI_FRAME, 1000)).toMatch(/corrupt or cut short/);
    expect(refusal(CLI_FRAME, input.length + 8)).toBe(
      'the data decodes to 150000 bytes, not the 150008 declared',
    );
  });
});

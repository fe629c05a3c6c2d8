import { growBytes } from './growable.js';

/**
 * A growable bitmap in Arrow's layout (bit `i` is bit `i % 8` of byte `i / 8`): the validity of a nullable
 * column, or the values of a bool column. Every write sets or clears its bit explicitly, so bits left behind
 * by a rolled-back record are overwritten rather than trusted.
 */
export class BitBuffer {
  bytes: Uint8Array;

  constructor(capacityBits: number) {
    this.bytes = new Uint8Array((capacityBits + 7) >>> 3);
  }

  /** Writes bit `index`, growing the buffer when it is past the end. */
  write(index: number, bit: boolean): void {
    const byte = index >>> 3;
    if (byte >= this.bytes.length) this.bytes = growBytes(this.bytes, byte + 1);
    if (bit) this.bytes[byte]! |= 1 << (index & 7);
    else this.bytes[byte]! &= ~(1 << (index & 7));
  }

  /**
   * Hands the first `length` bits to a batch and starts a fresh buffer for the next one, sized for
   * `length` bits again (batches of a stream tend to have similar sizes). The bits past `length` in the last
   * byte are cleared: a rolled-back record may have left some, and a batch should not depend on its history.
   */
  take(length: number): Uint8Array {
    const taken = this.bytes.subarray(0, (length + 7) >>> 3);
    if ((length & 7) !== 0) taken[length >>> 3]! &= (1 << (length & 7)) - 1;
    this.bytes = new Uint8Array((Math.max(length, 64) + 7) >>> 3);
    return taken;
  }
}

import { encodeFrameHeader, FRAME_HEADER_BYTES } from './frame.js';

/** Payloads at least this large are written from the caller's buffer; smaller ones are copied. */
const COPY_BELOW = 16 * 1024;
const STAGING_BYTES = 256 * 1024;

/**
 * The frames of one group commit, laid out for a single `writev`: frame headers and small payloads are
 * copied into contiguous staging buffers (so 10,000 tiny records cost a few iovecs, not 20,000), large
 * payloads are referenced in place (no copy). The caller must not change a payload until it is written.
 */
export class FrameBatch {
  readonly #buffers: Uint8Array[] = [];
  #staging = new Uint8Array(0);
  #stagingUsed = 0; // bytes of #staging already written into
  #stagingFlushed = 0; // bytes of #staging already pushed to #buffers
  #bytes = 0;

  /** Total bytes of the frames added so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Adds one frame (header and payload). */
  add(payload: Uint8Array): void {
    this.#stage(encodeFrameHeader(payload));
    if (payload.length < COPY_BELOW) this.#stage(payload);
    else {
      this.#cut();
      this.#buffers.push(payload);
    }
    this.#bytes += FRAME_HEADER_BYTES + payload.length;
  }

  /** The buffers to write, in order; the batch may be reused after `clear`. */
  buffers(): Uint8Array[] {
    this.#cut();
    return this.#buffers;
  }

  /** Forgets every frame (the staging memory is dropped, not reused: writes may still reference it). */
  clear(): void {
    this.#buffers.length = 0;
    this.#staging = new Uint8Array(0);
    this.#stagingUsed = 0;
    this.#stagingFlushed = 0;
    this.#bytes = 0;
  }

  #stage(bytes: Uint8Array): void {
    if (this.#stagingUsed + bytes.length > this.#staging.length) {
      this.#cut();
      this.#staging = new Uint8Array(Math.max(STAGING_BYTES, bytes.length));
      this.#stagingUsed = 0;
      this.#stagingFlushed = 0;
    }
    this.#staging.set(bytes, this.#stagingUsed);
    this.#stagingUsed += bytes.length;
  }

  // Pushes the staged bytes not yet pushed as one buffer.
  #cut(): void {
    if (this.#stagingUsed > this.#stagingFlushed) {
      this.#buffers.push(this.#staging.subarray(this.#stagingFlushed, this.#stagingUsed));
      this.#stagingFlushed = this.#stagingUsed;
    }
  }
}

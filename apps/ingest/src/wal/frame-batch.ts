import { encodeFrameHeader, FRAME_HEADER_BYTES, payloadLength, type WalPayload } from './frame.js';

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

  /** Adds one frame (header and payload; a payload in parts is laid out part by part). */
  add(payload: WalPayload): void {
    this.#stage(encodeFrameHeader(payload));
    if (payload instanceof Uint8Array) this.#addPart(payload);
    else for (const part of payload) this.#addPart(part);
    this.#bytes += FRAME_HEADER_BYTES + payloadLength(payload);
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

  #addPart(part: Uint8Array): void {
    if (part.length < COPY_BELOW) this.#stage(part);
    else {
      this.#cut();
      this.#buffers.push(part);
    }
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

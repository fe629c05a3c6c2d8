import type { Readable } from 'node:stream';

/** What `MessageReader.next` returns when no message came within its timeout. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * At most this long (ms) of reading and accepting requests without letting the event loop run. Messages grpc-js
 * already holds are read without a macrotask in between (every await of the accept path resolves at once), and
 * an 8 MiB HTTP/2 window holds ~10,000 one-record requests: read in one go at ~0.3 ms each, they kept the WAL's
 * fsync callbacks, the acks, the timers and the publisher waiting for seconds (event-loop blocks of 1.4-4.4 s
 * measured; the first commit came after ~30 s).
 */
const READ_SLICE_MS = 5;

/**
 * Pulls one message at a time from a grpc-js call. The call's readable buffer is cut to one message, so a
 * message is only read from HTTP/2 when the handler asks for it: a handler that waits (for budget, for the
 * disk) stops reading and HTTP/2 flow control pushes back on the producer (spec: "Read the next message only
 * after the previous one is accepted").
 */
export class MessageReader<T> {
  private ended = false;
  private error: unknown;
  private wake: (() => void) | undefined;
  private sliceStart = performance.now();

  constructor(private readonly stream: Readable) {
    // grpc-js makes the call an object-mode Readable with the default high-water mark (16 messages of up to
    // 10 MiB each); one message is enough read-ahead.
    (stream as unknown as { _readableState: { highWaterMark: number } })._readableState.highWaterMark = 1;
    const notify = (): void => this.wakeUp();
    stream.on('readable', notify);
    stream.on('end', () => {
      this.ended = true;
      notify();
    });
    stream.on('close', () => {
      this.ended = true;
      notify();
    });
    stream.on('error', (err) => {
      this.error ??= err;
      notify();
    });
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /**
   * The next message, or `null` once the client half-closed (or the call ended); rejects on abort. With
   * `timeoutMs` > 0, `TIMED_OUT` when no message came within that long (time spent waiting for the client
   * only: a handler that is busy between two calls is not counted). Lets the event loop run first when this
   * reader has been reading for {@link READ_SLICE_MS} since it last did.
   */
  async next(signal: AbortSignal, timeoutMs = 0): Promise<T | null | typeof TIMED_OUT> {
    if (performance.now() - this.sliceStart > READ_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.sliceStart = performance.now();
    }
    const deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Number.POSITIVE_INFINITY;
    for (;;) {
      signal.throwIfAborted();
      const msg = this.stream.read() as T | null;
      if (msg !== null) return msg;
      if (this.ended || this.error !== undefined) return null;
      const left = deadline - performance.now();
      if (left <= 0) return TIMED_OUT;
      await new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const onAbort = (): void => {
          clearTimeout(timer);
          this.wake = undefined;
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        if (left !== Number.POSITIVE_INFINITY) timer = setTimeout(() => this.wakeUp(), left);
      });
      // Woken by an event: the event loop ran meanwhile, a new slice starts.
      this.sliceStart = performance.now();
    }
  }
}

/** A limit below the capacity that moves (see `BacklogBound`). */
export interface MovingLimit {
  /** The limit now, in bytes. */
  readonly bytes: number;
}

/**
 * A budget of bytes in flight (a counting semaphore in bytes). `acquire` waits, first come first served,
 * until the bytes fit under the capacity and, when given, the moving `bound` (the lower of the two); one
 * request larger than that is let through alone when nothing else is held, so it cannot wait forever. Waiting
 * here is what turns into HTTP/2 flow control: the stream handler does not read its next message until
 * `acquire` resolves.
 */
export class ByteBudget {
  private held = 0;
  private readonly waiters: { bytes: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(
    readonly capacity: number,
    private readonly bound?: MovingLimit,
  ) {}

  /** What may be held now: the capacity, or the moving bound when that is lower. */
  get limit(): number {
    return this.bound === undefined ? this.capacity : Math.min(this.capacity, this.bound.bytes);
  }

  /** Bytes currently held. */
  get used(): number {
    return this.held;
  }

  /** Whether someone is waiting (the budget is the bottleneck). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes `bytes`, waiting while they do not fit; rejects with the signal's reason on abort. */
  acquire(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.waiters.length === 0 && this.fits(bytes)) {
      this.held += bytes;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = { bytes, resolve, reject };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
        this.wake();
      };
      waiter.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * Takes `bytes` at once, even past the capacity: for a reservation that turned out too small once the real
   * size was known (a decoded batch). Later `acquire`s wait until the budget is back under its capacity.
   */
  take(bytes: number): void {
    this.held += bytes;
  }

  /** Wakes waiters that fit under the moving bound now that it rose (no bytes were given back). */
  boundRaised(): void {
    this.wake();
  }

  /** Gives `bytes` back and wakes waiters that now fit. */
  release(bytes: number): void {
    this.held -= bytes;
    if (this.held < 0) this.held = 0;
    this.wake();
  }

  private fits(bytes: number): boolean {
    return this.held + bytes <= this.limit || this.held === 0;
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.bytes)) {
      const w = this.waiters.shift()!;
      this.held += w.bytes;
      w.resolve();
    }
  }
}

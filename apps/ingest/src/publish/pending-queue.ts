/**
 * A publisher's waiting batches in WAL order: appended at the back (in order per stream, in any order across
 * streams: sorted before it is read), taken from the front a commit at a time. Taking is O(1) per item — a
 * front index, the array compacted once half of it is dead — where slicing the array per commit copied the
 * whole backlog every time (a backlog of 10^6 one-record requests in commits of 10^4).
 */
export class PendingQueue<T extends { readonly position: bigint }> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #sorted = true;
  /** The lowest position pushed, kept while the queue is not sorted (see `lowest`). */
  #lowest: bigint | undefined;

  /** Items waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends `item`; the queue sorts itself before it is next read if `item` came out of order. */
  push(item: T): void {
    const low = this.lowest();
    this.#lowest = low === undefined || item.position < low ? item.position : low;
    const last = this.#items[this.#items.length - 1];
    if (last !== undefined && item.position < last.position) this.#sorted = false;
    this.#items.push(item);
  }

  /** The `i`-th item from the front (0: the lowest position). */
  at(i: number): T | undefined {
    this.#sort();
    return this.#items[this.#head + i];
  }

  /** The first `n` items (without taking them). */
  front(n: number): T[] {
    this.#sort();
    return this.#items.slice(this.#head, this.#head + n) as T[];
  }

  /** Takes the first `n` items out and returns them. */
  take(n: number): T[] {
    const out = this.front(n);
    this.#items.fill(undefined, this.#head, this.#head + out.length);
    this.#head += out.length;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }

  /**
   * The lowest position waiting, or `undefined` when empty: O(1), without sorting (it is asked on every
   * frontier move, while a recovery pushes backlog entries behind live ones).
   */
  lowest(): bigint | undefined {
    if (this.length === 0) return undefined;
    // Sorted: the front. Not: the lowest pushed since it last was (taking sorts first, so nothing went).
    return this.#sorted ? this.#items[this.#head]!.position : this.#lowest;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i]!;
  }

  #sort(): void {
    if (this.#sorted) return;
    const live = this.#items.slice(this.#head) as T[];
    live.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    this.#items = live;
    this.#head = 0;
    this.#sorted = true;
  }
}

import { readOptionalFile } from '../base/read-optional-file.js';
import { writeFileAtomic } from '../base/write-file-atomic.js';
import type { TrimBarrier } from '../publish/publisher-set.js';

/** One acked WAL entry that recovery could not publish: it stays in the WAL until an operator decides. */
export interface HeldEntry {
  /** Its WAL position. */
  readonly position: bigint;
  /** The table it was acked for (three-part name). */
  readonly table: string;
  readonly streamId: string;
  /** The stream offset of its request. */
  readonly offset: bigint;
  /** `proto`, `json` or `arrow` (`unknown` when the entry itself cannot be read). */
  readonly format: string;
  /** How many records it holds (0 when the entry cannot be read). */
  readonly records: number;
  /** Why it cannot be published, in words (the table is gone, a column changed type, …). */
  readonly reason: string;
  /** When it was first held (ms since the epoch). */
  readonly heldAt: number;
}

/** What an operator decides for held entries: drop them, or keep their records in the quarantine table. */
export type HeldAction = 'discard' | 'quarantine';

interface HeldFile {
  version: 1;
  entries: (Omit<HeldEntry, 'position' | 'offset'> & { position: string; offset: string })[];
  /** Entries decided on but maybe still in the WAL (until trimmed): never held again by a later replay. */
  decided?: { position: string; action: HeldAction }[];
}

/**
 * The held entries of a node, in `<dataDir>/held.json` (rewritten atomically, fsync'd, mode 0600). An entry is
 * written here before its WAL position is resolved, so no later commit of its table can be mistaken for
 * having published it; the WAL is never trimmed past the lowest held position (`TrimBarrier`). Entries leave
 * only by an operator's decision: discarded, or published into the quarantine table. A decision is remembered
 * until the WAL no longer holds the entry (`forgetBelow`), so a replay after a restart never holds it again.
 */
export class HeldEntries implements TrimBarrier {
  private readonly entries = new Map<bigint, HeldEntry>();
  private readonly decisions = new Map<bigint, HeldAction>();
  private low: bigint | undefined;
  private saving: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  /** Loads the file (absent → none held). Throws when it exists but cannot be read or parsed. */
  static async load(file: string): Promise<HeldEntries> {
    const held = new HeldEntries(file);
    const text = await readOptionalFile(file);
    if (text !== undefined) {
      const parsed = JSON.parse(text) as HeldFile;
      for (const e of parsed.entries) {
        const entry = { ...e, position: BigInt(e.position), offset: BigInt(e.offset) };
        held.entries.set(entry.position, entry);
      }
      for (const d of parsed.decided ?? []) held.decisions.set(BigInt(d.position), d.action);
      held.recomputeLowest();
    }
    return held;
  }

  /** Whether the entry at `position` is held. */
  has(position: bigint): boolean {
    return this.entries.has(position);
  }

  /** What an operator decided for the entry at `position`, while the WAL may still hold it. */
  decided(position: bigint): HeldAction | undefined {
    return this.decisions.get(position);
  }

  /** The lowest held position (the WAL is kept from there on), `undefined` when none is held. */
  lowest(): bigint | undefined {
    return this.low;
  }

  /** Every held entry, by position. */
  list(): HeldEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.position < b.position ? -1 : 1));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Holds an entry; resolves once the file that says so is durable. */
  async add(entry: HeldEntry): Promise<void> {
    this.entries.set(entry.position, entry);
    this.recomputeLowest();
    try {
      await this.save();
    } catch (err) {
      this.entries.delete(entry.position);
      this.recomputeLowest();
      throw err;
    }
  }

  /**
   * Lets entries go by an operator's decision (remembered, see the class); resolves once the file is durable.
   * Unknown positions are ignored.
   */
  async decide(positions: readonly bigint[], action: HeldAction): Promise<void> {
    const gone = positions.flatMap((p) => {
      const e = this.entries.get(p);
      return e === undefined ? [] : [e];
    });
    for (const e of gone) {
      this.entries.delete(e.position);
      this.decisions.set(e.position, action);
    }
    this.recomputeLowest();
    try {
      await this.save();
    } catch (err) {
      for (const e of gone) {
        this.entries.set(e.position, e);
        this.decisions.delete(e.position);
      }
      this.recomputeLowest();
      throw err;
    }
  }

  /**
   * Forgets decisions about positions below `position` (the WAL's oldest: they are trimmed), and held entries
   * there — which only a lost write could leave: the WAL keeps every held entry — returning those; saves if
   * anything changed.
   */
  async forgetBelow(position: bigint): Promise<HeldEntry[]> {
    const old = [...this.decisions.keys()].filter((p) => p < position);
    const lost = this.list().filter((e) => e.position < position);
    if (old.length === 0 && lost.length === 0) return [];
    for (const p of old) this.decisions.delete(p);
    for (const e of lost) this.entries.delete(e.position);
    this.recomputeLowest();
    await this.save();
    return lost;
  }

  private recomputeLowest(): void {
    let low: bigint | undefined;
    for (const p of this.entries.keys()) if (low === undefined || p < low) low = p;
    this.low = low;
  }

  /** Writes the file; one write at a time, each of the state when it starts (a later one never lands first). */
  private save(): Promise<void> {
    this.saving = this.saving.catch(() => undefined).then(() => this.write());
    return this.saving;
  }

  private async write(): Promise<void> {
    const body: HeldFile = {
      version: 1,
      entries: this.list().map((e) => ({
        ...e,
        position: e.position.toString(),
        offset: e.offset.toString(),
      })),
      decided: [...this.decisions].map(([p, action]) => ({ position: p.toString(), action })),
    };
    await writeFileAtomic(this.file, `${JSON.stringify(body, null, 1)}\n`);
  }
}

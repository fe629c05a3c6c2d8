import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpawnedNode } from '../support/child-node.js';
import { within } from './faults.js';
import type { Random } from './random.js';

/**
 * When a SIGKILL lands:
 * - `random`: at a random moment of ordinary ingest;
 * - `commit`: while a table's commit is being written (a `.….tmp` file appeared in its `_delta_log/`);
 * - `committed`: right after a commit became visible (a new `N.json`), before the WAL is trimmed past it;
 * - `data-file`: between a data file and its commit (a new `part-*.parquet` in a table directory);
 * - `checkpoint`: right after a checkpoint file appeared, before `_last_checkpoint` names it;
 * - `backlog`: publishing held back (`HOLD_FLAGS`) until the WAL spans several sealed segments;
 * - `startup`: 20–400 ms after spawn or after the node's first log line (it has opened its WAL then: the
 *   node takes ~0.5–3 s to load its modules, so a kill counted from spawn often lands before it touches its
 *   data), after a run that left a backlog;
 * - `replay`: once the node serves, while it still replays a backlog (at its first commit or a random moment).
 */
export type KillKind =
  | 'random'
  | 'commit'
  | 'committed'
  | 'data-file'
  | 'checkpoint'
  | 'backlog'
  | 'startup'
  | 'replay';

/** Every kind, in the order the summary lists them. */
export const KILL_KINDS: readonly KillKind[] = [
  'random',
  'commit',
  'committed',
  'data-file',
  'checkpoint',
  'backlog',
  'startup',
  'replay',
];

/** Flags of a `backlog` run: nothing is published (64 GiB is the flag's maximum), the WAL only grows. */
export const HOLD_FLAGS = ['--flush-ms', '3600000', '--flush-bytes', '64GiB'];

/** One planned kill: its kind and its random parameters. */
export interface PlannedKill {
  readonly kind: KillKind;
  /**
   * `random`: ms after ready; file triggers: ms after ready before watching; `startup`: ms after `from`;
   * `replay`: the latest ms after ready.
   */
  readonly delayMs: number;
  /** `startup`: counted from the spawn, or from the node's first log line. */
  readonly from?: 'spawn' | 'first log line';
  /** File triggers: matching files to let pass before the kill. */
  readonly skip: number;
}

/** How many kills of which kinds a configuration gets (see {@link planKills}). */
export interface KillMix {
  /** Kills planned once each, in a shuffled order: file triggers and `random`. */
  readonly singles: readonly KillKind[];
  /** Blocks of `backlog`, `startup`, `replay`. */
  readonly backlogs: number;
}

/**
 * A configuration's kills, drawn from `random`: first a `random` one (the tables do not exist yet), then the
 * `singles` shuffled, with `backlogs` blocks inserted at random places, each a `backlog` followed by a
 * `startup` and a `replay` kill (both find that backlog): 1 + singles + 3 × backlogs kills.
 */
export function planKills(random: Random, mix: KillMix): PlannedKill[] {
  const draw = (kind: KillKind): PlannedKill => {
    switch (kind) {
      case 'startup':
        return {
          kind,
          delayMs: random.int(20, 400),
          skip: 0,
          from: random.pick(['spawn', 'first log line'] as const),
        };
      case 'replay':
        return { kind, delayMs: random.int(50, 1500), skip: 0 };
      case 'random':
      case 'backlog':
        return { kind, delayMs: random.int(100, 2000), skip: 0 };
      default:
        return { kind, delayMs: random.int(0, 800), skip: random.int(0, 2) };
    }
  };
  const blocks: PlannedKill[][] = random.shuffle(mix.singles).map((k) => [draw(k)]);
  for (let i = 0; i < mix.backlogs; i++) {
    const at = random.int(0, blocks.length);
    blocks.splice(at, 0, [draw('backlog'), draw('startup'), draw('replay')]);
  }
  return [draw('random'), ...blocks.flat()];
}

/** What actually happened: the kind that fired (a file trigger that never saw its file counts as `random`). */
export interface FiredKill {
  readonly kind: KillKind;
  /** In words: the file that triggered it, the fallback taken, the backlog's size. */
  readonly detail: string;
}

/** Where the triggers look. */
export interface KillTargets {
  /** Table directories (absolute); those that do not exist yet are not watched. */
  readonly tableDirs: readonly string[];
  /** The WAL directory (for `backlog`). */
  readonly walDir: string;
  /** `backlog`: kill once the WAL has this many segment files (sealed ones + the open one). */
  readonly backlogSegments: number;
}

const FILE_TRIGGERS: Partial<Record<KillKind, { dir: 'log' | 'table'; name: RegExp }>> = {
  commit: { dir: 'log', name: /^\..*\.tmp$/ },
  committed: { dir: 'log', name: /^\d{20}\.json$/ },
  checkpoint: { dir: 'log', name: /^\d{20}\.checkpoint\.parquet$/ },
  'data-file': { dir: 'table', name: /^part-.*\.parquet$/ },
};

/** A node not ready in this long fails the run. */
const READY_TIMEOUT_MS = 120_000;
/** A file trigger that saw nothing for this long kills anyway (and says so). */
const FILE_TRIGGER_TIMEOUT_MS = 10_000;
/** A backlog that does not reach its size in this long is killed anyway (and says so). */
const BACKLOG_TIMEOUT_MS = 120_000;

/**
 * Kills `node` (SIGKILL) as `plan` says, once it is ready (`startup`: counted from now, the spawn, or from its
 * first log line). Resolves with what fired once the signal is sent; rejects when the node exits or is not
 * ready within 2 min. Bounded: a file trigger falls back to a plain kill after 10 s, a backlog after 2 min.
 */
export async function killAsPlanned(
  node: SpawnedNode,
  plan: PlannedKill,
  targets: KillTargets,
): Promise<FiredKill> {
  const kill = () => node.process.kill('SIGKILL');
  if (plan.kind === 'startup') {
    if (plan.from === 'first log line')
      await within(firstLine(node), READY_TIMEOUT_MS, "the node's first log line");
    await sleep(plan.delayMs);
    const ready = node.lines.some((l) => l.msg === 'lakestream-ingest ready');
    kill();
    return {
      kind: 'startup',
      detail: `${plan.delayMs} ms after ${plan.from ?? 'spawn'}${ready ? ' (it was ready already)' : ''}`,
    };
  }
  await within(node.ready, READY_TIMEOUT_MS, 'the node to be ready');
  if (plan.kind === 'random') {
    await sleep(plan.delayMs);
    kill();
    return { kind: 'random', detail: `${plan.delayMs} ms after ready` };
  }
  if (plan.kind === 'backlog') return killAtBacklog(node, targets);
  if (plan.kind === 'replay') {
    const recovered = () => node.lines.some((l) => l.msg === 'recovery done');
    const fired = await firstFile(targets.tableDirs, 'log', /^\..*\.tmp$/, 0, plan.delayMs, kill);
    if (fired === undefined) kill();
    const when = fired === undefined ? `${plan.delayMs} ms after ready` : `at ${fired}`;
    return recovered()
      ? { kind: 'random', detail: `replay planned, but the backlog was replayed already; ${when}` }
      : { kind: 'replay', detail: when };
  }
  const trigger = FILE_TRIGGERS[plan.kind]!;
  await sleep(plan.delayMs);
  const fired = await firstFile(
    targets.tableDirs,
    trigger.dir,
    trigger.name,
    plan.skip,
    FILE_TRIGGER_TIMEOUT_MS,
    kill,
  );
  if (fired === undefined) {
    kill();
    return {
      kind: 'random',
      detail: `${plan.kind} planned, but no such file within ${FILE_TRIGGER_TIMEOUT_MS} ms`,
    };
  }
  return { kind: plan.kind, detail: fired };
}

/**
 * Watches the table directories (`table`) or their `_delta_log/` (`log`) and calls `kill` synchronously, in
 * the watcher's callback, on the (skip+1)-th file whose name matches; resolves with that path, or `undefined`
 * after `timeoutMs` (nothing killed).
 */
function firstFile(
  tableDirs: readonly string[],
  where: 'log' | 'table',
  name: RegExp,
  skip: number,
  timeoutMs: number,
  kill: () => void,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const watchers: FSWatcher[] = [];
    let left = skip;
    let done = false;
    const finish = (result: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const w of watchers) w.close();
      resolve(result);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    for (const table of tableDirs) {
      const dir = where === 'log' ? join(table, '_delta_log') : table;
      try {
        const w = watch(dir, (event, file) => {
          if (done || file === null || !name.test(file)) return;
          if (left-- > 0) return;
          kill();
          finish(`${join(dir, file)} (${event})`);
        });
        w.on('error', () => undefined);
        watchers.push(w);
      } catch {
        // Not created yet: the other table may still fire, else the timeout does.
      }
    }
  });
}

/** Resolves at the node's first line on stdout (or when it exits: then there is nothing to wait for). */
async function firstLine(node: SpawnedNode): Promise<void> {
  while (node.lines.length === 0 && node.process.exitCode === null && node.process.signalCode === null)
    await sleep(5);
}

/** Waits until the WAL has `backlogSegments` segment files, then kills. */
async function killAtBacklog(node: SpawnedNode, targets: KillTargets): Promise<FiredKill> {
  const deadline = Date.now() + BACKLOG_TIMEOUT_MS;
  for (;;) {
    const { segments, bytes } = await walSize(targets.walDir);
    const enough = segments >= targets.backlogSegments;
    if (enough || Date.now() > deadline || node.process.exitCode !== null) {
      node.process.kill('SIGKILL');
      const size = `${segments} WAL segments, ${(bytes / 2 ** 20).toFixed(1)} MiB`;
      return enough
        ? { kind: 'backlog', detail: size }
        : { kind: 'random', detail: `backlog planned, but only ${size} within ${BACKLOG_TIMEOUT_MS} ms` };
    }
    await sleep(50);
  }
}

/** Segment files in a WAL directory and their total size. */
export async function walSize(walDir: string): Promise<{ segments: number; bytes: number }> {
  let segments = 0;
  let bytes = 0;
  for (const name of await readdir(walDir).catch(() => [] as string[])) {
    if (!name.endsWith('.wal')) continue;
    const s = await stat(join(walDir, name)).catch(() => undefined);
    if (s === undefined) continue;
    segments++;
    bytes += s.size;
  }
  return { segments, bytes };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

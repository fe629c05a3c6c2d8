import type { PublishStats } from './publish/table-publisher.js';
import type { HeldEntry } from './recovery/held-entries.js';
import type { ReplayReport } from './recovery/replay-backlog.js';

/** `ok`; `degraded`: serving and acking, but something needs attention; `failed`: no more acks (restart). */
export type HealthState = 'ok' | 'degraded' | 'failed';

/** The node's health and why, in words (for `/healthz`, admin `GetStatus` and the log), and in figures (metrics). */
export interface NodeHealth {
  readonly state: HealthState;
  readonly reasons: readonly string[];
  /** Entries of the WAL backlog the replay has still to hand on (0 once it has). */
  readonly recoveryRemaining: number;
  /** Held entries per table. */
  readonly held: Readonly<Record<string, number>>;
  /** Tables whose publishing fails now (retried with backoff). */
  readonly failingTables: readonly string[];
}

/**
 * Judges the node from its parts: a failed WAL is `failed` (it acks nothing more); a replay still running or
 * stuck, a table whose publishing fails, or entries held for an operator are `degraded` — the node serves,
 * acks from the WAL, and retries; the reasons say what and since when.
 */
export function assessHealth(parts: {
  readonly walFailure: unknown;
  readonly replay: ReplayReport;
  readonly publishing: readonly PublishStats[];
  readonly held: readonly HeldEntry[];
}): NodeHealth {
  const held: Record<string, number> = {};
  for (const h of parts.held) held[h.table] = (held[h.table] ?? 0) + 1;
  const failingTables = parts.publishing.filter((t) => t.failing !== undefined).map((t) => t.table);
  const figures = { recoveryRemaining: parts.replay.remaining, held, failingTables };
  if (parts.walFailure !== undefined) {
    const why = parts.walFailure instanceof Error ? parts.walFailure.message : String(parts.walFailure);
    return {
      state: 'failed',
      reasons: [`the WAL failed (${why}); nothing more is acked: restart the node`],
      ...figures,
    };
  }
  const reasons: string[] = [];
  const { replay } = parts;
  if (replay.failing !== undefined) reasons.push(`the WAL replay is failing and retried: ${replay.failing}`);
  else if (!replay.done)
    reasons.push(`recovering: ${replay.remaining} WAL entries of the backlog still to replay`);
  for (const t of parts.publishing) {
    if (t.failing === undefined) continue;
    const since = new Date(t.failing.since).toISOString();
    reasons.push(
      `publishing to table ${t.table} fails since ${since} (${t.failing.attempts} attempts; the WAL keeps its records): ${t.failing.error}`,
    );
  }
  if (parts.held.length > 0) {
    const tables = Object.keys(held).join(', ');
    reasons.push(
      `${parts.held.length} acked WAL entries (tables ${tables}) cannot be published and are held: see \`lakestream-ingest held list\``,
    );
  }
  return { state: reasons.length === 0 ? 'ok' : 'degraded', reasons, ...figures };
}

import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CatalogSnapshotInput } from '../../src/catalog/snapshot-schema.js';
import { EVENTS, ORDERS } from '../support/test-catalog.js';
import { type Fleet, orderId, type Producer, parseTag, type RowTag } from './producers.js';
import { readDeltaLog, readLiveRows } from './read-delta.js';

/** Where the test catalog's tables live under a node's data directory. */
export const TABLE_DIRS: Readonly<Record<string, string>> = {
  [ORDERS]: 'tables/main/sales/orders',
  [EVENTS]: 'tables/main/sales/events',
};

/**
 * The test catalog with a checkpoint every 4 commits in both tables (Delta's default is 10): the checkpoint
 * kills find one sooner, and the audit compares more checkpoints with the JSON log.
 */
export function faultCatalog(snapshot: CatalogSnapshotInput): CatalogSnapshotInput {
  return {
    ...snapshot,
    tables: snapshot.tables.map((t) => ({
      ...t,
      properties: { ...t.properties, 'delta.checkpointInterval': '4' },
    })),
  };
}

/** What the audit found: the figures for the run's summary line, and every failure in words. */
export interface AuditReport {
  /** Records the producers hold an ack for (each once). */
  readonly ackedRecords: number;
  /** Rows in the tables. */
  readonly rows: number;
  /** Acked records missing from the tables. */
  readonly lost: number;
  /** Rows that must not be there twice: a persistent stream's, or one send of an ephemeral record. */
  readonly duplicated: number;
  /** Extra copies of ephemeral records re-sent after a reconnect (at-least-once allows them). */
  readonly resentDuplicates: number;
  /** `resume_stream` answers checked. */
  readonly resumes: number;
  /** Delta versions over both tables. */
  readonly versions: number;
  /** Checkpoints compared with the JSON log. */
  readonly checkpointsChecked: number;
  /** Everything wrong, one line each (producer, seq, connection, offset for records); empty when all holds. */
  readonly failures: readonly string[];
}

/** Adds reports up (a total over configurations); failures are concatenated. */
export function sumReports(reports: readonly AuditReport[]): AuditReport {
  const sum = (f: (r: AuditReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  return {
    ackedRecords: sum((r) => r.ackedRecords),
    rows: sum((r) => r.rows),
    lost: sum((r) => r.lost),
    duplicated: sum((r) => r.duplicated),
    resentDuplicates: sum((r) => r.resentDuplicates),
    resumes: sum((r) => r.resumes),
    versions: sum((r) => r.versions),
    checkpointsChecked: sum((r) => r.checkpointsChecked),
    failures: reports.flatMap((r) => r.failures),
  };
}

/** A report's figures on one line: acked, rows, lost, duplicated, re-sent duplicates, resumes, versions, checkpoints. */
export function formatReport(r: AuditReport): string {
  return (
    `acked ${r.ackedRecords}, rows ${r.rows}, lost ${r.lost}, duplicated ${r.duplicated}, ` +
    `re-sent duplicates ${r.resentDuplicates}, resumes ${r.resumes}, versions ${r.versions}, ` +
    `checkpoints checked ${r.checkpointsChecked}`
  );
}

/** One row as the audit sees it: its tag and where it sits in its table's log order. */
interface AuditRow {
  readonly tag: RowTag;
  readonly table: string;
  readonly position: number;
}

/**
 * Audits a run: reads both tables independently (`readDeltaLog`, DuckDB) and checks them against what the
 * producers logged. Promises checked — every acked record is in its table; none twice on a persistent stream
 * (its rows are exactly seqs 0..n-1 in log order); an ephemeral record appears at most once per connection it
 * was sent on (more copies only when it was re-sent after a reconnect); per connection, rows are a gap-free
 * prefix of its offsets, in offset order, covering every ack; no row the producers did not send; every
 * `resume_stream` answer at or above the ack the client held (and not above what it sent); the Delta log
 * without version gaps, with checkpoints equal to the JSON log.
 */
export async function auditRun(dataDir: string, fleet: Fleet): Promise<AuditReport> {
  const failures: string[] = [];
  const rows: AuditRow[] = [];
  let versions = 0;
  let checkpointsChecked = 0;
  const db = await DuckDBInstance.create(':memory:');
  const duck = await db.connect();
  try {
    for (const [table, location] of Object.entries(TABLE_DIRS)) {
      const log = await readDeltaLog(duck, join(dataDir, location));
      versions += log.versions;
      checkpointsChecked += log.checkpointsChecked;
      failures.push(...log.problems.map((p) => `${table}: ${p}`));
      const select =
        table === ORDERS
          ? `array_to_string(string_split(r.item, '|')[1:4], '|') AS tag, CAST(r.id AS DOUBLE) AS num, r.qty AS conn`
          : `r.tags[1] AS tag, CAST(r.seq AS DOUBLE) AS num, r.stream AS stream`;
      const { columns, problems } = await readLiveRows(duck, log, select);
      failures.push(...problems.map((p) => `${table}: ${p}`));
      const [tags = [], nums = [], third = []] = columns as [string[], number[], unknown[]];
      tags.forEach((text, position) => {
        const tag = parseTag(String(text));
        if (tag === undefined) {
          failures.push(`${table}: row ${position} has no record tag: ${String(text).slice(0, 80)}`);
          return;
        }
        const producer = fleet.producers.find((p) => p.spec.name === tag.producer);
        const expectedNum =
          producer === undefined ? -1 : table === ORDERS ? orderId(producer.spec.index, tag.seq) : tag.seq;
        const consistent =
          producer !== undefined &&
          producer.spec.table === table &&
          nums[position] === expectedNum &&
          (table === ORDERS ? third[position] === tag.conn : third[position] === tag.producer);
        if (!consistent)
          failures.push(`${table}: row ${position} (${String(text)}) does not match its producer's record`);
        rows.push({ tag, table, position });
      });
    }
  } finally {
    duck.closeSync();
    db.closeSync();
  }

  const byProducer = groupBy(rows, (r) => r.tag.producer);
  let ackedRecords = 0;
  let lost = 0;
  let duplicated = 0;
  let resentDuplicates = 0;
  let resumes = 0;
  for (const p of fleet.producers) {
    const got = byProducer.get(p.spec.name) ?? [];
    const r = p.spec.kind === 'persistent' ? auditPersistent(p, got) : auditEphemeral(p, got);
    ackedRecords += r.acked;
    lost += r.lost;
    const sends = auditSends(p, got);
    duplicated += r.duplicated + sends.sameSendDuplicates;
    resentDuplicates += r.resentDuplicates - sends.sameSendDuplicates;
    failures.push(...r.failures, ...sends.failures);
    resumes += p.resumes.length;
    for (const c of p.resumes) {
      if (c.got < c.held)
        failures.push(
          `${p.spec.name}: resume_stream on connection ${c.conn} answered last_committed_offset ${c.got}, below the ack ${c.held} the client held`,
        );
      if (c.got > c.sentUpTo)
        failures.push(
          `${p.spec.name}: resume_stream on connection ${c.conn} answered last_committed_offset ${c.got}, above the last offset ever sent (${c.sentUpTo})`,
        );
    }
    failures.push(...p.violations.map((v) => `${v.producer}: ${v.what}`));
  }
  return {
    ackedRecords,
    rows: rows.length,
    lost,
    duplicated,
    resentDuplicates,
    resumes,
    versions,
    checkpointsChecked,
    failures,
  };
}

interface ProducerAudit {
  acked: number;
  lost: number;
  duplicated: number;
  resentDuplicates: number;
  failures: string[];
}

/** Where a seq was sent (connection, offset), for the failure message. */
function sentAt(p: Producer, seq: number): string {
  const where: string[] = [];
  for (const c of p.connections)
    for (const [offset, seqs] of c.sent)
      if (seqs.includes(seq))
        where.push(`connection ${c.conn} offset ${offset}${offset <= c.acked ? ' (acked)' : ''}`);
  return where.length === 0 ? 'never sent' : `sent on ${where.join(', ')}`;
}

/** A persistent stream: the rows are exactly seqs 0..n-1, in log order. */
function auditPersistent(p: Producer, rows: readonly AuditRow[]): ProducerAudit {
  const n = p.persistentRecords();
  const failures: string[] = [];
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(r.tag.seq, (counts.get(r.tag.seq) ?? 0) + 1);
  let lost = 0;
  for (let seq = 0; seq < n; seq++) {
    if (counts.has(seq)) continue;
    lost++;
    if (lost <= 10) failures.push(`${p.spec.name}: acked record seq ${seq} is lost (${sentAt(p, seq)})`);
  }
  let duplicated = 0;
  for (const [seq, c] of counts) {
    if (c <= 1) continue;
    duplicated += c - 1;
    if (duplicated <= 10)
      failures.push(`${p.spec.name}: seq ${seq} is in the table ${c} times (${sentAt(p, seq)})`);
  }
  const beyond = rows.filter((r) => r.tag.seq >= n);
  if (beyond.length > 0)
    failures.push(
      `${p.spec.name}: ${beyond.length} rows beyond the ${n} records acked (first: seq ${beyond[0]!.tag.seq}, connection ${beyond[0]!.tag.conn} offset ${beyond[0]!.tag.offset})`,
    );
  if (lost === 0 && duplicated === 0) {
    const wrong = rows.findIndex((r, i) => r.tag.seq !== i);
    if (wrong >= 0)
      failures.push(
        `${p.spec.name}: out of order: row ${wrong} of the stream is seq ${rows[wrong]!.tag.seq} (${rows[wrong]!.table} position ${rows[wrong]!.position})`,
      );
  }
  if (lost > 10) failures.push(`${p.spec.name}: … ${lost} acked records lost in all`);
  return { acked: n, lost, duplicated, resentDuplicates: 0, failures };
}

/**
 * An ephemeral stream: every acked record present; a seq more than once only across the connections it was
 * sent on; per connection a gap-free prefix of its offsets, in order, at least up to its ack.
 */
function auditEphemeral(p: Producer, rows: readonly AuditRow[]): ProducerAudit {
  const failures: string[] = [];
  const acked = p.ackedSeqs();
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(r.tag.seq, (counts.get(r.tag.seq) ?? 0) + 1);
  let lost = 0;
  for (const [seq, at] of acked) {
    if (counts.has(seq)) continue;
    lost++;
    if (lost <= 10)
      failures.push(
        `${p.spec.name}: acked record seq ${seq} is lost (acked on connection ${at.conn} offset ${at.offset}; ${sentAt(p, seq)})`,
      );
  }
  if (lost > 10) failures.push(`${p.spec.name}: … ${lost} acked records lost in all`);
  let resentDuplicates = 0;
  for (const c of counts.values()) resentDuplicates += c - 1;
  // Per connection: offsets 0..m in order, each request whole and in order, m at least the ack.
  const byConn = groupBy(rows, (r) => r.tag.conn);
  for (const c of p.connections) {
    const got = byConn.get(c.conn) ?? [];
    const expected: { offset: bigint; seq: number }[] = [];
    for (const [offset, seqs] of c.sent) for (const seq of seqs) expected.push({ offset, seq });
    const mismatch = got.findIndex(
      (r, i) => expected[i]?.seq !== r.tag.seq || expected[i]?.offset !== r.tag.offset,
    );
    if (mismatch >= 0) {
      const e = expected[mismatch];
      const r = got[mismatch]!;
      failures.push(
        `${p.spec.name}: connection ${c.conn}: row ${mismatch} of the connection is offset ${r.tag.offset} seq ${r.tag.seq}, expected ${e === undefined ? 'no more rows' : `offset ${e.offset} seq ${e.seq}`} (a gap, a repeat or out of order)`,
      );
      continue;
    }
    const complete = got.length === 0 ? -1n : got[got.length - 1]!.tag.offset;
    const lastSeqs = c.sent.get(complete);
    const whole =
      lastSeqs === undefined ||
      got.length === 0 ||
      got[got.length - 1]!.tag.seq === lastSeqs[lastSeqs.length - 1];
    if (!whole)
      failures.push(
        `${p.spec.name}: connection ${c.conn}: the request at offset ${complete} is in part only`,
      );
    if (complete < c.acked)
      failures.push(
        `${p.spec.name}: connection ${c.conn} was acked up to offset ${c.acked} but its rows stop at offset ${complete}`,
      );
  }
  return { acked: acked.size, lost, duplicated: 0, resentDuplicates, failures };
}

/**
 * Rows must come from a send: the connection sent that seq at that offset; one send lands at most once
 * (ephemeral; a persistent stream's duplicates are counted by `auditPersistent`).
 */
function auditSends(
  p: Producer,
  rows: readonly AuditRow[],
): { failures: string[]; sameSendDuplicates: number } {
  const failures: string[] = [];
  let sameSendDuplicates = 0;
  const sends = new Map<string, readonly number[]>();
  for (const c of p.connections) for (const [offset, seqs] of c.sent) sends.set(`${c.conn}/${offset}`, seqs);
  const seen = new Map<string, number>();
  for (const r of rows) {
    const { conn, offset, seq } = r.tag;
    if (!(sends.get(`${conn}/${offset}`) ?? []).includes(seq)) {
      if (failures.length < 10)
        failures.push(
          `${p.spec.name}: row ${r.table} position ${r.position} (connection ${conn} offset ${offset} seq ${seq}) was never sent`,
        );
      continue;
    }
    const key = `${conn}/${seq}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n < 2 || p.spec.kind !== 'ephemeral') continue;
    sameSendDuplicates++;
    if (n === 2)
      failures.push(
        `${p.spec.name}: seq ${seq} sent once on connection ${conn} (offset ${offset}) is in the table twice or more`,
      );
  }
  return { failures, sameSendDuplicates };
}

/** `items` by `key`, each group in the items' order. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, lt, type SQL } from 'drizzle-orm';
import { ALERT_KINDS, type AlertKind, webhookUrlProblem } from './alert-kinds.js';
import { type Actor, recordEvent } from './audit.js';
import { CatalogError } from './catalog-error.js';
import type { CatalogDb, CatalogTables, CatalogTx } from './db/catalog-db.js';

/*
 * Alert rules and their history. A rule change is audited (`alert_rule.create` / `.update` / `.delete`, target
 * type `alert_rule`) in its own transaction, at the current provisioning version without bumping it: rules are
 * the console's, not part of the snapshot ingest nodes get, so a change pushes nothing.
 */

/** What an admin gives to create or replace a rule (see alert-kinds.ts for the kinds). */
export interface AlertRuleInput {
  readonly name: string;
  readonly kind: AlertKind;
  /** The table, node (id or admin address) or credential (client id) watched; null or empty: any. */
  readonly target: string | null;
  /** A whole number ≥ 0 in the kind's unit. */
  readonly threshold: number;
  /** How long the condition must hold before the rule fires (0…86400 s). */
  readonly forSeconds: number;
  /** An `http:` or `https:` URL the console POSTs firings and resolutions to; null: none. */
  readonly webhookUrl: string | null;
}

/** The last webhook delivery of a rule. */
export interface AlertDelivery {
  /** When the last attempt was made (ms), or null: never. */
  readonly attemptAt: number | null;
  /** Why the last attempt failed, or null (delivered, or never tried). */
  readonly error: string | null;
  /** The last delivery that succeeded, or null. */
  readonly deliveredAt: number | null;
}

/** A stored rule. */
export interface AlertRule extends AlertRuleInput {
  readonly id: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly delivery: AlertDelivery;
}

/** One transition of a rule: it started firing, or it resolved. */
export interface AlertEventInput {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly kind: AlertKind;
  readonly state: 'firing' | 'resolved';
  /** The table, node or credential it was about; null when none was (e.g. no table at all). */
  readonly subject: string | null;
  readonly value: number;
  readonly threshold: number;
  /** Firing: when the condition started holding; resolved: when it started firing. */
  readonly since: number;
  readonly at: number;
}

/** A stored transition. */
export interface AlertEvent extends AlertEventInput {
  readonly id: number;
}

/** Transitions kept: older ones are pruned as new ones are stored. */
export const ALERT_EVENTS_KEPT = 1000;

const MAX_THRESHOLD = 1_000_000_000;
const MAX_FOR_SECONDS = 86_400;

function refuse(message: string): never {
  throw new CatalogError('INVALID_ALERT_RULE', message);
}

/** Checks and normalises `input` (trimmed name and target, empty target → null), or throws INVALID_ALERT_RULE. */
export function parseAlertRuleInput(input: AlertRuleInput): AlertRuleInput {
  const name = input.name.trim();
  if (name === '' || name.length > 100)
    refuse('an alert rule name must be 1 to 100 characters (not only spaces)');
  if (!(ALERT_KINDS as readonly string[]).includes(input.kind)) {
    refuse(`unknown alert kind '${String(input.kind)}'; expected one of ${ALERT_KINDS.join(', ')}`);
  }
  const target = input.target?.trim() || null;
  if (target !== null && target.length > 800) refuse('an alert rule target must be at most 800 characters');
  if (!Number.isSafeInteger(input.threshold) || input.threshold < 0 || input.threshold > MAX_THRESHOLD) {
    refuse(`the threshold must be a whole number from 0 to ${MAX_THRESHOLD}, got ${String(input.threshold)}`);
  }
  if (!Number.isSafeInteger(input.forSeconds) || input.forSeconds < 0 || input.forSeconds > MAX_FOR_SECONDS) {
    refuse(
      `'for' must be a whole number of seconds from 0 to ${MAX_FOR_SECONDS}, got ${String(input.forSeconds)}`,
    );
  }
  const webhookUrl = input.webhookUrl?.trim() || null;
  if (webhookUrl !== null) {
    if (webhookUrl.length > 2000) refuse('the webhook URL must be at most 2000 characters');
    const problem = webhookUrlProblem(webhookUrl);
    if (problem !== null) refuse(problem);
  }
  // Table names are lower-case in the catalog; node ids and client ids are kept as typed.
  const normalisedTarget =
    target !== null && input.kind !== 'node_unreachable' && input.kind !== 'credential_expiring'
      ? target.toLowerCase()
      : target;
  return {
    name,
    kind: input.kind,
    target: normalisedTarget,
    threshold: input.threshold,
    forSeconds: input.forSeconds,
    webhookUrl,
  };
}

type RuleRow = CatalogTables['AlertRules']['$inferSelect'];

function toRule(row: RuleRow): AlertRule {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    target: row.target,
    threshold: row.threshold,
    forSeconds: row.forSeconds,
    webhookUrl: row.webhookUrl,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    delivery: { attemptAt: row.deliveryAttemptAt, error: row.deliveryError, deliveredAt: row.deliveredAt },
  };
}

async function requireRule(tx: CatalogTx, id: string): Promise<RuleRow> {
  const { AlertRules } = tx.tables;
  const [row] = await tx.orm.select().from(AlertRules).where(eq(AlertRules.id, id)).limit(1);
  if (row === undefined) throw new CatalogError('NOT_FOUND', `alert rule '${id}' does not exist`);
  return row;
}

/** The audited fields of a rule (everything an admin sets). */
const audited = (r: AlertRuleInput) => ({
  name: r.name,
  kind: r.kind,
  target: r.target,
  threshold: r.threshold,
  forSeconds: r.forSeconds,
  webhookUrl: r.webhookUrl,
});

/**
 * Creates an alert rule (the caller checks the actor is an admin). Audited as `alert_rule.create`. Throws
 * `CatalogError` `INVALID_ALERT_RULE` (see `parseAlertRuleInput`) or `ALREADY_EXISTS` (the name is taken).
 */
export async function createAlertRule(
  db: CatalogDb,
  actor: Actor,
  input: AlertRuleInput,
  now = Date.now(),
): Promise<AlertRule> {
  const rule = parseAlertRuleInput(input);
  return db.transaction(async (tx) => {
    const { AlertRules } = tx.tables;
    const [taken] = await tx.orm
      .select({ id: AlertRules.id })
      .from(AlertRules)
      .where(eq(AlertRules.name, rule.name));
    if (taken !== undefined)
      throw new CatalogError('ALREADY_EXISTS', `an alert rule named '${rule.name}' already exists`);
    const [row] = await tx.orm
      .insert(AlertRules)
      .values({ id: randomUUID(), ...rule, createdBy: actor.principalId, createdAt: now, updatedAt: now })
      .returning();
    await recordEvent(
      tx,
      actor,
      { action: 'alert_rule.create', targetType: 'alert_rule', target: row!.id, details: audited(rule) },
      now,
    );
    return toRule(row!);
  });
}

/**
 * Replaces rule `id`'s settings with `input` (its delivery status stays). Audited as `alert_rule.update` with
 * the settings before and after. Throws `CatalogError` `NOT_FOUND`, `INVALID_ALERT_RULE` or `ALREADY_EXISTS`.
 */
export async function updateAlertRule(
  db: CatalogDb,
  actor: Actor,
  id: string,
  input: AlertRuleInput,
  now = Date.now(),
): Promise<AlertRule> {
  const rule = parseAlertRuleInput(input);
  return db.transaction(async (tx) => {
    const { AlertRules } = tx.tables;
    const before = toRule(await requireRule(tx, id));
    const [taken] = await tx.orm
      .select({ id: AlertRules.id })
      .from(AlertRules)
      .where(eq(AlertRules.name, rule.name));
    if (taken !== undefined && taken.id !== id) {
      throw new CatalogError('ALREADY_EXISTS', `an alert rule named '${rule.name}' already exists`);
    }
    const [row] = await tx.orm
      .update(AlertRules)
      .set({ ...rule, updatedAt: now })
      .where(eq(AlertRules.id, id))
      .returning();
    await recordEvent(
      tx,
      actor,
      {
        action: 'alert_rule.update',
        targetType: 'alert_rule',
        target: id,
        details: { from: audited(before), to: audited(rule) },
      },
      now,
    );
    return toRule(row!);
  });
}

/** Deletes rule `id` (its history stays). Audited as `alert_rule.delete`. Throws `CatalogError('NOT_FOUND')`. */
export function deleteAlertRule(
  db: CatalogDb,
  actor: Actor,
  id: string,
  now = Date.now(),
): Promise<AlertRule> {
  return db.transaction(async (tx) => {
    const rule = toRule(await requireRule(tx, id));
    await tx.orm.delete(tx.tables.AlertRules).where(eq(tx.tables.AlertRules.id, id));
    await recordEvent(
      tx,
      actor,
      { action: 'alert_rule.delete', targetType: 'alert_rule', target: id, details: audited(rule) },
      now,
    );
    return rule;
  });
}

/** Every alert rule, by name. */
export function listAlertRules(db: CatalogDb): Promise<AlertRule[]> {
  return db.run(async ({ orm, tables: { AlertRules } }) =>
    (await orm.select().from(AlertRules).orderBy(asc(AlertRules.name), asc(AlertRules.id))).map(toRule),
  );
}

/** Rule `id`. Throws `CatalogError('NOT_FOUND')`. */
export function getAlertRule(db: CatalogDb, id: string): Promise<AlertRule> {
  return db.run(async (q) => toRule(await requireRule(q, id)));
}

/**
 * Stores the outcome of a webhook attempt for rule `id` at `at`: `error` null is a delivery. A rule deleted
 * meanwhile is ignored. Not audited (the console's own work, not a change).
 */
export function recordAlertDelivery(
  db: CatalogDb,
  id: string,
  outcome: { at: number; error: string | null },
): Promise<void> {
  return db.run(async ({ orm, tables: { AlertRules } }) => {
    await orm
      .update(AlertRules)
      .set({
        deliveryAttemptAt: outcome.at,
        deliveryError: outcome.error,
        ...(outcome.error === null ? { deliveredAt: outcome.at } : {}),
      })
      .where(eq(AlertRules.id, id));
  });
}

/** Stores a transition and prunes those beyond the newest `keep` (default `ALERT_EVENTS_KEPT`). Returns its id. */
export function recordAlertEvent(
  db: CatalogDb,
  event: AlertEventInput,
  keep = ALERT_EVENTS_KEPT,
): Promise<number> {
  return db.transaction(async ({ orm, tables: { AlertEvents } }) => {
    const [row] = await orm
      .insert(AlertEvents)
      .values({ ...event, value: String(event.value) })
      .returning({ id: AlertEvents.id });
    const id = row!.id;
    await orm.delete(AlertEvents).where(lt(AlertEvents.id, id - keep + 1));
    return id;
  });
}

/** Transitions, newest first: at most `limit` (default 100), of rule `ruleId` when given. */
export function listAlertEvents(
  db: CatalogDb,
  filter: { ruleId?: string; limit?: number } = {},
): Promise<AlertEvent[]> {
  return db.run(async ({ orm, tables: { AlertEvents } }) => {
    const conditions: SQL[] = [];
    if (filter.ruleId !== undefined) conditions.push(eq(AlertEvents.ruleId, filter.ruleId));
    const rows = await orm
      .select()
      .from(AlertEvents)
      .where(and(...conditions))
      .orderBy(desc(AlertEvents.id))
      .limit(filter.limit ?? 100);
    return rows.map((r) => ({
      id: r.id,
      ruleId: r.ruleId,
      ruleName: r.ruleName,
      kind: r.kind as AlertKind,
      state: r.state,
      subject: r.subject,
      value: Number(r.value),
      threshold: r.threshold,
      since: r.since,
      at: r.at,
    }));
  });
}

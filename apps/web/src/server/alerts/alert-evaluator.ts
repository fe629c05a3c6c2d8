import type { AlertEventInput, AlertKind, AlertRule, CatalogDb } from '@lakestream/catalog';
import { describeCondition, isBreached, listAlertRules, recordAlertEvent } from '../catalog';
import type { AlertFigures } from './alert-figures';
import type { WebhookJob } from './webhook-delivery';

/** Where a rule stands: `ok`, `pending` (the condition holds, not yet for its `for`), or `firing`. */
export type AlertCondition = 'ok' | 'pending' | 'firing';

/** A rule's state after the last evaluation. */
export interface AlertState {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly condition: AlertCondition;
  /** When the condition started holding (pending, firing); null when ok. */
  readonly holdingSince: number | null;
  /** When it started firing; null unless firing. */
  readonly firingSince: number | null;
  /** The value evaluated (the worst of the rule's subjects), in the kind's unit; null: nothing to measure. */
  readonly value: number | null;
  /** The table, node or credential the value is of. */
  readonly subject: string | null;
  readonly evaluatedAt: number;
}

/** The JSON body POSTed to a rule's webhook on each transition. */
export interface AlertWebhookBody {
  readonly rule: {
    readonly id: string;
    readonly name: string;
    readonly kind: AlertKind;
    readonly target: string | null;
    readonly forSeconds: number;
    /** The condition in words (`publish lag of main.sales.orders above 30 s`). */
    readonly condition: string;
  };
  readonly state: 'firing' | 'resolved';
  readonly value: number;
  readonly threshold: number;
  readonly subject: string | null;
  /** Firing: when the condition started holding; resolved: when the alert started firing (ms since the epoch). */
  readonly since: number;
  /** When this transition happened. */
  readonly at: number;
  /** The console's Alerts page. */
  readonly consoleUrl: string;
}

/** The alert evaluator of the console's server. */
export interface AlertEvaluator extends AsyncDisposable {
  readonly intervalMs: number;
  /** Evaluates every rule once now (the timer's step; tests). Never throws: a failed round is logged. */
  evaluate(): Promise<void>;
  /** Every rule's state after the last evaluation, by rule name. */
  states(): AlertState[];
  /** Evaluates every `intervalMs` until closed (the timer does not keep the process alive). */
  start(): void;
  /** Stops the timer and waits for an evaluation under way. */
  close(): Promise<void>;
}

/** What `createAlertEvaluator` needs. */
export interface AlertEvaluatorOptions {
  readonly db: CatalogDb;
  readonly figures: AlertFigures;
  readonly intervalMs: number;
  /** The Alerts page's URL, sent in webhooks. */
  readonly consoleUrl: string;
  /** Sends a webhook (the delivery queue's `enqueue`). */
  readonly deliver: (job: WebhookJob) => void;
  /** The clock (tests move it by hand). Default `Date.now`. */
  readonly now?: () => number;
  readonly log?: (message: string, details: Record<string, unknown>) => void;
}

/** A rule's worst value now, and what it is of; null when the rule has nothing to measure. */
interface Measurement {
  readonly value: number;
  readonly subject: string | null;
}

const DAY_MS = 86_400_000;

/** The worst of `items` for `kind` (the largest value, or the smallest for credentials). */
function worst(kind: AlertKind, items: readonly Measurement[]): Measurement | null {
  let found: Measurement | null = null;
  for (const m of items) {
    const worse =
      kind === 'credential_expiring'
        ? m.value < (found?.value ?? Infinity)
        : m.value > (found?.value ?? -Infinity);
    if (worse) found = m;
  }
  return found;
}

/** The figures of one evaluation round, each read at most once, and only when a rule needs it. */
function roundFigures(figures: AlertFigures, now: number) {
  const once = <T>(read: () => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= read());
  };
  return {
    tables: once(() => figures.tables()),
    nodes: once(() => figures.nodes(now)),
    credentials: once(() => figures.credentials()),
  };
}

/** What rule `rule` measures now (the worst of its subjects). */
async function measure(
  rule: AlertRule,
  round: ReturnType<typeof roundFigures>,
  now: number,
): Promise<Measurement | null> {
  const target = rule.target;
  switch (rule.kind) {
    case 'publish_lag':
    case 'errors_per_sec': {
      const tables = (await round.tables()).filter((t) => target === null || t.table === target);
      return worst(
        rule.kind,
        tables.flatMap((t) => {
          const value =
            rule.kind === 'publish_lag'
              ? t.publishLagMs === null
                ? null
                : t.publishLagMs / 1000
              : t.errorsPerSec;
          return value === null ? [] : [{ value, subject: t.table }];
        }),
      );
    }
    case 'node_unreachable': {
      const nodes = (await round.nodes()).filter(
        (n) => target === null || n.node === target || n.address === target,
      );
      return worst(
        rule.kind,
        nodes.map((n) => ({ value: n.unreachableMs / 1000, subject: n.node })),
      );
    }
    case 'credential_expiring': {
      const credentials = (await round.credentials()).filter((c) => target === null || c.clientId === target);
      return worst(
        rule.kind,
        credentials.map((c) => ({ value: (c.expiresAt - now) / DAY_MS, subject: c.clientId })),
      );
    }
  }
}

/** A value as sent and shown: at most 3 decimals. */
const rounded = (value: number) => Math.round(value * 1000) / 1000;

/**
 * An evaluator of the catalog's alert rules against `figures`: every `intervalMs` it reads the rules and, for
 * each, the worst value of what it watches. A rule whose condition holds becomes `pending`, then `firing` once
 * the condition has held for its `forSeconds` (0: at once); it is `resolved` (back to `ok`) at the first round
 * the condition no longer holds; a pending rule whose condition stops holding goes back to `ok` silently. Each
 * firing and resolution is stored as an alert event and, when the rule has a webhook, delivered there. States
 * live in memory: after a console restart rules start `ok` again (a firing rule fires again, after its `for`).
 * Rounds never overlap.
 */
export function createAlertEvaluator(options: AlertEvaluatorOptions): AlertEvaluator {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const states = new Map<string, AlertState>();
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let closed = false;
  let queue = Promise.resolve();

  const transition = async (
    rule: AlertRule,
    state: 'firing' | 'resolved',
    m: Measurement,
    since: number,
    at: number,
  ) => {
    const event: AlertEventInput = {
      ruleId: rule.id,
      ruleName: rule.name,
      kind: rule.kind,
      state,
      subject: m.subject,
      value: rounded(m.value),
      threshold: rule.threshold,
      since,
      at,
    };
    await recordAlertEvent(options.db, event);
    if (rule.webhookUrl === null) return;
    const body: AlertWebhookBody = {
      rule: {
        id: rule.id,
        name: rule.name,
        kind: rule.kind,
        target: rule.target,
        forSeconds: rule.forSeconds,
        condition: describeCondition(rule),
      },
      state,
      value: event.value,
      threshold: rule.threshold,
      subject: m.subject,
      since,
      at,
      consoleUrl: options.consoleUrl,
    };
    options.deliver({ ruleId: rule.id, url: rule.webhookUrl, body });
  };

  const step = async (rule: AlertRule, m: Measurement | null, t: number): Promise<AlertState> => {
    const before = states.get(rule.id);
    const base = {
      ruleId: rule.id,
      ruleName: rule.name,
      value: m === null ? null : rounded(m.value),
      subject: m?.subject ?? null,
      evaluatedAt: t,
    };
    const holds = m !== null && isBreached(rule.kind, m.value, rule.threshold);
    if (!holds) {
      if (before?.condition === 'firing') {
        await transition(
          rule,
          'resolved',
          m ?? { value: before.value ?? 0, subject: before.subject },
          before.firingSince!,
          t,
        );
      }
      return { ...base, condition: 'ok', holdingSince: null, firingSince: null };
    }
    if (before?.condition === 'firing')
      return {
        ...base,
        condition: 'firing',
        holdingSince: before.holdingSince,
        firingSince: before.firingSince,
      };
    const holdingSince = before?.condition === 'pending' ? before.holdingSince! : t;
    if (t - holdingSince >= rule.forSeconds * 1000) {
      await transition(rule, 'firing', m, holdingSince, t);
      return { ...base, condition: 'firing', holdingSince, firingSince: t };
    }
    return { ...base, condition: 'pending', holdingSince, firingSince: null };
  };

  const evaluateOnce = async () => {
    if (closed) return;
    const t = now();
    const rules = await listAlertRules(options.db);
    const round = roundFigures(options.figures, t);
    const live = new Set(rules.map((r) => r.id));
    for (const id of [...states.keys()]) if (!live.has(id)) states.delete(id);
    for (const rule of rules) {
      try {
        states.set(rule.id, await step(rule, await measure(rule, round, t), t));
      } catch (error) {
        log('alert rule evaluation failed', { rule: rule.name, error: String(error) });
      }
    }
  };

  const evaluate = (): Promise<void> => {
    queue = queue
      .then(evaluateOnce)
      .catch((error: unknown) => log('alert evaluation failed', { error: String(error) }));
    return queue;
  };

  const loop = () => {
    void evaluate().finally(() => {
      if (closed) return;
      timer = setTimeout(loop, options.intervalMs);
      timer.unref();
    });
  };

  const evaluator: AlertEvaluator = {
    intervalMs: options.intervalMs,
    evaluate,
    states: () =>
      [...states.values()].sort((a, b) => (a.ruleName < b.ruleName ? -1 : a.ruleName > b.ruleName ? 1 : 0)),
    start() {
      if (started || closed) return;
      started = true;
      loop();
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      await queue;
    },
    [Symbol.asyncDispose]: () => evaluator.close(),
  };
  return evaluator;
}

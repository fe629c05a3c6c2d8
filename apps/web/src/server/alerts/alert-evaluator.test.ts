import type { OpenCatalog } from '@lakestream/catalog';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertRule, listAlertEvents, openCatalog, SYSTEM_ACTOR } from '../catalog';
import { type AlertEvaluator, type AlertWebhookBody, createAlertEvaluator } from './alert-evaluator';
import type { AlertFigures, CredentialFigure, NodeFigure, TableFigure } from './alert-figures';
import type { WebhookJob } from './webhook-delivery';

/** Figures set by hand, counting the reads of each kind. */
function handFigures() {
  const figures = {
    tables: [] as TableFigure[],
    nodes: [] as NodeFigure[],
    credentials: [] as CredentialFigure[],
    reads: { tables: 0, nodes: 0, credentials: 0 },
    failing: false,
  };
  const source: AlertFigures = {
    tables: async () => {
      figures.reads.tables++;
      if (figures.failing) throw new Error('sampler gone');
      return figures.tables;
    },
    nodes: async () => {
      figures.reads.nodes++;
      return figures.nodes;
    },
    credentials: async () => {
      figures.reads.credentials++;
      return figures.credentials;
    },
  };
  return { figures, source };
}

let catalog: OpenCatalog;
let clock: number;
let jobs: WebhookJob[];
let logged: string[];
let hand: ReturnType<typeof handFigures>;
let evaluator: AlertEvaluator;

beforeEach(async () => {
  catalog = await openCatalog({ url: ':memory:' });
  clock = 1_000_000;
  jobs = [];
  logged = [];
  hand = handFigures();
  evaluator = createAlertEvaluator({
    db: catalog.db,
    figures: hand.source,
    intervalMs: 5000,
    consoleUrl: 'http://console.example/alerts',
    deliver: (job) => jobs.push(job),
    now: () => clock,
    log: (message) => logged.push(message),
  });
});
afterEach(async () => {
  await evaluator.close();
  await catalog.close();
});

const table = (name: string, lagS: number | null, errorsPerSec = 0): TableFigure => ({
  table: name,
  publishLagMs: lagS === null ? null : lagS * 1000,
  errorsPerSec,
});

/** Moves the clock by `seconds` and evaluates once. */
async function at(seconds: number): Promise<void> {
  clock += seconds * 1000;
  await evaluator.evaluate();
}

const stateOf = (name: string) => evaluator.states().find((s) => s.ruleName === name);

describe('alert evaluator', () => {
  it('fires once the condition held for "for", stays firing without repeating, resolves when it stops', async () => {
    const rule = await createAlertRule(catalog.db, SYSTEM_ACTOR, {
      name: 'orders late',
      kind: 'publish_lag',
      target: 'main.sales.orders',
      threshold: 30,
      forSeconds: 10,
      webhookUrl: 'http://127.0.0.1:9/hook',
    });
    const start = clock;
    hand.figures.tables = [table('main.sales.orders', 40), table('main.other.t', 99)];
    await at(0);
    expect(stateOf('orders late')).toMatchObject({
      condition: 'pending',
      holdingSince: start,
      value: 40,
      subject: 'main.sales.orders',
    });
    await at(5);
    expect(stateOf('orders late')?.condition).toBe('pending');
    expect(jobs).toEqual([]);
    await at(5);
    expect(stateOf('orders late')).toMatchObject({
      condition: 'firing',
      holdingSince: start,
      firingSince: start + 10_000,
    });
    hand.figures.tables = [table('main.sales.orders', 50.1234)];
    await at(5);
    expect(stateOf('orders late')).toMatchObject({
      condition: 'firing',
      value: 50.123,
      firingSince: start + 10_000,
    });
    hand.figures.tables = [table('main.sales.orders', 2)];
    await at(5);
    expect(stateOf('orders late')).toMatchObject({ condition: 'ok', holdingSince: null, value: 2 });

    const bodies = jobs.map((j) => j.body as AlertWebhookBody);
    expect(jobs.map((j) => [j.ruleId, j.url])).toEqual([
      [rule.id, 'http://127.0.0.1:9/hook'],
      [rule.id, 'http://127.0.0.1:9/hook'],
    ]);
    expect(bodies[0]).toEqual({
      rule: {
        id: rule.id,
        name: 'orders late',
        kind: 'publish_lag',
        target: 'main.sales.orders',
        forSeconds: 10,
        condition: 'publish lag of main.sales.orders above 30 s',
      },
      state: 'firing',
      value: 40,
      threshold: 30,
      subject: 'main.sales.orders',
      since: start,
      at: start + 10_000,
      consoleUrl: 'http://console.example/alerts',
    });
    expect(bodies[1]).toMatchObject({
      state: 'resolved',
      value: 2,
      since: start + 10_000,
      at: start + 20_000,
    });
    const events = await listAlertEvents(catalog.db);
    expect(events.map((e) => [e.state, e.value, e.at])).toEqual([
      ['resolved', 2, start + 20_000],
      ['firing', 40, start + 10_000],
    ]);
  });

  it('a condition that stops before its "for" never fires (no flapping); "for" 0 fires at once', async () => {
    await createAlertRule(catalog.db, SYSTEM_ACTOR, {
      name: 'errors',
      kind: 'errors_per_sec',
      target: null,
      threshold: 0,
      forSeconds: 30,
      webhookUrl: null,
    });
    await createAlertRule(catalog.db, SYSTEM_ACTOR, {
      name: 'errors now',
      kind: 'errors_per_sec',
      target: null,
      threshold: 1,
      forSeconds: 0,
      webhookUrl: null,
    });
    for (const errors of [0.5, 0, 0.5, 0, 2]) {
      hand.figures.tables = [table('a.b.c', 0, 0), table('a.b.d', 0, errors)];
      await at(20);
    }
    expect(stateOf('errors')).toMatchObject({ condition: 'pending', value: 2, subject: 'a.b.d' });
    expect(stateOf('errors now')).toMatchObject({ condition: 'firing', value: 2 });
    expect((await listAlertEvents(catalog.db)).map((e) => [e.ruleName, e.state])).toEqual([
      ['errors now', 'firing'],
    ]);
    expect(jobs).toEqual([]); // no webhook on these rules
  });

  it('nodes by id or address, the soonest credential, and nothing to measure is not a breach', async () => {
    const rule = (
      name: string,
      kind: 'node_unreachable' | 'credential_expiring',
      target: string | null,
      threshold: number,
    ) =>
      createAlertRule(catalog.db, SYSTEM_ACTOR, {
        name,
        kind,
        target,
        threshold,
        forSeconds: 0,
        webhookUrl: null,
      });
    await rule('any node', 'node_unreachable', null, 10);
    await rule('node b', 'node_unreachable', '127.0.0.1:7002', 10);
    await rule('any credential', 'credential_expiring', null, 7);
    await rule('credential x', 'credential_expiring', 'lsc-x', 7);
    await at(0);
    expect(evaluator.states().map((s) => [s.ruleName, s.condition, s.value])).toEqual([
      ['any credential', 'ok', null],
      ['any node', 'ok', null],
      ['credential x', 'ok', null],
      ['node b', 'ok', null],
    ]);
    hand.figures.nodes = [
      { node: 'node-a', address: '127.0.0.1:7001', unreachableMs: 12_000 },
      { node: 'node-b', address: '127.0.0.1:7002', unreachableMs: 3_000 },
    ];
    hand.figures.credentials = [
      { clientId: 'lsc-x', expiresAt: clock + 8 * 86_400_000 },
      { clientId: 'lsc-y', expiresAt: clock - 86_400_000 },
    ];
    await at(0);
    expect(evaluator.states().map((s) => [s.ruleName, s.condition, s.value, s.subject])).toEqual([
      ['any credential', 'firing', -1, 'lsc-y'],
      ['any node', 'firing', 12, 'node-a'],
      ['credential x', 'ok', 8, 'lsc-x'],
      ['node b', 'ok', 3, 'node-b'],
    ]);
  });

  it('reads only the figures its rules need; a failed read is logged, the round goes on; deleted rules drop out', async () => {
    await at(0);
    expect(hand.figures.reads).toEqual({ tables: 0, nodes: 0, credentials: 0 });
    const lag = await createAlertRule(catalog.db, SYSTEM_ACTOR, {
      name: 'lag',
      kind: 'publish_lag',
      target: null,
      threshold: 1,
      forSeconds: 0,
      webhookUrl: null,
    });
    await createAlertRule(catalog.db, SYSTEM_ACTOR, { ...lag, name: 'lag 2', webhookUrl: null });
    await createAlertRule(catalog.db, SYSTEM_ACTOR, {
      ...lag,
      name: 'creds',
      kind: 'credential_expiring',
      webhookUrl: null,
    });
    hand.figures.failing = true;
    await at(1);
    expect(hand.figures.reads).toEqual({ tables: 1, nodes: 0, credentials: 1 });
    expect(logged).toEqual(['alert rule evaluation failed', 'alert rule evaluation failed']);
    expect(evaluator.states().map((s) => s.ruleName)).toEqual(['creds']);
    await catalog.db.run(async ({ orm, tables }) => orm.delete(tables.AlertRules));
    await at(1);
    expect(evaluator.states()).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isBreached } from './alert-kinds.js';
import {
  ALERT_EVENTS_KEPT,
  type AlertRuleInput,
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertEvents,
  listAlertRules,
  recordAlertDelivery,
  recordAlertEvent,
  updateAlertRule,
} from './alert-rules.js';
import { getCatalogVersion, listAuditLog, SYSTEM_ACTOR } from './audit.js';
import { isCatalogError } from './catalog-error.js';
import type { OpenCatalog } from './open-catalog.js';
import { openTestCatalog } from './test-support/test-catalog.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await openTestCatalog();
});
afterEach(() => catalog.close());

const actor = { principalId: 'admin-1', address: '192.0.2.1' };

const lag: AlertRuleInput = {
  name: 'Orders late',
  kind: 'publish_lag',
  target: ' Main.Sales.Orders ',
  threshold: 30,
  forSeconds: 60,
  webhookUrl: 'https://hooks.example.com/lakestream?token=abc',
};

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCatalogError(error)) throw new Error(`expected a CatalogError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('alert rules', () => {
  test('create, list, update and delete; each change audited without a new provisioning version', async () => {
    const { db } = catalog;
    const version = await getCatalogVersion(db);
    const rule = await createAlertRule(db, actor, lag, 1_000);
    expect(rule).toMatchObject({
      name: 'Orders late',
      target: 'main.sales.orders',
      threshold: 30,
      forSeconds: 60,
      createdBy: 'admin-1',
      createdAt: 1_000,
      delivery: { attemptAt: null, error: null, deliveredAt: null },
    });
    const any = await createAlertRule(db, actor, {
      ...lag,
      name: 'Any node down',
      kind: 'node_unreachable',
      target: '',
      webhookUrl: null,
    });
    expect(any.target).toBeNull();
    expect((await listAlertRules(db)).map((r) => r.name)).toEqual(['Any node down', 'Orders late']);

    const updated = await updateAlertRule(
      db,
      actor,
      rule.id,
      { ...lag, threshold: 5, webhookUrl: null },
      2_000,
    );
    expect(updated).toMatchObject({ threshold: 5, webhookUrl: null, createdAt: 1_000, updatedAt: 2_000 });
    expect(await getAlertRule(db, rule.id)).toEqual(updated);

    await deleteAlertRule(db, actor, any.id);
    expect((await listAlertRules(db)).map((r) => r.id)).toEqual([rule.id]);
    expect((await refusal(getAlertRule(db, any.id))).code).toBe('NOT_FOUND');

    const audit = await listAuditLog(db, { targetType: 'alert_rule' });
    expect(audit.map((a) => [a.action, a.target, a.actorId, a.fromAddress])).toEqual([
      ['alert_rule.delete', any.id, 'admin-1', '192.0.2.1'],
      ['alert_rule.update', rule.id, 'admin-1', '192.0.2.1'],
      ['alert_rule.create', any.id, 'admin-1', '192.0.2.1'],
      ['alert_rule.create', rule.id, 'admin-1', '192.0.2.1'],
    ]);
    expect(audit[1]!.details).toMatchObject({
      from: { threshold: 30 },
      to: { threshold: 5, webhookUrl: null },
    });
    expect(await getCatalogVersion(db)).toBe(version);
  });

  test('refusals name the problem: name taken, kind, threshold, duration, webhook URL', async () => {
    const { db } = catalog;
    await createAlertRule(db, SYSTEM_ACTOR, lag);
    expect(await refusal(createAlertRule(db, actor, { ...lag, target: null }))).toEqual({
      code: 'ALREADY_EXISTS',
      message: "an alert rule named 'Orders late' already exists",
    });
    const bad = async (change: Partial<AlertRuleInput>) =>
      refusal(createAlertRule(db, actor, { ...lag, name: 'other', ...change } as AlertRuleInput));
    expect(await bad({ name: '  ' })).toMatchObject({ code: 'INVALID_ALERT_RULE' });
    expect((await bad({ kind: 'disk_full' as never })).message).toContain("unknown alert kind 'disk_full'");
    expect((await bad({ threshold: 1.5 })).message).toContain('threshold must be a whole number');
    expect((await bad({ threshold: -1 })).code).toBe('INVALID_ALERT_RULE');
    expect((await bad({ forSeconds: 90_000 })).message).toContain("'for' must be a whole number of seconds");
    expect((await bad({ webhookUrl: 'ftp://example.com/x' })).message).toBe(
      'the webhook URL must start with http:// or https://, not ftp:',
    );
    expect((await bad({ webhookUrl: 'not a url' })).message).toBe("the webhook URL 'not a url' is not a URL");
    expect((await bad({ webhookUrl: 'https://user:pw@example.com/' })).message).toContain(
      'user name or password',
    );
    expect((await refusal(updateAlertRule(db, actor, 'nope', lag))).code).toBe('NOT_FOUND');
    expect((await refusal(deleteAlertRule(db, actor, 'nope'))).code).toBe('NOT_FOUND');
    expect(await listAlertRules(db)).toHaveLength(1);
  });

  test('the last webhook delivery is kept on the rule: an error, then a delivery', async () => {
    const { db } = catalog;
    const rule = await createAlertRule(db, actor, lag);
    await recordAlertDelivery(db, rule.id, { at: 5_000, error: 'HTTP 500 from hooks.example.com' });
    expect((await getAlertRule(db, rule.id)).delivery).toEqual({
      attemptAt: 5_000,
      error: 'HTTP 500 from hooks.example.com',
      deliveredAt: null,
    });
    await recordAlertDelivery(db, rule.id, { at: 6_000, error: null });
    expect((await getAlertRule(db, rule.id)).delivery).toEqual({
      attemptAt: 6_000,
      error: null,
      deliveredAt: 6_000,
    });
    await recordAlertDelivery(db, 'deleted-rule', { at: 7_000, error: null });
  });

  test('transitions are kept newest first, with fractional values, pruned beyond the newest kept', async () => {
    const { db } = catalog;
    const event = (at: number, state: 'firing' | 'resolved') => ({
      ruleId: 'r1',
      ruleName: 'Orders late',
      kind: 'errors_per_sec' as const,
      state,
      subject: 'main.sales.orders',
      value: 2.5,
      threshold: 1,
      since: at - 100,
      at,
    });
    await recordAlertEvent(db, event(1_000, 'firing'));
    await recordAlertEvent(db, event(2_000, 'resolved'));
    await recordAlertEvent(db, { ...event(3_000, 'firing'), ruleId: 'r2' });
    const events = await listAlertEvents(db);
    expect(events.map((e) => [e.ruleId, e.state, e.at, e.value])).toEqual([
      ['r2', 'firing', 3_000, 2.5],
      ['r1', 'resolved', 2_000, 2.5],
      ['r1', 'firing', 1_000, 2.5],
    ]);
    expect((await listAlertEvents(db, { ruleId: 'r1', limit: 1 })).map((e) => e.at)).toEqual([2_000]);
    await recordAlertEvent(db, { ...event(4_000, 'firing'), ruleId: 'r3' }, 2);
    expect((await listAlertEvents(db, { limit: 10 })).map((e) => e.at)).toEqual([4_000, 3_000]);
    expect(ALERT_EVENTS_KEPT).toBe(1000);
  });
});

describe('alert kinds', () => {
  test('each kind breaches on its side of the threshold', () => {
    expect([29, 30, 31].map((v) => isBreached('publish_lag', v, 30))).toEqual([false, false, true]);
    expect([0, 1].map((v) => isBreached('errors_per_sec', v, 0))).toEqual([false, true]);
    expect([9, 10].map((v) => isBreached('node_unreachable', v, 10))).toEqual([false, true]);
    expect([-1, 7, 8].map((v) => isBreached('credential_expiring', v, 7))).toEqual([true, true, false]);
  });
});

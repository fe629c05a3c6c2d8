import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';
import { startWebhookReceiver } from '../../../test/support/webhook-receiver';

let t: TestServices;
const as = (id: string | null) => callerAs(t.services, id).caller;

beforeEach(async () => {
  t = await openTestServices();
  await seedUsers(t.services);
});
afterEach(() => t.close());

const rule = {
  name: 'Producer secret expiring',
  kind: 'credential_expiring' as const,
  target: null,
  threshold: 7,
  forSeconds: 0,
  webhookUrl: null,
};

describe('alerts router', () => {
  it('admins create, update and delete rules; everyone signed in reads them with their state', async () => {
    const admin = as('admin');
    await using receiver = await startWebhookReceiver();
    const created = await admin.alerts.create({ ...rule, webhookUrl: `${receiver.url}/hook` });
    expect(created).toMatchObject({
      name: rule.name,
      webhookUrl: `${receiver.url}/hook`,
      createdBy: 'admin',
    });

    // A credential that expires tomorrow: the evaluator, reading the catalog, fires the rule.
    const sp = await admin.principals.createServicePrincipal({ name: 'orders-producer' });
    const secret = await admin.credentials.create({ principalId: sp.id, expiresAt: Date.now() + 86_400_000 });
    await t.services.alerts.evaluate();

    const viewer = as('viewer');
    const listed = await viewer.alerts.list();
    expect(listed.intervalMs).toBe(5000);
    expect(listed.rules).toHaveLength(1);
    expect(listed.rules[0]!.state).toMatchObject({ condition: 'firing', subject: secret.clientId });
    expect(listed.rules[0]!.state!.value).toBeGreaterThan(0.9);
    expect(listed.rules[0]!.state!.value).toBeLessThanOrEqual(1);
    expect((await viewer.alerts.firing()).map((s) => s.ruleName)).toEqual([rule.name]);
    expect((await viewer.alerts.history()).map((e) => [e.ruleName, e.state, e.subject])).toEqual([
      [rule.name, 'firing', secret.clientId],
    ]);
    await t.services.webhooks.idle();
    expect(receiver.received.map((w) => w.body)).toMatchObject([
      { state: 'firing', subject: secret.clientId },
    ]);
    expect((await viewer.alerts.list()).rules[0]!.delivery).toMatchObject({
      error: null,
      deliveredAt: expect.any(Number),
    });

    await admin.alerts.update({ ...rule, id: created.id, threshold: 0 });
    await t.services.alerts.evaluate();
    expect(await viewer.alerts.firing()).toEqual([]);
    expect((await viewer.alerts.history()).map((e) => e.state)).toEqual(['resolved', 'firing']);

    await admin.alerts.delete({ id: created.id });
    expect((await viewer.alerts.list()).rules).toEqual([]);
    const audit = await admin.audit.list({ targetType: 'alert_rule' });
    expect(audit.map((a) => a.action)).toEqual([
      'alert_rule.delete',
      'alert_rule.update',
      'alert_rule.create',
    ]);
  });

  it('refuses anonymous callers, and non-admins any change (recorded as auth.refused)', async () => {
    const { id } = await as('admin').alerts.create(rule);
    await expect(as(null).alerts.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(as(null).alerts.firing()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    for (const who of ['viewer', 'editor']) {
      await expect(as(who).alerts.create({ ...rule, name: `by ${who}` })).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: `'${who}@example.com' has the ${who} role; this needs admin`,
      });
      await expect(as(who).alerts.update({ ...rule, id, threshold: 1 })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(as(who).alerts.delete({ id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    const rules = (await as('viewer').alerts.list()).rules;
    expect(rules.map((r) => [r.name, r.threshold])).toEqual([[rule.name, 7]]);
    const refused = await as('admin').audit.list({ targetType: 'request' });
    expect(refused.filter((a) => a.target.startsWith('alerts.')).map((a) => a.target)).toHaveLength(6);
  });

  it('refuses a bad rule with the catalog words: a webhook that is not http(s), a taken name, an unknown id', async () => {
    const admin = as('admin');
    await expect(admin.alerts.create({ ...rule, webhookUrl: 'file:///etc/passwd' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'the webhook URL must start with http:// or https://, not file:',
    });
    await admin.alerts.create(rule);
    await expect(admin.alerts.create(rule)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(admin.alerts.delete({ id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      admin.alerts.create({ ...rule, name: 'lag', kind: 'publish_lag', threshold: -1 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

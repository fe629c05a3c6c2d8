import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminClient } from '@lakestream/ingest/admin';
import { loadZerobusSdk, type ZerobusSdkStream as SdkStream } from '@lakestream/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegisteringNode, startRegisteringNode } from '../support/registering-node';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { describeViolations, seriousViolations } from './accessibility';
import { launchChromium, SCREENSHOT_DIR, screenshot } from './browser';
import { type RunningProduct, startProduct } from './product';

const sdk = loadZerobusSdk();

/**
 * The data-platform engineer's journey in a real browser against the product as `npm start` runs it
 * (scripts/start.mjs: `next start` + an ingest node on one data directory): first-run setup, sign out and in,
 * create a table with the column editor, a service principal and its secret, grants, ingestion with the
 * official Zerobus SDK through OAuth (client id and secret → the console's /oidc/v1/token), the throughput
 * chart moving, the rows in the table's preview, then the credential revoked and ingestion refused. Beside
 * the product's node, a second ingest node registers by heartbeat (`--control-plane-url`): the Nodes page
 * shows its panel (load chart) and the admin drains it.
 * Each page's screenshot is saved under apps/web/test-artifacts/e2e/; each page is checked once with axe-core
 * (no serious or critical violation), and the pages that validate as one types log no error in the console.
 */

const TABLE = 'main.sales.orders';
const ADMIN = { email: 'admin@example.com', password: 'correct-horse-battery' };
/** The admin's password after the journey changes it on the account page. */
const NEW_ADMIN_PASSWORD = 'staple-battery-horse-correct';

/** The node that joins by heartbeat, with the admin secret the registered nodes share. */
const JOINED = { nodeId: 'joined-node', secret: 'e2e-registered-nodes-secret-0123456789' };

let product: RunningProduct;
let joinedDir: string;
let joined: RegisteringNode | undefined;
let browser: Browser;
let page: Page;
let shots = 0;
/** The paths axe-core has checked, and what it found there (serious or critical only). */
const checkedPaths = new Set<string>();
const accessibilityFindings: string[] = [];
/** What the browser logged as errors (failed requests included) since the last `consoleErrors.length = 0`. */
const consoleErrors: string[] = [];

/**
 * Saves the current page as the next numbered screenshot; the first time on a path, checks it with axe-core
 * (collected, and asserted at the end, so that one run lists every page's findings).
 */
async function shoot(name: string): Promise<void> {
  shots += 1;
  await screenshot(page, shots, name);
  const path = new URL(page.url()).pathname;
  if (checkedPaths.has(path)) return;
  checkedPaths.add(path);
  const violations = await seriousViolations(page);
  if (violations.length > 0) accessibilityFindings.push(`${path}:\n${describeViolations(violations)}`);
}

/** Follows a header link, then waits for the page's heading-level content to settle. */
async function navigate(link: string, path: string): Promise<void> {
  await page.getByRole('link', { name: link, exact: true }).first().click();
  await page.waitForURL((url) => url.pathname === path);
}

/**
 * Pushes JSON records on one SDK stream until `stop` is called: `batch` records every `everyMs`, so the
 * console's per-second rates see a steady flow. Resolves with the last offset once the stream is closed.
 */
function produce(stream: SdkStream, batch = 25, everyMs = 100): { stop(): Promise<bigint> } {
  let running = true;
  let sent = 0;
  const done = (async () => {
    let last = -1n;
    while (running) {
      for (let i = 0; i < batch; i++, sent++) {
        last = await stream.ingestRecordOffset(JSON.stringify({ id: sent, item: `tea ${sent}` }));
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await stream.waitForOffset(last);
    await stream.close();
    return last;
  })();
  return {
    stop: () => {
      running = false;
      return done;
    },
  };
}

beforeAll(async () => {
  joinedDir = mkdtempSync(join(tmpdir(), 'lakestream-e2e-joined-'));
  const secretFile = join(joinedDir, 'nodes-secret');
  writeFileSync(secretFile, JOINED.secret, { mode: 0o600 });
  product = await startProduct({ env: { LAKESTREAM_NODE_SECRET_FILE: secretFile } });
  joined = await startRegisteringNode({
    nodeId: JOINED.nodeId,
    dataDir: join(joinedDir, 'data'),
    secretFile,
    controlPlaneUrl: product.consoleUrl,
    beatMs: 500,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${new URL(page.url()).pathname}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${new URL(page.url()).pathname}: ${error.message}`));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await joined?.kill();
  rmSync(joinedDir, { recursive: true, force: true });
  if (product === undefined) return;
  // The launcher drains the node and exits 0 on SIGTERM; anything else is a failure worth seeing.
  expect(await product.stop()).toBe(0);
}, 60_000);

describe(`the console journey (screenshots in ${SCREENSHOT_DIR})`, () => {
  it('sets up, creates a table and a producer, ingests with the official SDK, shows it live, then revokes', async () => {
    // First start: no admin yet, so every console page leads to /setup.
    await page.goto(`${product.consoleUrl}/tables`);
    await page.waitForURL((url) => url.pathname === '/setup');
    await page.getByLabel('Admin email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await shoot('setup');
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.waitForURL((url) => url.pathname === '/tables');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain(ADMIN.email);
    await expect.poll(() => page.getByRole('link', { name: 'Create your first table' }).count()).toBe(1);
    await shoot('tables-empty');

    // Sign out, then sign in with the same account.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('error-message').textContent()).toMatch(/password/i);
    await page.getByLabel('Password').fill(ADMIN.password);
    await shoot('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/tables');

    // The account page (the user's name in the header): change the password, sign out, sign in with it.
    await page.getByTestId('signed-in-user').click();
    await page.waitForURL((url) => url.pathname === '/account');
    await page.getByLabel('Current password').fill(ADMIN.password);
    await page.getByLabel('New password', { exact: true }).fill(NEW_ADMIN_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/^Password changed\./).waitFor();
    await shoot('account-password-changed');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('error-message').textContent()).toMatch(/password/i);
    await page.getByLabel('Password').fill(NEW_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/tables');

    // The first Tab of a page reaches "Skip to content", which moves focus past the header to the page.
    await page.goto(`${product.consoleUrl}/tables`);
    await page.getByRole('link', { name: 'Create your first table' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('MAIN');

    // A table, with the column editor; the catalog and schema are created on the way.
    await page.getByRole('link', { name: 'Create your first table' }).click();
    await page.waitForURL((url) => url.pathname === '/tables/new');
    consoleErrors.length = 0;
    // A name the catalog refuses is said once, under the names, and is not offered for creation; once
    // fixed, the refusal goes.
    const sayingBadName = async () =>
      (await page.getByTestId('error-message').allTextContents()).filter((text) => text.includes("'1main'"));
    await page.getByLabel('Catalog').fill('1main');
    await expect
      .poll(sayingBadName)
      .toEqual([expect.stringContaining("catalog name '1main' must start with a letter")]);
    expect(await page.getByRole('button', { name: 'Create catalog' }).count()).toBe(0);
    await page.getByLabel('Catalog').fill('main');
    await expect.poll(() => page.getByRole('button', { name: 'Create catalog' }).count()).toBe(1);
    expect(await sayingBadName()).toEqual([]);
    await page.getByLabel('Schema').fill('sales');
    await page.getByLabel('Table name').fill('orders');
    if ((await page.getByTestId('column-row').count()) === 0) {
      await page.getByRole('button', { name: 'Add column' }).click();
    }
    await page.getByLabel('Column 1 name').fill('id');
    await page.getByLabel('Column 1 type').selectOption('long');
    await page.getByLabel('Column 1 nullable').uncheck();
    await page.getByRole('button', { name: 'Add column' }).click();
    await page.getByLabel('Column 2 name').fill('item');
    await page.getByLabel('Column 2 type').selectOption('string');
    // A bad name is refused in words by the live preview, naming the column.
    await page.getByLabel('Column 2 name').fill('item name');
    await expect.poll(() => page.getByTestId('schema-preview-status').textContent()).toMatch(/item name/);
    await page.getByLabel('Column 2 name').fill('item');
    await expect
      .poll(() => page.getByTestId('schema-preview-status').textContent())
      .toContain('The catalog accepts these columns.');
    await expect.poll(() => page.getByText('optional string item').count()).toBeGreaterThan(0);
    // The column checks answered in words without a failed request: nothing red in the console.
    expect(consoleErrors).toEqual([]);
    await shoot('create-table');
    await page.getByRole('button', { name: 'Create table' }).click();
    await page.waitForURL((url) => url.pathname === `/tables/${TABLE}`);
    await expect.poll(() => page.getByTestId('schema-tree').textContent()).toContain('item');
    {
      // The snippet tabs follow the WAI-ARIA tabs pattern: one tab stop, arrows and Home/End move along.
      const tabs = page.getByRole('tablist', { name: 'SDK snippets' }).getByRole('tab');
      const selectedFocused = () =>
        page.evaluate(() => {
          const focused = document.activeElement;
          return focused?.getAttribute('aria-selected') === 'true' ? focused.textContent : null;
        });
      await tabs.first().focus();
      expect(await tabs.evaluateAll((all) => all.map((t) => t.getAttribute('tabindex')))).toEqual([
        '0',
        '-1',
        '-1',
      ]);
      await page.keyboard.press('ArrowRight');
      await expect.poll(selectedFocused).toBe('Python');
      await page.keyboard.press('End');
      await expect.poll(selectedFocused).toBe('Rust');
      await page.keyboard.press('ArrowRight');
      await expect.poll(selectedFocused).toBe('TypeScript');
      await page.keyboard.press('ArrowLeft');
      await expect.poll(selectedFocused).toBe('Rust');
      await page.keyboard.press('Home');
      await expect.poll(selectedFocused).toBe('TypeScript');
    }

    // A service principal and its secret, shown once.
    await navigate('Principals & credentials', '/principals');
    await page.getByLabel('Service principal name').fill('orders-producer');
    await page.getByRole('button', { name: 'Create service principal' }).click();
    await expect
      .poll(() => page.getByTestId('service-principals-table').textContent())
      .toContain('orders-producer');
    await page.getByRole('button', { name: 'Create secret' }).click();
    const clientId = (await page.getByTestId('client-id').textContent())?.trim() ?? '';
    const clientSecret = (await page.getByTestId('secret-value').textContent())?.trim() ?? '';
    expect(clientId).not.toBe('');
    expect(clientSecret.length).toBeGreaterThanOrEqual(32);
    await shoot('principals-secret-once');
    await page.getByRole('button', { name: 'Done, I copied it' }).click();
    await expect.poll(() => page.getByTestId('secret-value').count()).toBe(0);
    await expect.poll(() => page.getByTestId('credentials-table').textContent()).toContain(clientId);
    expect(await page.content()).not.toContain(clientSecret);

    // Grants: what the SDK asks for when it fetches its token (USE CATALOG, USE SCHEMA, SELECT, MODIFY);
    // SELECT is left out here and granted by the verdict's "Grant producer access" below.
    await navigate('Grants', '/grants');
    consoleErrors.length = 0;
    for (const [type, name, privilege] of [
      ['catalog', 'main', 'USE_CATALOG'],
      ['schema', 'main.sales', 'USE_SCHEMA'],
      ['table', TABLE, 'MODIFY'],
    ] as const) {
      await page.getByLabel('Principal', { exact: true }).selectOption({ label: 'orders-producer' });
      await page.getByLabel('Securable type').selectOption(type);
      await page.getByLabel('Securable', { exact: true }).fill(name);
      await page.getByLabel('Privilege').selectOption(privilege);
      await page.getByRole('button', { name: 'Grant', exact: true }).click();
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Granted');
      await expect.poll(() => page.getByTestId('grants-table').textContent()).toContain(privilege);
    }
    await page.getByLabel('Principal to check').selectOption({ label: 'orders-producer' });
    await page.getByLabel('Type to check').selectOption('table');
    await page.getByLabel('Securable to check').fill(TABLE);
    {
      // Producer access (issue 13): without SELECT the SDK's token request is refused, and the verdict says
      // so, naming the missing privilege; its "Grant producer access" button grants what is missing.
      const verdict = page.getByTestId('stream-verdict');
      await expect.poll(() => verdict.textContent()).toContain('May not stream to this table.');
      await expect.poll(() => verdict.textContent()).toContain(`SELECT on table '${TABLE}'`);
      await shoot('grants-may-not-stream');
      await verdict.getByRole('button', { name: 'Grant producer access' }).click();
      await expect.poll(() => verdict.textContent()).toContain('May stream to this table.');
      await expect.poll(() => page.getByTestId('grants-table').textContent()).toContain('SELECT');
    }
    await expect
      .poll(() => page.getByTestId('effective-permissions').textContent())
      .toContain('May stream to this table.');
    // The checks as one types asked without a failed request: nothing red in the console.
    expect(consoleErrors).toEqual([]);
    await shoot('grants');

    // The node has the catalog: the console pushes each change; the Nodes page shows the versions.
    await navigate('Nodes', '/nodes');
    await expect
      .poll(() => page.getByTestId('nodes-table').textContent(), { timeout: 20_000 })
      .toMatch(/reachable|up to date|✓/i);
    // Issue 15: the node that joined by heartbeat has its own panel, with its load over the last hour.
    const joinedRow = page.getByTestId('registered-nodes-table').locator('tr', { hasText: JOINED.nodeId });
    await expect.poll(() => joinedRow.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => joinedRow.textContent()).toContain('reachable');
    await expect
      .poll(() => page.locator(`[data-testid="node-load-${JOINED.nodeId}"] canvas`).count())
      .toBeGreaterThan(0);
    await shoot('nodes');

    // The admin drains it, confirming first: it refuses new streams, and reports drained (no stream, nothing
    // left to publish) in its next beats.
    {
      // The click waits on the confirmation, so it is answered from the listener.
      let asked = '';
      page.once('dialog', (dialog) => {
        asked = dialog.message();
        void dialog.accept();
      });
      await joinedRow.getByRole('button', { name: 'Drain' }).click();
      await expect.poll(() => asked).toContain(`Drain ${JOINED.nodeId}?`);
      await expect.poll(() => joinedRow.textContent(), { timeout: 30_000 }).toContain('drained');
      await expect.poll(() => joinedRow.getByRole('button', { name: 'Drain' }).isDisabled()).toBe(true);
      const admin = createAdminClient(`127.0.0.1:${joined!.adminPort}`, JOINED.secret);
      try {
        expect(await admin.getStatus()).toMatchObject({ draining: true, drained: true });
      } finally {
        admin.close();
      }
      await shoot('nodes-drained');
    }

    // The official SDK gets a token from the console with the client id and secret, and streams.
    const client = new sdk.ZerobusSdk(product.ingestEndpoint, product.consoleUrl);
    const stream = await client.createStream({ tableName: TABLE }, clientId, clientSecret, {
      recordType: sdk.RecordType.Json,
    });
    const producer = produce(stream);
    let lastOffset = -1n;
    try {
      await navigate('Streams', '/streams');
      await expect
        .poll(async () => Number(await page.getByTestId('current-records-per-sec').textContent()), {
          timeout: 30_000,
          interval: 500,
        })
        .toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('live-tables').textContent()).toContain(TABLE);
      await expect.poll(() => page.getByTestId('streams-table').textContent()).toContain(TABLE);
      await expect
        .poll(() => page.getByTestId('acked-offset-hint').textContent())
        .toContain('counts requests');
      await expect
        .poll(() => page.locator('[data-testid="throughput-chart"] canvas').count())
        .toBeGreaterThan(0);
      await shoot('streams-live');
      await page.getByRole('button', { name: 'Switch to dark mode' }).click();
      await expect
        .poll(() => page.evaluate(() => document.documentElement.classList.contains('dark')))
        .toBe(true);
      await shoot('streams-live-dark');
      await page.getByRole('button', { name: 'Switch to light mode' }).click();
    } finally {
      lastOffset = await producer.stop();
    }
    expect(lastOffset).toBeGreaterThan(0n);

    // The rows reach the Delta table: the table page's preview (newest first) and history show them. Record
    // n has offset n on this one stream, so the last acked offset names the newest row.
    await page.goto(`${product.consoleUrl}/tables/${encodeURIComponent(TABLE)}`);
    await expect
      .poll(
        async () => {
          await page.reload();
          await page
            .getByTestId('preview-table')
            .waitFor({ timeout: 5_000 })
            .catch(() => undefined);
          return (
            (await page
              .getByTestId('preview-table')
              .textContent()
              .catch(() => '')) ?? ''
          );
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toContain(`tea ${lastOffset}`);
    await expect
      .poll(() => page.getByTestId('history-table').textContent())
      .toMatch(/WRITE|STREAMING UPDATE|APPEND/i);
    await shoot('table-detail');

    // Issue 13, stream history (own block): a stream that sends a record that is not an order fails with
    // INVALID_ARGUMENT; the Streams page lists it among the ended streams with its status and reason.
    {
      const failing = await client.createStream({ tableName: TABLE }, clientId, clientSecret, {
        recordType: sdk.RecordType.Json,
      });
      const failure = (async () => {
        const offset = await failing.ingestRecordOffset(JSON.stringify({ id: 'not a number', item: 'tea' }));
        await failing.waitForOffset(offset);
      })();
      await expect(failure).rejects.toThrow();
      await failing.close().catch(() => undefined);
      await navigate('Streams', '/streams');
      await page.getByLabel('Filter ended streams by outcome').selectOption('failed');
      const failedRow = page
        .locator('[data-testid="ended-streams"] tr[data-status="INVALID_ARGUMENT"]')
        .first();
      await failedRow.waitFor({ timeout: 30_000 });
      const text = (await failedRow.textContent()) ?? '';
      expect(text).toContain(TABLE);
      expect(text).toMatch(/offset 0/);
      await shoot('streams-ended-failed');
    }

    // Revoke the credential: the SDK can no longer get a token, so ingestion is refused.
    await navigate('Principals & credentials', '/principals');
    await page.getByRole('button', { name: 'orders-producer' }).first().click();
    await page.getByRole('button', { name: 'Revoke', exact: true }).first().click();
    await page.getByRole('button', { name: 'Revoke credential' }).click();
    await expect.poll(() => page.getByTestId('credentials-table').textContent()).toMatch(/revoked/i);
    await shoot('principals-revoked');
    await expect(
      client.createStream({ tableName: TABLE }, clientId, clientSecret, { recordType: sdk.RecordType.Json }),
    ).rejects.toThrow();

    // Revoke a grant through its confirmation, which names the principal, the privilege and the table.
    await navigate('Grants', '/grants');
    const selectRow = page
      .getByTestId('grants-table')
      .getByRole('row')
      .filter({ hasText: 'orders-producer' })
      .filter({ hasText: 'SELECT' });
    await selectRow.getByRole('button', { name: 'Revoke' }).click();
    const confirmation = page.getByRole('dialog', { name: 'Revoke this grant?' });
    await expect
      .poll(() => confirmation.getByTestId('revoke-summary').textContent())
      .toBe(`orders-producer loses SELECT on table ${TABLE}.`);
    await shoot('grants-revoke-confirm');
    // The dialog is checked by axe-core too (the page was checked without it).
    const dialogViolations = await seriousViolations(page);
    if (dialogViolations.length > 0) {
      accessibilityFindings.push(`/grants (revoke dialog):\n${describeViolations(dialogViolations)}`);
    }
    await confirmation.getByRole('button', { name: 'Revoke SELECT' }).click();
    await expect.poll(() => confirmation.isVisible()).toBe(false);
    await expect.poll(() => selectRow.count()).toBe(0);
    await shoot('grants-revoked');

    // The audit log has every change, the revocations last.
    await navigate('Audit', '/audit');
    await expect.poll(() => page.getByTestId('audit-table').textContent()).toMatch(/revoke/i);
    // At 1366 px the audit table fits its panel: no sideways scrolling.
    expect(
      await page
        .getByTestId('audit-table')
        .evaluate((table) => table.scrollWidth - (table.parentElement?.clientWidth ?? 0)),
    ).toBeLessThanOrEqual(0);
    await shoot('audit');

    // At 390 px the sections are behind a menu button, not a scrolling strip.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.getByRole('navigation', { name: 'Console', exact: true }).isVisible())
      .toBe(false);
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await menu.click();
    const opened = page.getByRole('navigation', { name: 'Console menu' });
    await expect.poll(() => opened.getByRole('link').allTextContents()).toContain('Streams');
    // Nothing is wider than the screen (the header included).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shoot('menu-390');
    await opened.getByRole('link', { name: 'Tables', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/tables');
    await expect.poll(() => opened.isVisible()).toBe(false);
    await page.setViewportSize({ width: 1366, height: 900 });

    // axe-core, once on every page visited: no serious or critical violation.
    expect(accessibilityFindings.join('\n\n')).toBe('');
    expect([...checkedPaths]).toContain('/audit');
  }, 300_000);

  it('browses the table records: filter, time travel to an older version, a row as JSON, a CSV export', async () => {
    const recordsPath = `/tables/${encodeURIComponent(TABLE)}/records`;
    await page.goto(`${product.consoleUrl}/tables/${encodeURIComponent(TABLE)}`);
    await page.getByRole('link', { name: 'Browse records' }).click();
    await page.waitForURL((url) => url.pathname === recordsPath);
    const stats = page.getByTestId('records-stats');
    await expect.poll(() => stats.textContent()).toMatch(/^Version \d+ of \d+/);
    const [, shown, newest] = /^Version (\d+) of (\d+)/.exec((await stats.textContent()) ?? '') ?? [];
    expect(shown).toBe(newest);
    const latest = Number(newest);
    const rowsAt = async () =>
      Number(/· ([\d,]+) rows in/.exec((await stats.textContent()) ?? '')?.[1]?.replaceAll(',', ''));
    const latestRows = await rowsAt();
    expect(latestRows).toBeGreaterThan(0);
    await shoot('records');

    // Filter by id: the files whose statistics exclude id 7 are not read.
    await page.getByLabel('Filter column').selectOption('id');
    await page.getByLabel('Filter operator').selectOption('eq');
    await page.getByLabel('Filter value').fill('7');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByRole('button', { name: 'Show rows' }).click();
    const table = page.getByTestId('records-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.textContent()).toContain('tea 7');
    const [, read, total] = /read (\d+) of (\d+) files/.exec((await stats.textContent()) ?? '') ?? [];
    expect(Number(read)).toBe(1);
    if (Number(total) > 1)
      expect(await stats.textContent()).toContain(`(${Number(total) - 1} skipped by statistics)`);
    await shoot('records-filtered');

    // The row as JSON.
    await page.getByRole('button', { name: 'Open row 1', exact: true }).click();
    const rowJson = JSON.parse((await page.getByTestId('row-json').textContent()) ?? '{}');
    expect(rowJson).toEqual({ id: '7', item: 'tea 7' });
    await shoot('records-row-json');
    await page.getByRole('button', { name: 'Close' }).click();

    // Time travel: the version before the newest holds fewer rows.
    await page.getByRole('button', { name: 'Remove filter id = 7' }).click();
    const older = latest - 1;
    await page.getByLabel('Version', { exact: true }).fill(String(older));
    await page.getByRole('button', { name: 'Show rows' }).click();
    await expect.poll(() => stats.textContent()).toMatch(new RegExp(`^Version ${older} of ${latest} `));
    const olderRows = await rowsAt();
    expect(olderRows).toBeLessThan(latestRows);
    await shoot('records-time-travel');

    // Export what is shown as CSV: the download is that version's rows, each once.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${TABLE}-v${older}.csv`);
    const csv = readFileSync((await file.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toBe('id,item');
    const ids = csv.slice(1).map((line) => line.split(',')[0]);
    expect(ids).toHaveLength(olderRows);
    expect(new Set(ids).size).toBe(olderRows);
    expect(csv).toContain('7,tea 7');
    await expect
      .poll(() => page.getByTestId('export-progress').textContent())
      .toContain(`Exported ${olderRows.toLocaleString('en-US')} rows`);
    await shoot('records-exported');
    expect(accessibilityFindings.join('\n\n')).toBe('');
  }, 120_000);

  it('sends a test record from the table page: acked and shown in the table, then a bad value refused by field', async () => {
    const tablePath = `/tables/${encodeURIComponent(TABLE)}`;
    // The admin holds no grant on the table: the test-record panel says so, in a sentence, and sends nothing.
    await page.goto(`${product.consoleUrl}${tablePath}`);
    const panel = page.getByRole('form', { name: 'Test record' });
    await expect
      .poll(() => panel.getByTestId('test-record-access').textContent())
      .toContain('You may not send records to this table');
    expect(await panel.getByRole('button', { name: 'Send test record' }).isDisabled()).toBe(true);

    // An editor (the admin is one) grants the admin producer access through the grants page's verdict.
    await page.goto(`${product.consoleUrl}/grants?type=table&name=${encodeURIComponent(TABLE)}`);
    await page.getByLabel('Principal to check').selectOption({ label: ADMIN.email });
    const verdict = page.getByTestId('stream-verdict');
    await expect.poll(() => verdict.textContent()).toContain('May not stream to this table.');
    await verdict.getByRole('button', { name: 'Grant producer access' }).click();
    await expect.poll(() => verdict.textContent()).toContain('May stream to this table.');

    // The form has one field per column; the record goes through the producers' path to the node.
    await page.goto(`${product.consoleUrl}${tablePath}`);
    await expect.poll(() => panel.getByTestId('test-record-access').count()).toBe(0);
    expect(await panel.textContent()).toContain(`lands in the real table ${TABLE}`);
    await panel.getByLabel('Value of id').fill('424242');
    await panel.getByLabel('Value of item').fill('contract check');
    await panel.scrollIntoViewIfNeeded();
    await shoot('test-record-form');
    await panel.getByRole('button', { name: 'Send test record' }).click();
    const ack = page.getByTestId('test-record-ack');
    await expect
      .poll(() => ack.textContent(), { timeout: 45_000 })
      .toContain('Acked: offset 0 is durable on node');
    expect(await ack.textContent()).toContain('readable in the table at version');
    const answer = page.getByTestId('test-record-answer');
    expect(await answer.locator('tr[data-column="id"]').textContent()).toBe('idlong424242424242');
    expect(await answer.locator('tr[data-column="item"]').textContent()).toContain('contract check');
    await expect.poll(() => page.getByTestId('preview-table').textContent()).toContain('contract check');
    await page.getByTestId('test-record-answer').scrollIntoViewIfNeeded();
    await shoot('test-record-acked');

    // A value of the wrong type: the node refuses the record and names the field; the answer marks it.
    await panel.getByLabel('Value of id').fill('four hundred');
    await panel.getByRole('button', { name: 'Send test record' }).click();
    const refusal = page.getByTestId('test-record-refusal');
    await expect
      .poll(() => refusal.textContent(), { timeout: 30_000 })
      .toContain('INVALID_ARGUMENT, field id');
    await expect.poll(() => answer.locator('tr[data-refused="true"]').getAttribute('data-column')).toBe('id');
    await answer.scrollIntoViewIfNeeded();
    await shoot('test-record-refused-field');
    const violations = await seriousViolations(page);
    expect(describeViolations(violations)).toBe('');
  }, 120_000);

  // Issue 16, charts you can read (own block): the series chart's hover readout, a legend toggle, the window
  // in the URL and kept by a reload, and the numbers as a table.
  it('reads the series chart by hover and keyboard, toggles a series, keeps the window in the URL', async () => {
    await page.goto(`${product.consoleUrl}/streams`);
    const panel = page.getByTestId('series-chart');
    const chart = page.getByTestId('series-chart-chart');
    await chart.locator('canvas').waitFor({ timeout: 30_000 });
    const tableSeries = panel.getByRole('button', { name: TABLE, exact: true });
    await expect.poll(() => tableSeries.getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');

    // Hovering shows the time and each series' value at that point.
    await chart.hover();
    const readout = page.getByTestId('chart-readout');
    await expect.poll(() => page.getByTestId('chart-readout-time').count()).toBe(1);
    expect(await page.getByTestId('chart-readout-time').getAttribute('datetime')).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
    expect(await readout.textContent()).toContain(`${TABLE}: `);
    expect(await readout.textContent()).toMatch(/All tables: [\d.,]+\/s/);
    await shoot('streams-chart-hover');

    // The keyboard reads it too: the chart is a Tab stop, Home goes to its first point.
    await page.mouse.move(0, 0);
    await chart.focus();
    await page.keyboard.press('Home');
    const first = await page.getByTestId('chart-readout-time').getAttribute('datetime');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('chart-readout-time').getAttribute('datetime')).not.toBe(first);

    // A series switched off in the legend leaves the chart and the readout, and goes into the URL.
    await tableSeries.click();
    await expect.poll(() => tableSeries.getAttribute('aria-pressed')).toBe('false');
    await page.waitForURL((url) => url.searchParams.getAll('hide').includes(`table:${TABLE}`));
    await chart.hover();
    await expect.poll(() => readout.textContent()).not.toContain(`${TABLE}: `);

    // The time to table as the metric, then a longer window: both in the URL, and a reload keeps them.
    await page.getByLabel('Metric').selectOption('time-to-table');
    await page.waitForURL((url) => url.searchParams.get('metric') === 'time-to-table');
    // (The radio is visually hidden in its label; the URL, not the click, decides when it is checked.)
    await page.getByRole('radio', { name: '1 h' }).click({ force: true });
    await page.waitForURL((url) => url.searchParams.get('window') === '1h');
    await page.reload();
    await expect
      .poll(() => page.getByRole('radio', { name: '1 h' }).isChecked(), { timeout: 30_000 })
      .toBe(true);
    expect(await page.getByLabel('Metric').inputValue()).toBe('time-to-table');
    const url = new URL(page.url());
    expect(url.searchParams.get('window')).toBe('1h');
    expect(url.searchParams.getAll('hide')).toEqual([`table:${TABLE}`]);
    // The console's stored minutes (it has run for minutes): the table stays switched off after the reload.
    await expect.poll(() => tableSeries.getAttribute('aria-pressed'), { timeout: 90_000 }).toBe('false');
    await chart.locator('canvas').waitFor();

    // The numbers as a table, for whoever cannot see the canvas.
    await page.getByTestId('chart-data').locator('summary').click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Chart data' }).getByRole('row').count())
      .toBeGreaterThan(1);
    await shoot('streams-chart-1h-table');
    const violations = await seriousViolations(page);
    expect(describeViolations(violations)).toBe(describeViolations([]));
  }, 180_000);

  it('creates an API token, uses it from a script, renames and deletes a throwaway table through its confirmations, revokes the token', async () => {
    const findingsBefore = accessibilityFindings.length;
    const checkDialog = async (where: string) => {
      const violations = await seriousViolations(page);
      if (violations.length > 0) accessibilityFindings.push(`${where}:\n${describeViolations(violations)}`);
    };
    // A personal API token on the account page, shown once.
    await page.getByTestId('signed-in-user').click();
    await page.waitForURL((url) => url.pathname === '/account');
    await page.getByLabel('Token name').fill('journey-cli');
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByTestId('api-token-value');
    await shown.waitFor();
    const token = (await shown.textContent()) ?? '';
    expect(token).toMatch(/^lsk_/);
    await shoot('account-api-token-shown-once');
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await expect.poll(() => shown.count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    // A script (plain fetch: no cookie, no Origin) creates a throwaway table with it.
    const api = (procedure: string, input: unknown) =>
      fetch(`${product.consoleUrl}/api/trpc/${procedure}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
    const scratch = 'main.sales.scratch';
    expect(
      (await api('tables.create', { name: scratch, columns: [{ name: 'id', type: 'long' }] })).status,
    ).toBe(200);
    await page.reload();
    await expect.poll(() => page.getByTestId('api-token-last-used').first().textContent()).not.toBe('never');

    // Rename it on its page; the page follows the new name.
    await page.goto(`${product.consoleUrl}/tables/${scratch}`);
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    const rename = page.getByRole('dialog', { name: 'Rename this table?' });
    await rename.getByLabel('New name in main.sales').fill('scratch_renamed');
    await shoot('table-rename-confirm');
    await checkDialog('/tables/[name] (rename dialog)');
    await rename.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/tables/main.sales.scratch_renamed');
    await expect.poll(() => page.getByTestId('schema-tree').textContent()).toContain('id');

    // Delete it through the confirmation naming what goes with it (no grants, no live streams).
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const drop = page.getByRole('dialog', { name: 'Delete this table?' });
    await expect.poll(() => drop.getByTestId('affected-grants').textContent()).toBe('No grants go with it.');
    await expect.poll(() => drop.getByTestId('affected-streams').textContent()).toContain('No live streams');
    await shoot('table-delete-confirm');
    await checkDialog('/tables/[name] (delete dialog)');
    await drop.getByRole('button', { name: 'Delete table', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/tables');
    await expect.poll(() => page.getByTestId('tables-list').textContent()).toContain(TABLE);
    expect(await page.getByTestId('tables-list').textContent()).not.toContain('scratch');
    await page.getByTestId('catalogs-table').waitFor();
    await shoot('tables-after-delete');

    // Revoke the token through its confirmation: the script is refused from its next call.
    await page.goto(`${product.consoleUrl}/account`);
    await page.getByTestId('api-tokens-table').getByRole('button', { name: 'Revoke' }).click();
    const revoke = page.getByRole('dialog', { name: 'Revoke this API token?' });
    await checkDialog('/account (revoke token dialog)');
    await revoke.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect.poll(() => page.getByTestId('api-tokens-table').textContent()).toContain('revoked');
    await shoot('account-api-token-revoked');
    const refused = await api('tables.create', { name: scratch, columns: [{ name: 'id', type: 'long' }] });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain("API token 'journey-cli' is revoked");

    expect(accessibilityFindings.slice(findingsBefore).join('\n\n')).toBe('');
  }, 120_000);

  it('adds a nullable column to main.sales.orders, shows its versions and diff, and ingests a value into it', async () => {
    // Issue 16 part 3. The producer was revoked above: it gets a new secret and SELECT back first.
    await navigate('Principals & credentials', '/principals');
    await page.getByRole('button', { name: 'orders-producer' }).first().click();
    await page.getByRole('button', { name: 'Create secret' }).click();
    const clientId = (await page.getByTestId('client-id').textContent())?.trim() ?? '';
    const clientSecret = (await page.getByTestId('secret-value').textContent())?.trim() ?? '';
    await page.getByRole('button', { name: 'Done, I copied it' }).click();
    await navigate('Grants', '/grants');
    await page.getByLabel('Principal', { exact: true }).selectOption({ label: 'orders-producer' });
    await page.getByLabel('Securable type').selectOption('table');
    await page.getByLabel('Securable', { exact: true }).fill(TABLE);
    await page.getByLabel('Privilege').selectOption('SELECT');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent(), { timeout: 10_000 })
      .toContain('Granted');

    // The table page: one version so far; a NOT NULL column is refused in words, a nullable one is added.
    await page.goto(`${product.consoleUrl}/tables/${encodeURIComponent(TABLE)}`);
    const versions = page.getByTestId('schema-versions');
    await versions.waitFor({ timeout: 30_000 });
    await expect.poll(() => versions.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
    const addColumns = page.getByRole('form', { name: 'Add columns' });
    await addColumns.getByLabel('Column 1 name').fill('note');
    await addColumns.getByLabel('Column 1 type').selectOption('string');
    await addColumns.getByLabel('Column 1 nullable').uncheck();
    await addColumns.getByRole('button', { name: 'Add columns', exact: true }).click();
    await expect
      .poll(() => addColumns.getByTestId('error-message').textContent(), { timeout: 10_000 })
      .toContain('a column added to an existing table must be nullable');
    await addColumns.getByLabel('Column 1 nullable').check();
    await addColumns.getByRole('button', { name: 'Add columns', exact: true }).click();
    await expect.poll(() => versions.locator('tbody tr').count(), { timeout: 10_000 }).toBe(2);
    await expect
      .poll(() => page.getByTestId('schema-tree').textContent(), { timeout: 10_000 })
      .toContain('note');
    await expect
      .poll(() => page.getByText('optional string note = 3;').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    // The diff of version 1 with version 2: the added column.
    await page.getByLabel('Compare').selectOption('1');
    await page.getByLabel('with', { exact: true }).selectOption('2');
    await expect
      .poll(() => page.getByRole('list', { name: 'Schema diff' }).textContent(), { timeout: 10_000 })
      .toBe('+ note string');
    // At the top, so that the sticky header covers nothing in the full-page shot.
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('table-schema-versions');
    // The new panels meet axe-core too (the page was checked before they had content).
    const violations = await seriousViolations(page);
    if (violations.length > 0)
      accessibilityFindings.push(`table page, versions:\n${describeViolations(violations)}`);

    // A JSON record carrying the column, through the official SDK. The node has the column once the
    // console's push reached it: until then the record is refused, so the producer tries again.
    const client = new sdk.ZerobusSdk(product.ingestEndpoint, product.consoleUrl);
    const record = JSON.stringify({ id: 1_000_000, item: 'evolved tea', note: 'added later' });
    await expect
      .poll(
        async () => {
          const stream = await client.createStream({ tableName: TABLE }, clientId, clientSecret, {
            recordType: sdk.RecordType.Json,
          });
          try {
            await stream.waitForOffset(await stream.ingestRecordOffset(record));
            return 'acked';
          } catch (error) {
            return String(error);
          } finally {
            await stream.close().catch(() => undefined);
          }
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe('acked');
    // The preview reads the table again every 5 s.
    await expect
      .poll(() => page.getByTestId('preview-table').textContent(), { timeout: 30_000, interval: 1_000 })
      .toContain('added later');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('table-preview-new-column');
    expect(accessibilityFindings.join('\n\n')).toBe('');
  }, 120_000);

  it('alerts: a rule with a webhook fires when the joined node dies, shows as a banner and in the list, and POSTs', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await page.goto(`${product.consoleUrl}/tables`);
      await navigate('Alerts', '/alerts');
      await page.getByLabel('Rule name').fill('joined-node down');
      await page.getByLabel('Kind').selectOption('node_unreachable');
      await page.getByLabel('Watch (empty: any)').fill(JOINED.nodeId);
      await page.getByLabel('Threshold').fill('1');
      await page.getByLabel('For (seconds)').fill('0');
      // A webhook that is not http(s) is refused in words.
      await page.getByLabel('Webhook URL (optional)').fill('ftp://127.0.0.1/hook');
      await page.getByRole('button', { name: 'Create rule' }).click();
      await expect
        .poll(() => page.getByTestId('error-message').textContent())
        .toContain('http:// or https://');
      await page.getByLabel('Webhook URL (optional)').fill(`${receiver.url}/lakestream`);
      await page.getByRole('button', { name: 'Create rule' }).click();
      const row = page
        .getByTestId('alert-rules-table')
        .getByRole('row')
        .filter({ hasText: 'joined-node down' });
      await expect
        .poll(() => row.textContent())
        .toContain(`node unreachable of ${JOINED.nodeId} for at least 1 s`);
      await shoot('alerts-rule-created');

      // The node stops: it misses its beats, the rule fires on every page and its webhook gets the POST.
      await joined?.kill();
      await navigate('Tables', '/tables');
      const banner = page.getByTestId('alerts-banner');
      await banner.waitFor({ timeout: 60_000 });
      expect(await banner.textContent()).toContain(`1 alert is firing: joined-node down (${JOINED.nodeId})`);
      await shoot('alerts-banner');
      const [post] = await receiver.waitFor(1, 30_000);
      expect(post).toMatchObject({
        path: '/lakestream',
        contentType: 'application/json',
        body: {
          rule: { name: 'joined-node down', kind: 'node_unreachable', target: JOINED.nodeId },
          state: 'firing',
          subject: JOINED.nodeId,
          threshold: 1,
          consoleUrl: `${product.consoleUrl}/alerts`,
        },
      });

      await banner.getByRole('link', { name: 'See alerts' }).click();
      await page.waitForURL((url) => url.pathname === '/alerts');
      await expect.poll(() => page.getByTestId('firing-alerts').textContent()).toContain('joined-node down');
      await expect.poll(() => row.getAttribute('data-condition')).toBe('firing');
      await expect.poll(() => row.getByTestId('webhook-delivery').textContent()).toMatch(/^delivered/);
      await page.locator('[data-testid="alert-history"] tr[data-state="firing"]').first().waitFor();
      await shoot('alerts-firing');
      expect(accessibilityFindings.join('\n\n')).toBe('');
      expect([...checkedPaths]).toContain('/alerts');
    } finally {
      await receiver.close();
    }
  }, 180_000);
});

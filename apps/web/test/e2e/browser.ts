import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it), or LAKESTREAM_CHROMIUM. */
const CHROMIUM = process.env.LAKESTREAM_CHROMIUM ?? '/usr/bin/chromium';

/** Where each page's screenshot is saved: the test's artifacts (git-ignored). */
export const SCREENSHOT_DIR = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../test-artifacts/e2e',
);

/**
 * Launches headless Chromium with the flags this machine needs (no sandbox as root, no GPU, no background
 * connections to Google's hosts, which the closed network refuses). Throws, saying how to install it, when
 * Chromium is missing: the browser test is never skipped silently.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set LAKESTREAM_CHROMIUM)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Saves a full-page screenshot of `page` as `<SCREENSHOT_DIR>/<nn>-<name>.png`; returns its path. The page is
 * scrolled to the top first: a full-page capture of a scrolled page draws the sticky header in mid-page.
 */
export async function screenshot(page: Page, index: number, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${String(index).padStart(2, '0')}-${name}.png`);
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path, fullPage: true });
  return path;
}

// Headless Chromium for the console's end-to-end tests: Debian's `chromium`
// driven by playwright-core (never a downloaded browser). Where it is not
// installed the tests say so and skip; under REQUIRE_TOOLS=1 (CI) that is a
// failure instead.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Test } from 'tap';
import { toolMissing } from '../helpers/tools.js';

export const CHROMIUM = process.env.CLASSCTL_CHROMIUM || '/usr/bin/chromium';

/**
 * Chromium's own traffic (updates, sync, QUIC probes) switched off: the tests
 * run offline and every request the page makes must be to the server under test.
 */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The browser, closed at teardown; null (after a skip or a failure) when Chromium is missing. */
export async function launchChromium(t: Test): Promise<Browser | null> {
  if (!existsSync(CHROMIUM)) {
    toolMissing(t, `Chromium (${CHROMIUM})`, 'the web console in a real browser', 'apt-get install -y chromium');
    return null;
  }
  // launch() gives every browser a fresh, temporary profile (user-data-dir), removed on close.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  t.teardown(() => browser.close());
  return browser;
}

/** What the page reported as wrong: console errors, uncaught exceptions, failed requests. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return errors;
}

/** Screenshots for docs/console.md, only when CONSOLE_SCREENSHOTS=1 (CI leaves the tree clean). */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.CONSOLE_SCREENSHOTS !== '1') return;
  const path = new URL(`../../docs/images/console-${name}.png`, import.meta.url).pathname;
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: opts.fullPage ?? false });
}

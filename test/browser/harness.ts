// A real quan server on a fresh PGlite DATA_DIR and a headless Debian Chromium.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, tempDataDir, type ServerProcess } from '../helpers/server.ts';

export const SCREENSHOTS = path.resolve('test-results/screenshots');
export const DEMO = { username: 'demo', password: 'demo-pass-123' };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Harness {
  server: ServerProcess;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  url: string;
  /** The native API as the demo owner (for setting up data the test is not about). */
  api<T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<T>;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // The server serves dist/web; CI builds it first, a developer may not have.
  if (!fs.existsSync('dist/web/index.html')) execSync('npm run build', { stdio: 'inherit' });
  const server = await startServer({ DATA_DIR: tempDataDir(), ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: DEMO.password }, 170_000);
  const url = server.url;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  let token: string | null = null;
  const api = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    if (!token) {
      const r = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(DEMO),
      });
      token = ((await r.json()) as { token: string }).token;
    }
    const r = await fetch(`${url}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await r.json().catch(() => null)) as T;
    if (!r.ok) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(data)}`);
    return data;
  };
  return {
    server,
    browser,
    context,
    page,
    url,
    api,
    shot: async (name) => {
      await page.waitForTimeout(250); // let charts and transitions settle
      // Toasts of earlier steps would cover the page.
      await page.screenshot({
        path: path.join(SCREENSHOTS, `${name}.png`),
        fullPage: true,
        style: '.ant-message { display: none !important; }',
      });
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.stop();
      if (errors.length) console.warn('page errors:', errors);
    },
  };
}

/** Picks an option of an Ant Design Select found by its test id. */
export async function pick(page: Page, testId: string, optionText: string | RegExp) {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: optionText }).first().click();
}

/** Clicks the OK button of the confirmation dialog that is open, after checking what it says. */
export async function confirmDialog(page: Page, expectText: string | RegExp): Promise<string> {
  const dlg = page.locator('.ant-modal-confirm:visible');
  await dlg.waitFor();
  const matches = (s: string) => (typeof expectText === 'string' ? s.includes(expectText) : expectText.test(s));
  // The dialog may still be rendering its content: read it again for a moment.
  let text = '';
  for (let i = 0; i < 20; i++) {
    text = (await dlg.innerText()).trim();
    if (matches(text)) break;
    await page.waitForTimeout(100);
  }
  if (!matches(text)) throw new Error(`confirmation says "${text}", expected ${String(expectText)}`);
  await dlg.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
  await dlg.waitFor({ state: 'hidden' });
  return text;
}

/** Clicks a menu item by its exact text. */
export async function nav(page: Page, item: string) {
  await page
    .getByTestId('menu')
    .getByRole('menuitem')
    .filter({ hasText: new RegExp(`^\\s*${item}\\s*$`) })
    .click();
}

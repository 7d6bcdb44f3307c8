import type { AddressInfo } from 'node:net';
import { Browser, chromium } from 'playwright-core';
import { findChromium } from './helpers/chromium';
import { createTestApp, TestApp } from './helpers/test-app';

/** Like test/swagger-ui: skipped with one line where no Chromium can run, a failure in CI. */
const found = findChromium();
const available = 'resolve' in found;
if (!available) {
  if (process.env.CI === 'true')
    throw new Error(`The browser test of /redoc must run in CI, but there is ${found.unavailable}`);
  process.stderr.write(`Skipping the browser test of /redoc: ${found.unavailable}\n`);
}

/**
 * ReDoc at /redoc in headless Chromium: the page renders the API's document with the bundle the
 * API serves, and the Content-Security-Policy blocks nothing it needs (its search worker, its
 * inline styles). No request leaves the installation.
 */
(available ? describe : describe.skip)('ReDoc at /redoc in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    if (!('resolve' in found)) return;
    const { executablePath, args } = await found.resolve();
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath, args, headless: true, timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders the operations and searches them, blocking only the Redocly logo and fetching nothing from outside', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const outside: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    // Answers, not attempts: an attempt the policy blocks never reaches the network.
    page.on('response', (response) => {
      if (!response.url().startsWith(baseUrl) && !/^(data|blob):/.test(response.url())) outside.push(response.url());
    });
    await page.goto(`${baseUrl}/redoc`);
    await page
      .getByRole('heading', { name: /Spendin API/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.locator('h2', { hasText: 'Log in with e-mail and password' }).first().waitFor({ timeout: 30_000 });
    // The search index is built in the worker the bundle starts from a blob: URL (worker-src).
    await page.getByPlaceholder('Search...').fill('login');
    await page
      .locator('[data-role="search:results"]')
      .getByText('Log in with e-mail and password')
      .first()
      .waitFor({ timeout: 15_000 });
    // The one thing refused is the bundle's own "API docs by Redocly" logo, which it loads from
    // Redocly's CDN: the policy keeps that request from leaving, and nothing else is refused.
    const refused = problems.filter((text) => /Content Security Policy|Refused/i.test(text));
    expect(refused.filter((text) => !text.includes("Loading the image 'https://cdn.redoc.ly/"))).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  }, 90_000);
});

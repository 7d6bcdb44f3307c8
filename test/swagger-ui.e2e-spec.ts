import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { findChromium } from './helpers/chromium';
import type { TestUser } from './helpers/given';
import { createTestApp, TestApp } from './helpers/test-app';

const SCREENSHOT = join(__dirname, '..', 'artifacts', 'swagger-ui.png');

/**
 * Where no Chromium can run (another platform, nothing installed) the test is skipped with one
 * line saying why; CI must run it, so there the missing browser is a failure.
 */
const found = findChromium();
const available = 'resolve' in found;
if (!available) {
  if (process.env.CI === 'true')
    throw new Error(`The browser test of /docs must run in CI, but there is ${found.unavailable}`);
  process.stderr.write(`Skipping the browser test of /docs: ${found.unavailable}\n`);
}

/**
 * The docs as a person uses them: Swagger UI at /docs in headless Chromium, on the app listening
 * on a real port. Log in with "Try it out", paste the token into "Authorize", call GET /users/me
 * and read the user off the page. Catches what no HTTP-level test can: a Content-Security-Policy
 * that blocks the UI's scripts or its fetches, a bearer scheme the UI does not send, a broken page.
 */
(available ? describe : describe.skip)('Swagger UI at /docs in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let user: TestUser;

  beforeAll(async () => {
    if (!('resolve' in found)) return;
    const { executablePath, args } = await found.resolve();
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const org = await t.given.organization();
    user = await t.given.user(org, 'employee', { full_name: 'Ada Browser' });
    browser = await chromium.launch({ executablePath, args, headless: true, timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** The operation's block, found by method and path as the page shows them, once its tag is opened (tags start collapsed). */
  async function operation(page: Page, tag: string, method: 'get' | 'post', path: string): Promise<Locator> {
    const section = page.locator(`.opblock-tag[data-tag="${tag}"]`);
    if ((await section.getAttribute('data-is-open')) !== 'true') await section.click();
    return page
      .locator(`.opblock.opblock-${method}`)
      .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
  }

  /**
   * Expands an operation, presses "Try it out", fills the body if given, executes, and reads the
   * live response as the page renders it: the status cell, the whole details cell (a failed fetch
   * shows its reason there) and the response body.
   */
  async function tryItOut(block: Locator, body?: string): Promise<{ status: string; shown: string; body: string }> {
    await block.locator('.opblock-summary').first().click();
    await block.getByRole('button', { name: 'Try it out' }).click();
    if (body !== undefined) await block.locator('textarea.body-param__text').fill(body);
    await block.getByRole('button', { name: 'Execute' }).click();
    const response = block.locator('.live-responses-table .response').first();
    const status = response.locator('.response-col_status');
    await status.waitFor();
    const bodyCell = response.locator('.response-col_description .highlight-code pre').first();
    return {
      status: (await status.innerText()).trim(),
      shown: (await response.locator('.response-col_description').innerText()).trim().slice(0, 1_000),
      body: (await bodyCell.count()) > 0 ? ((await bodyCell.textContent()) ?? '') : '',
    };
  }

  /** The status the page shows; anything else fails with what the page shows instead (e.g. "Failed to fetch"). */
  function expectStatus(result: { status: string; shown: string }, status: string): void {
    if (result.status !== status) throw new Error(`Swagger UI shows ${result.status}, not ${status}:\n${result.shown}`);
  }

  it('logs in with "Try it out", authorizes with the token and shows GET /users/me', async () => {
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // A script or fetch the page's Content-Security-Policy refuses shows up here, not as a failed request.
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    try {
      await page.goto(`${baseUrl}/docs`);
      await page.getByRole('heading', { name: /Spendin API/ }).waitFor();

      const login = await tryItOut(
        await operation(page, 'Auth', 'post', '/api/v1/auth/login'),
        JSON.stringify({ email: user.email, password: user.password }, null, 2),
      );
      expectStatus(login, '200');
      const tokens = JSON.parse(login.body) as { access_token: string; token_type: string };
      expect(tokens.token_type).toBe('Bearer');
      expect(tokens.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

      await page.locator('.scheme-container button.authorize').click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      // Each security scheme has a form of its own in the dialog, headed by its name: use the bearer one's.
      const bearerForm = dialog.locator('form').filter({ has: page.locator('h4 code', { hasText: /^bearer$/ }) });
      // Swagger UI labels its controls for assistive technology: the field "auth-bearer-value",
      // "Authorize" as "Apply credentials" and, once authorized, "Logout" as "Remove authorization".
      await bearerForm.getByLabel('auth-bearer-value').fill(tokens.access_token);
      await bearerForm.getByRole('button', { name: 'Apply credentials' }).click();
      await bearerForm.getByRole('button', { name: 'Remove authorization' }).waitFor();
      await bearerForm.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'detached' });

      const block = await operation(page, 'Users', 'get', '/api/v1/users/me');
      const me = await tryItOut(block);
      expectStatus(me, '200');
      expect(JSON.parse(me.body)).toMatchObject({
        id: user.id,
        email: user.email,
        full_name: 'Ada Browser',
        role: 'employee',
        organization_id: user.organizationId,
      });
      // What a person reads: the e-mail in the rendered body, and the request the UI sent with the token.
      await expect(block.locator('.live-responses-table').innerText()).resolves.toContain(user.email);
      await expect(block.locator('.curl-command').innerText()).resolves.toContain(
        `Authorization: Bearer ${tokens.access_token}`,
      );
      expect(problems).toEqual([]);
    } catch (error) {
      // What the browser complained about (a refused script or fetch, say) explains most failures.
      if (error instanceof Error && problems.length > 0) error.message += `\n\nIn the browser:\n${problems.join('\n')}`;
      throw error;
    } finally {
      // On success it shows the /users/me answer; on failure, where the page stood.
      await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => undefined);
      await context.close();
    }
  });
});

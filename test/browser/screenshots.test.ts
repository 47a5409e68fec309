/**
 * Screenshots of the main views in light and dark, for docs/screenshots/. Opt-in, because it
 * rewrites tracked PNGs:
 *   ROLETRAY_SCREENSHOTS=1 dbus-run-session -- sh -c '... npx vitest run test/browser/screenshots'
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TestWorld } from '../helpers/world';
import { arnOf, DEMO_USER_AKID, startTestWorld } from '../helpers/world';
import { buildRendererTo, CHROMIUM, launchChromium, openApp, serveStatic } from './harness';

const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const ACCOUNT_B = '9876543210987654';
const enabled = process.env['ROLETRAY_SCREENSHOTS'] === '1' && existsSync(CHROMIUM);

/** A world with sessions in several states across two accounts. */
async function seed(w: TestWorld): Promise<void> {
  w.sandbox.world.addRole({ name: 'dev-deployer', accountId: ACCOUNT_B, trustedPrincipals: [`acs:ram::${ACCOUNT_B}:root`], maxSessionDuration: 7200 });
  const m = w.core.manager;
  await m.addIdentity({ name: 'test_user1', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, verify: true });
  const prod = { source: 'test_user1', accountAlias: 'acme-prod' };
  await m.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), ...prod });
  await m.addRole({ name: 'readonly', arn: arnOf('readonly'), ...prod, durationSeconds: 7200, region: 'cn-shanghai' });
  await m.addRole({ name: 'long-session', arn: arnOf('long-session'), ...prod, durationSeconds: 43200 });
  await m.addRole({ name: 'vendor-access', arn: arnOf('vendor-access'), ...prod, externalId: 'rt-ext-0001' });
  await m.addRole({ name: 'chain-target', arn: arnOf('chain-target'), source: 'fc-admin', accountAlias: 'acme-prod', durationSeconds: 7200 });
  await m.addRole({ name: 'revoked-role', arn: arnOf('revoked-role'), ...prod });
  await m.addRole({ name: 'dev-deployer', arn: `acs:ram::${ACCOUNT_B}:role/dev-deployer`, source: 'test_user1', accountAlias: 'acme-dev', profile: 'dev' });
  await m.switchTo('fc-admin');
  await m.assume('readonly');
  await m.assume('long-session');
  await m.assume('chain-target');
  await m.assume('dev-deployer');
  await m.assume('revoked-role').catch(() => undefined);
}

describe.skipIf(!enabled)('screenshots', () => {
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  let dist: { dir: string; cleanup(): Promise<void> };

  beforeAll(async () => {
    [dist, browser] = await Promise.all([buildRendererTo(), launchChromium()]);
    server = await serveStatic(dist.dir);
    await mkdir(OUT, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dist?.cleanup();
  });

  const shot = async (page: Page, name: string) => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.mouse.move(0, 0);
    return page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
  };

  for (const scheme of ['light', 'dark'] as const) {
    it(`empty state (${scheme})`, async () => {
      const world = await startTestWorld();
      const app = await openApp(browser, server.url, world.backend, { colorScheme: scheme, viewport: { width: 1040, height: 640 } });
      try {
        await app.page.locator('.view-empty').waitFor();
        await shot(app.page, `empty-${scheme}`);
        await app.page.getByRole('button', { name: 'Add identity' }).click();
        await app.page.getByLabel('Name').fill('test_user1');
        await app.page.getByLabel('AccessKey ID').fill(DEMO_USER_AKID);
        await app.page.getByLabel('AccessKey secret').fill('notTheRightSecret123');
        await app.page.getByRole('button', { name: 'Verify and add' }).click();
        await app.page.locator('.error-box').waitFor();
        await app.page.getByRole('button', { name: 'Details' }).click();
        await shot(app.page, `add-identity-${scheme}`);
      } finally {
        await app.close();
        await world.cleanup();
      }
    });

    it(`roles, add role, identities, settings, activity (${scheme})`, async () => {
      const world = await startTestWorld({ sandbox: { chainedCap: true } });
      try {
        await seed(world);
        const app = await openApp(browser, server.url, world.backend, { colorScheme: scheme, viewport: { width: 1040, height: 720 } });
        const { page } = app;
        try {
          await page.locator('li.role-row[data-role="fc-admin"][data-state="active"]').waitFor();
          await page.locator('li.role-row[data-role="revoked-role"] .error-box').waitFor();
          await page.locator('li.role-row[data-role="readonly"]').click({ position: { x: 5, y: 5 } });
          await shot(page, `roles-${scheme}`);

          await page.getByRole('button', { name: 'Add role' }).first().click();
          await page.getByLabel('Role ARN').fill('acs:ram::1234567890123456:role/ops-auditor');
          await page.getByLabel('Assume with').selectOption('fc-admin');
          await page.getByLabel('Session duration (seconds)').fill('7200');
          await page.getByLabel('Session policy (JSON)').fill('{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "actiontrail:Lookup*"');
          await page.getByLabel('Session policy (JSON)').blur();
          await shot(page, `add-role-${scheme}`);

          await page.getByRole('button', { name: 'Identities' }).click();
          await page.locator('.card').first().waitFor();
          await shot(page, `identities-${scheme}`);

          await page.getByRole('button', { name: 'Settings' }).click();
          await page.locator('.view-settings').waitFor();
          await shot(page, `settings-${scheme}`);

          await page.getByRole('button', { name: 'Activity' }).click();
          await page.locator('.activity').first().waitFor();
          await shot(page, `activity-${scheme}`);
        } finally {
          await app.close();
        }
      } finally {
        await world.cleanup();
      }
    });
  }
});

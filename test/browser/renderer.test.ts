/**
 * The renderer in real Chromium against a REAL core (sandbox STS on loopback, the real keychain,
 * temp HOME and CLI config), bridged through window.roletray exactly as the preload exposes it.
 *
 * Run inside a session with a keyring:
 *   dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npx vitest run test/browser'
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../main/core/secret-store';
import type { TestWorld } from '../helpers/world';
import { arnOf, DEMO_USER_AKID, startTestWorld } from '../helpers/world';
import type { AppPage } from './harness';
import { buildRendererTo, CHROMIUM, launchChromium, openApp, serveStatic } from './harness';

interface CliConfig {
  current?: string;
  profiles: { name: string; mode: string; access_key_id?: string; sts_token?: string; sts_expiration?: number; region_id?: string }[];
}

async function readCliConfig(world: TestWorld): Promise<CliConfig | null> {
  const text = await readFile(world.cliConfigFile, 'utf8').catch(() => null);
  return text === null ? null : (JSON.parse(text) as CliConfig);
}

const row = (page: Page, role: string): Locator => page.locator(`li.role-row[data-role="${role}"]`);

describe.skipIf(!existsSync(CHROMIUM))('renderer in Chromium over a real core', () => {
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  let dist: { dir: string; cleanup(): Promise<void> };
  const open: { app?: AppPage; world?: TestWorld } = {};

  beforeAll(async () => {
    [dist, browser] = await Promise.all([buildRendererTo(), launchChromium()]);
    server = await serveStatic(dist.dir);
  });

  afterEach(async () => {
    if (open.app) {
      // Every test must end without a CSP violation or an uncaught error.
      expect(open.app.violations).toEqual([]);
      expect(open.app.errors).toEqual([]);
      await open.app.close();
    }
    await open.world?.cleanup();
    open.app = undefined;
    open.world = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dist?.cleanup();
  });

  async function start(
    seed?: (w: TestWorld) => Promise<void>,
    worldOpts?: Parameters<typeof startTestWorld>[0],
  ): Promise<{ page: Page; world: TestWorld; app: AppPage }> {
    const world = await startTestWorld(worldOpts);
    open.world = world;
    if (seed) await seed(world);
    const app = await openApp(browser, server.url, world.backend);
    open.app = app;
    return { page: app.page, world, app };
  }

  it('first run: empty state -> add identity (wrong, then right secret) -> add role -> switch -> countdown -> stop', async () => {
    const { page, world } = await start();

    // Empty state explains the two ways in.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Short-lived credentials');
    expect(await page.getByRole('button', { name: 'Start the sandbox' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add identity' }).click();

    // Wrong secret: the error in plain words, the secret field emptied.
    await page.getByLabel('Name').fill('test_user1');
    await page.getByLabel('AccessKey ID').fill(DEMO_USER_AKID);
    await page.getByLabel('AccessKey secret').fill('notTheRightSecret123');
    await page.getByRole('button', { name: 'Verify and add' }).click();
    const err = page.locator('.error-box');
    await err.waitFor();
    expect(await err.locator('.error-message').textContent()).toMatch(/AccessKey secret is wrong/);
    expect(await page.getByLabel('AccessKey secret').inputValue()).toBe('');
    await err.getByRole('button', { name: 'Details' }).click();
    expect(await err.locator('.error-ids').textContent()).toContain('SignatureDoesNotMatch');

    // Right secret: verified, with account ID and ARN.
    await page.getByLabel('AccessKey secret').fill(world.userSecret);
    await page.getByRole('button', { name: 'Verify and add' }).click();
    const ok = page.locator('.success-box');
    await ok.waitFor();
    expect(await ok.textContent()).toContain('9876543210987654');
    expect(await ok.textContent()).toContain('acs:ram::9876543210987654:user/test_user1');
    expect(await page.locator('input[type="password"]').count()).toBe(0);

    // Add a role: live ARN validation, default profile derived from the name.
    await page.getByRole('button', { name: 'Add a role' }).click();
    const arnInput = page.getByLabel('Role ARN');
    await arnInput.fill('acs:ram::123:role/fc-admin');
    expect(await page.locator('#role-arn-error').textContent()).toMatch(/not a RAM role ARN/);
    await arnInput.fill(arnOf('fc-admin'));
    expect(await page.locator('#role-arn-error').count()).toBe(0);
    expect(await page.getByLabel('aliyun CLI profile').getAttribute('placeholder')).toBe('roletray-fc-admin');
    await page.getByLabel('Account label').fill('acme-prod');
    await page.getByRole('button', { name: 'Add role', exact: true }).last().click();

    // Back in the roles view, grouped by account.
    const r = row(page, 'fc-admin');
    await r.waitFor();
    expect(await page.locator('.account-heading').first().textContent()).toContain('acme-prod');
    expect(await r.getAttribute('data-state')).toBe('stopped');

    // Switch: current, active, countdown running.
    await r.getByRole('button', { name: 'Switch to fc-admin' }).click();
    await expect.poll(() => r.getAttribute('data-state')).toBe('active');
    await expect.poll(() => r.getAttribute('aria-current')).toBe('true');
    expect(await r.locator('.pill-current').textContent()).toBe('Current');
    expect(await page.getByTestId('current-profile').textContent()).toBe('roletray-fc-admin');
    const t1 = (await r.locator('.countdown').textContent()) ?? '';
    expect(t1).toMatch(/^(59|60):\d\d$|^1h 0m$/);
    const seconds = (t: string): number => {
      const m = /^(\d+):(\d\d)$/.exec(t);
      return m ? Number(m[1]) * 60 + Number(m[2]) : 3600;
    };
    await expect.poll(async () => seconds((await r.locator('.countdown').textContent()) ?? ''), { timeout: 3000 }).toBeLessThan(seconds(t1));

    // The CLI config on disk has the StsToken profile and `current`.
    const cfg = await readCliConfig(world);
    expect(cfg?.current).toBe('roletray-fc-admin');
    const prof = cfg?.profiles.find((p) => p.name === 'roletray-fc-admin');
    expect(prof?.mode).toBe('StsToken');
    expect(prof?.access_key_id).toMatch(/^STS\./);

    // Stop: the profile leaves the config, the row says stopped.
    await r.getByRole('button', { name: 'Stop fc-admin' }).click();
    await expect.poll(() => r.getAttribute('data-state')).toBe('stopped');
    const after = await readCliConfig(world);
    expect(after?.profiles.some((p) => p.name === 'roletray-fc-admin')).toBe(false);
    expect(after?.current).not.toBe('roletray-fc-admin');
    expect(await r.locator('.countdown').textContent()).toBe('—');
  });

  it('revoked role shows its error with STS code and RequestId on demand', async () => {
    const { page } = await start(async (w) => {
      const m = w.core.manager;
      await m.addIdentity({ name: 'test_user1', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, verify: true });
      await m.addRole({ name: 'revoked-role', arn: arnOf('revoked-role'), source: 'test_user1' });
    });
    const r = row(page, 'revoked-role');
    await r.getByRole('button', { name: 'Switch to revoked-role' }).click();
    const box = r.locator('.error-box');
    await box.waitFor();
    expect(await box.locator('.error-message').textContent()).toMatch(/role revoked or trust removed/);
    expect(await box.locator('.error-hint').textContent()).toMatch(/trust policy/);
    expect(await box.locator('.error-ids').count()).toBe(0);
    await box.getByRole('button', { name: 'Details' }).click();
    const ids = (await box.locator('.error-ids').textContent()) ?? '';
    expect(ids).toContain('NoPermission');
    expect(ids).toMatch(/RequestId\S+/);
    expect(await page.getByTestId('current-profile').textContent()).not.toBe('roletray-revoked-role');
  });

  it('search, keyboard switching, pushes from the core, and focus-role events', async () => {
    const { page, world, app } = await start(async (w) => {
      const m = w.core.manager;
      await m.addIdentity({ name: 'test_user1', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, verify: true });
      for (const name of ['fc-admin', 'readonly', 'long-session']) await m.addRole({ name, arn: arnOf(name), source: 'test_user1', accountAlias: 'acme-prod' });
      await m.addRole({ name: 'chain-target', arn: arnOf('chain-target'), source: 'fc-admin', durationSeconds: 7200 });
    });
    await row(page, 'readonly').waitFor();
    expect(await page.locator('li.role-row').count()).toBe(4);

    // "/" focuses the search; typing filters by name, account or profile.
    await page.locator('body').press('/');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('type'))).toBe('search');
    await page.keyboard.type('read');
    await expect.poll(() => page.locator('li.role-row').count()).toBe(1);
    // ArrowDown moves into the list, Enter switches.
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { dataset: Record<string, string> } } }).document.activeElement.dataset['role'])).toBe('readonly');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('current-profile').textContent()).toBe('roletray-readonly');
    expect(await row(page, 'readonly').getAttribute('aria-current')).toBe('true');

    // Clear the search; arrows move the selection through the list, Enter switches that role.
    await page.getByLabel('Filter roles by name, account or profile').fill('');
    await page.getByLabel('Filter roles by name, account or profile').press('ArrowDown');
    const focused = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { dataset: Record<string, string> } } }).document.activeElement.dataset['role']);
    await expect.poll(focused).toBe('readonly'); // the selected row
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect.poll(focused).toBe('fc-admin'); // sorted: chain-target, fc-admin, long-session, readonly
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('current-profile').textContent()).toBe('roletray-fc-admin');
    expect(await row(page, 'readonly').getAttribute('aria-current')).toBeNull();

    // A change made outside the window (CLI, tray) arrives as a pushed snapshot.
    await world.core.manager.switchTo('long-session');
    await expect.poll(() => row(page, 'long-session').getAttribute('aria-current')).toBe('true');
    expect(await row(page, 'fc-admin').getAttribute('aria-current')).toBeNull();

    // The chained role notes the possible 1-hour cap in its form.
    await row(page, 'chain-target').getByRole('button', { name: 'Edit chain-target' }).click();
    expect(await page.locator('#role-duration-note').textContent()).toContain('retries once at 3600 s and remembers it');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Tray asks to show a role.
    await app.focusRole('chain-target');
    await expect.poll(focused).toBe('chain-target');

    // The benchmark's clock hooks: paused, countdowns hold still; resumed, they move again.
    const countdown = row(page, 'long-session').locator('.countdown');
    await page.evaluate('window.__roletrayClock.pause()');
    const held = await countdown.textContent();
    await page.waitForTimeout(1300);
    expect(await countdown.textContent()).toBe(held);
    await page.evaluate('window.__roletrayClock.resume()');
    await expect.poll(() => countdown.textContent(), { timeout: 3000 }).not.toBe(held);
  });

  it('enforces the CSP (a canary violation is caught) and the app itself causes none', async () => {
    const { page, app } = await start(async (w) => {
      await w.core.manager.addIdentity({ name: 'test_user1', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, verify: true });
      await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'test_user1' });
      await w.core.manager.switchTo('fc-admin');
    });
    await row(page, 'fc-admin').locator('.lifebar-fill').waitFor();
    // The life bar is drawn through the CSSOM, which the CSP allows.
    expect(await row(page, 'fc-admin').locator('.lifebar-fill').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform)).toMatch(/^scaleX\(0?\.9\d*|^scaleX\(1\)/);
    expect(app.violations).toEqual([]);
    // Canary: markup with an inline style and an inline script must be refused and reported.
    await page.evaluate(`(() => {
      const d = document.createElement('div');
      d.innerHTML = '<span style="color: red">x</span>';
      document.body.append(d);
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
    })()`);
    await expect.poll(() => app.violations.length).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate('window.__inlineRan === true')).toBe(false);
    expect(app.violations.join('\n')).toMatch(/style-src/);
    expect(app.violations.join('\n')).toMatch(/script-src/);
    app.violations.length = 0;
    app.errors.length = 0;
  });

  it('deleting: an identity in use is refused, a role is deleted, then the identity and its keychain entry', async () => {
    const { page, world } = await start(async (w) => {
      await w.core.manager.addIdentity({ name: 'test_user1', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, verify: true });
      await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'test_user1' });
    });
    const keychain = new KeytarSecretStore(world.service);
    expect(await keychain.get('test_user1')).toBe(world.userSecret);
    await page.getByRole('button', { name: 'Identities' }).click();
    const card = page.locator('[data-identity="test_user1"]');
    expect(await card.textContent()).toContain('RTSA…0001');
    expect(await card.textContent()).not.toContain(world.userSecret);

    const deleteIdentity = async (): Promise<void> => {
      await card.getByRole('button', { name: 'Delete test_user1…' }).click();
      const confirm = card.getByRole('group', { name: 'Confirm deleting test_user1' });
      expect(await confirm.textContent()).toMatch(/deleted from the system keychain too/);
      await confirm.getByRole('button', { name: 'Delete identity and keychain entry' }).click();
    };
    // Still the source of fc-admin: main refuses and says why.
    await deleteIdentity();
    await card.locator('.error-box').waitFor();
    expect(await card.locator('.error-box').textContent()).toMatch(/source of role\(s\) fc-admin/);
    expect(await keychain.get('test_user1')).toBe(world.userSecret);

    // Delete the role from its edit form (with confirmation).
    await page.getByRole('button', { name: 'Roles' }).click();
    await row(page, 'fc-admin').getByRole('button', { name: 'Edit fc-admin' }).click();
    await page.getByRole('button', { name: 'Delete role…' }).click();
    await page.getByRole('group', { name: 'Confirm deleting role fc-admin' }).getByRole('button', { name: 'Delete role' }).click();
    await page.getByRole('heading', { name: 'No roles yet' }).waitFor();

    // Now the identity goes, and its keychain entry with it.
    await page.getByRole('button', { name: 'Identities' }).click();
    await deleteIdentity();
    await card.waitFor({ state: 'detached' });
    expect(await keychain.get('test_user1')).toBeNull();
    await page.getByRole('button', { name: 'Roles' }).click();
    await page.locator('.view-empty').waitFor();
  });

  it('a chained role capped by STS shows its note; a broken CLI config shows a problem banner', async () => {
    const { page, world } = await start(
      async (w) => {
        const m = w.core.manager;
        await m.addIdentity({ name: 'test_user1', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, verify: true });
        await m.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'test_user1' });
        await m.addRole({ name: 'chain-target', arn: arnOf('chain-target'), source: 'fc-admin', durationSeconds: 7200 });
      },
      { sandbox: { chainedCap: true } },
    );
    const r = row(page, 'chain-target');
    await r.getByRole('button', { name: 'Switch to chain-target' }).click();
    await expect.poll(() => r.getAttribute('data-state')).toBe('active');
    await r.locator('.role-note').waitFor();
    expect(await r.locator('.role-note').textContent()).toMatch(/3600|1 hour/);
    expect(await r.locator('.countdown').textContent()).toMatch(/^(59|60):\d\d$|^1h 0m$/);

    // Someone breaks ~/.aliyun/config.json: the next snapshot carries the problem.
    await mkdir(path.dirname(world.cliConfigFile), { recursive: true });
    await writeFile(world.cliConfigFile, '{"profiles": [', { mode: 0o600 });
    await page.reload();
    const banner = page.getByRole('region', { name: 'Problems' });
    await banner.locator('.error-box').first().waitFor();
    expect(await banner.textContent()).toMatch(/not valid JSON/);
  });

  it('settings save through the core and apply the theme', async () => {
    const { page, world } = await start(async (w) => {
      await w.core.manager.addIdentity({ name: 'test_user1', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, verify: true });
    });
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByText('Dark', { exact: true }).click();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    const lead = page.getByLabel('Refresh lead time (minutes)');
    await lead.fill('10');
    await lead.press('Enter');
    await expect.poll(async () => (await world.core.manager.settings()).refreshLeadSeconds).toBe(600);
    expect((await world.core.manager.settings()).theme).toBe('dark');
    await page.getByRole('checkbox', { name: /Notifications/ }).uncheck();
    await expect.poll(async () => (await world.core.manager.settings()).notifications).toBe(false);
    // Activity lists the identity and the roles view is empty but not a first run.
    await page.getByRole('button', { name: 'Activity' }).click();
    expect(await page.locator('.activity').first().textContent()).toMatch(/identity test_user1 added/);
    await page.getByRole('button', { name: 'Roles' }).click();
    expect(await page.getByRole('heading', { name: 'No roles yet' }).isVisible()).toBe(true);
  });
});

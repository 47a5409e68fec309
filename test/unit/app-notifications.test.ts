/**
 * OS notifications: the settings switch, de-duplication, keychain outages once per outage,
 * click-through to the role, and redaction of anything secret-looking before it reaches the OS.
 */
import { describe, expect, it } from 'vitest';
import { createNotifier, schedulerNotice } from '../../main/app/notifications';
import { registerSecret } from '../../main/core/errors';

function setup(enabled = true) {
  let now = 1_000_000;
  let on = enabled;
  const shown: Array<{ title: string; body: string; onClick(): void }> = [];
  const opened: Array<string | null> = [];
  const n = createNotifier({
    show: (x) => void shown.push(x),
    enabled: () => on,
    now: () => now,
    open: (r) => void opened.push(r),
    quietMs: 60_000,
  });
  return { n, shown, opened, tick: (ms: number) => (now += ms), setEnabled: (v: boolean) => (on = v) };
}

const keychainErr = { code: 'keychain', message: 'the OS keychain (Secret Service) is not available', hint: 'unlock your keyring', retryable: false };

describe('createNotifier', () => {
  it('shows scheduler notices; a click opens the window at that role', () => {
    const s = setup();
    expect(s.n.notify(schedulerNotice({ kind: 'expiring', role: 'fc-admin', message: 'fc-admin expires in 2 min and could not be refreshed' }))).toBe(true);
    expect(s.n.notify(schedulerNotice({ kind: 'failed', role: 'revoked', message: 'revoked: role revoked or trust removed' }))).toBe(true);
    expect(s.shown.map((x) => x.title)).toEqual(['RoleTray: fc-admin is about to expire', 'RoleTray: revoked stopped refreshing']);
    s.shown[1]?.onClick();
    expect(s.opened).toEqual(['revoked']);
  });

  it('respects settings.notifications at the moment of notifying', () => {
    const s = setup(false);
    expect(s.n.notify(schedulerNotice({ kind: 'failed', role: 'a', message: 'x' }))).toBe(false);
    s.setEnabled(true);
    expect(s.n.notify(schedulerNotice({ kind: 'failed', role: 'a', message: 'x' }))).toBe(true);
    expect(s.shown).toHaveLength(1);
  });

  it('says the same thing once per quiet period', () => {
    const s = setup();
    const notice = schedulerNotice({ kind: 'failed', role: 'a', message: 'same' });
    expect(s.n.notify(notice)).toBe(true);
    expect(s.n.notify(notice)).toBe(false);
    expect(s.n.notify(schedulerNotice({ kind: 'failed', role: 'b', message: 'same' }))).toBe(true);
    s.tick(60_000);
    expect(s.n.notify(notice)).toBe(true);
    expect(s.shown).toHaveLength(3);
  });

  it('reports an unavailable keychain once per outage, from problems or session errors', () => {
    const s = setup();
    s.n.observe({ problems: [keychainErr], sessions: [] });
    s.n.observe({ problems: [keychainErr], sessions: [] });
    expect(s.shown).toHaveLength(1);
    expect(s.shown[0]?.title).toBe('RoleTray: the keychain is unavailable');
    expect(s.shown[0]?.body).toContain('unlock your keyring');
    s.n.observe({ problems: [], sessions: [{ role: 'a', error: null }] }); // recovered
    s.tick(120_000);
    s.n.observe({ problems: [], sessions: [{ role: 'fc-admin', error: keychainErr }] });
    expect(s.shown).toHaveLength(2);
    s.shown[1]?.onClick();
    expect(s.opened).toEqual(['fc-admin']);
  });

  it('never passes a secret to the OS', () => {
    const s = setup();
    const secret = 'registeredSecretValue987';
    registerSecret(secret);
    s.n.notify({ kind: 'action-failed', role: 'a', title: `failed ${secret}`, body: `AccessKeySecret=unregistered123 and ${secret}` });
    const text = JSON.stringify(s.shown.map(({ title, body }) => ({ title, body })));
    expect(text).not.toContain(secret);
    expect(text).not.toContain('unregistered123');
  });
});

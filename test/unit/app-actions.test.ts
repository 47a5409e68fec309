/**
 * Tray clicks go through backend.invoke on the same contract channels as the window's requests;
 * failures (Results or throws) are reported, never thrown into Electron's menu code.
 */
import { describe, expect, it } from 'vitest';
import { actionFailureTitle, createTrayActions } from '../../main/app/actions';
import type { TrayAction } from '../../main/core/common/tray-model';
import type { Channel } from '../../preload/contract';

function setup(answer: (channel: Channel) => unknown = () => ({ ok: true, value: null })) {
  const calls: Array<[Channel, unknown[]]> = [];
  const shown: Array<string | null | undefined> = [];
  const errors: Array<[TrayAction, string]> = [];
  let quits = 0;
  const run = createTrayActions({
    backend: {
      invoke: async (channel, args) => {
        calls.push([channel, args]);
        const a = answer(channel);
        if (a instanceof Error) throw a;
        return a;
      },
    },
    showWindow: (r) => void shown.push(r),
    quit: () => void quits++,
    reportError: (a, e) => void errors.push([a, e.message]),
  });
  return { run, calls, shown, errors, quits: () => quits };
}

describe('createTrayActions', () => {
  it.each([
    [{ kind: 'switch', role: 'r' }, 'roletray:switch-role', ['r']],
    [{ kind: 'open-console', role: 'r' }, 'roletray:open-console', ['r']],
    [{ kind: 'copy-env', role: 'r' }, 'roletray:copy-env', ['r']],
    [{ kind: 'refresh', role: 'r' }, 'roletray:refresh-role', ['r']],
    [{ kind: 'stop', role: 'r' }, 'roletray:stop-role', ['r']],
    [{ kind: 'set-launch-at-login', enabled: true }, 'roletray:update-settings', [{ launchAtLogin: true }]],
    [{ kind: 'start-sandbox' }, 'roletray:start-sandbox', []],
  ] as const)('%o -> %s', async (action, channel, args) => {
    const s = setup();
    await s.run(action);
    expect(s.calls).toEqual([[channel, args]]);
    expect(s.errors).toEqual([]);
  });

  it('open-window and quit touch no backend', async () => {
    const s = setup();
    await s.run({ kind: 'open-window' });
    await s.run({ kind: 'quit' });
    expect(s.calls).toEqual([]);
    expect(s.shown).toHaveLength(1);
    expect(s.quits()).toBe(1);
  });

  it('the sandbox item opens the window after starting it', async () => {
    const s = setup();
    await s.run({ kind: 'start-sandbox' });
    expect(s.shown).toHaveLength(1);
  });

  it('reports failed Results and thrown errors instead of throwing', async () => {
    const s = setup((ch) => (ch === 'roletray:switch-role' ? { ok: false, error: { code: 'sts', message: 'role revoked', hint: '', retryable: false } } : new Error('ipc gone')));
    await expect(s.run({ kind: 'switch', role: 'r' })).resolves.toBeUndefined();
    await expect(s.run({ kind: 'stop', role: 'r' })).resolves.toBeUndefined();
    expect(s.errors.map(([a, m]) => [a.kind, m])).toEqual([
      ['switch', 'role revoked'],
      ['stop', 'ipc gone'],
    ]);
  });

  it('names each failure for its notification', () => {
    expect(actionFailureTitle({ kind: 'switch', role: 'fc-admin' })).toBe('Could not switch to fc-admin');
    expect(actionFailureTitle({ kind: 'open-console', role: 'x' })).toBe('Could not open the console as x');
    expect(actionFailureTitle({ kind: 'start-sandbox' })).toBe('Could not start the sandbox');
  });
});

/**
 * A static AppSnapshot (preload/contract.ts) with many roles and active sessions, for the renderer
 * benchmark. Typed against the contract, so a shape change breaks the type-check, not the numbers.
 */
import type { AppSnapshot, RoleView, SessionView } from '../../preload/contract';
import { DEFAULT_SETTINGS } from '../../main/core/common/model';

const ACCOUNTS = [
  { id: '1234567890123456', alias: 'acme-prod' },
  { id: '2345678901234567', alias: 'acme-staging' },
  { id: '3456789012345678', alias: 'acme-dev' },
  { id: '4567890123456789', alias: 'partner-a' },
  { id: '5678901234567890', alias: 'partner-b' },
];

/**
 * `roles` roles over five accounts, every one with an active session that expires between 20 and
 * 59 minutes from `now`: the worst case for the countdowns (under an hour each one's text changes
 * every second; above an hour it shows "5h 12m" and changes once a minute).
 */
export function benchSnapshot(roles: number, now: number): AppSnapshot {
  const roleViews: RoleView[] = [];
  const sessions: SessionView[] = [];
  for (let i = 0; i < roles; i++) {
    const acct = ACCOUNTS[i % ACCOUNTS.length]!;
    const name = `role-${String(i).padStart(3, '0')}`;
    const arn = `acs:ram::${acct.id}:role/${name}`;
    roleViews.push({
      name,
      arn,
      source: 'me',
      profile: `rt-${name}`,
      durationSeconds: 3600,
      region: 'cn-hangzhou',
      accountAlias: acct.alias,
      accountId: acct.id,
      accountLabel: acct.alias,
      chain: ['me', name],
    });
    const expiresAt = now + (20 * 60 + ((i * 97) % (39 * 60))) * 1000;
    sessions.push({
      role: name,
      profile: `rt-${name}`,
      state: 'active',
      expiresAt,
      issuedAt: expiresAt - 3600_000,
      assumedRoleArn: `${arn}/bench`,
      current: i === 0,
      error: null,
      note: null,
    });
  }
  return {
    identities: [
      { name: 'me', accessKeyId: 'RTSANDBOX0USER0001', site: 'cn', region: 'cn-hangzhou', stsEndpoint: null, accountId: '9876543210987654', arn: 'acs:ram::9876543210987654:user/test_user1', placeholder: false },
    ],
    roles: roleViews,
    sessions,
    settings: { ...DEFAULT_SETTINGS },
    currentProfile: 'rt-role-000',
    foreignProfiles: ['default'],
    activity: [],
    sandbox: { running: false, url: null },
    problems: [],
    platform: 'linux',
  };
}

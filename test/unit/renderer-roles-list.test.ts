import { describe, expect, it } from 'vitest';
import type { RoleView } from '../../preload/contract';
import { displayOrder, filterRoles, groupByAccount, moveSelection } from '../../renderer/roles-list';

function role(name: string, accountId: string, accountLabel = accountId, profile = `roletray-${name}`): RoleView {
  return { name, arn: `acs:ram::${accountId}:role/${name}`, source: 'me', profile, durationSeconds: 3600, accountId, accountLabel, chain: ['me'] };
}

const roles = [
  role('fc-admin', '1234567890123456', 'acme-prod'),
  role('readonly', '1234567890123456', 'acme-prod', 'prod-ro'),
  role('billing', '9876543210987654', 'acme-dev'),
  role('Admin2', '1234567890123456', 'acme-prod'),
];

describe('filterRoles', () => {
  it.each([
    ['', ['fc-admin', 'readonly', 'billing', 'Admin2']],
    ['admin', ['fc-admin', 'Admin2']],
    ['ACME-DEV', ['billing']],
    ['prod-ro', ['readonly']],
    ['9876', ['billing']],
    ['prod admin', ['fc-admin', 'Admin2']],
    ['nothing', []],
  ])('%j', (q, names) => {
    expect(filterRoles(roles, q).map((r) => r.name)).toEqual(names);
  });
});

describe('groupByAccount', () => {
  it('groups by account, sorted by label then role name', () => {
    const groups = groupByAccount(roles);
    expect(groups.map((g) => [g.label, g.roles.map((r) => r.name)])).toEqual([
      ['acme-dev', ['billing']],
      ['acme-prod', ['Admin2', 'fc-admin', 'readonly']],
    ]);
    expect(displayOrder(groups)).toEqual(['billing', 'Admin2', 'fc-admin', 'readonly']);
  });
});

describe('moveSelection', () => {
  const order = ['a', 'b', 'c'];
  it.each([
    [null, 1, 'a'],
    [null, -1, 'c'],
    ['a', 1, 'b'],
    ['c', 1, 'c'],
    ['a', -1, 'a'],
    ['gone', 1, 'a'],
  ] as const)('from %s by %d -> %s', (from, delta, to) => {
    expect(moveSelection(order, from, delta)).toBe(to);
  });
  it('is null for an empty list', () => {
    expect(moveSelection([], 'a', 1)).toBeNull();
  });
});

/**
 * Pure helpers of the roles list: filtering by the search query and grouping by account.
 */
import type { RoleView } from '../preload/contract';

export interface AccountGroup {
  accountId: string;
  label: string;
  roles: RoleView[];
}

/** Roles whose name, account (label or ID) or CLI profile contains every word of the query. */
export function filterRoles(roles: readonly RoleView[], query: string): RoleView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...roles];
  return roles.filter((r) => {
    const hay = `${r.name}\n${r.accountLabel}\n${r.accountId}\n${r.profile}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Roles grouped by account, groups sorted by label, roles by name. */
export function groupByAccount(roles: readonly RoleView[]): AccountGroup[] {
  const groups = new Map<string, AccountGroup>();
  for (const r of roles) {
    let g = groups.get(r.accountId);
    if (!g) {
      g = { accountId: r.accountId, label: r.accountLabel, roles: [] };
      groups.set(r.accountId, g);
    }
    g.roles.push(r);
  }
  const out = [...groups.values()];
  out.sort((a, b) => collator.compare(a.label, b.label));
  for (const g of out) g.roles.sort((a, b) => collator.compare(a.name, b.name));
  return out;
}

/** Role names in display order. */
export function displayOrder(groups: readonly AccountGroup[]): string[] {
  return groups.flatMap((g) => g.roles.map((r) => r.name));
}

/** The role after moving `delta` rows from `from` (clamped), or the first/last when nothing is selected. */
export function moveSelection(order: readonly string[], from: string | null, delta: number): string | null {
  if (order.length === 0) return null;
  const i = from === null ? -1 : order.indexOf(from);
  if (i < 0) return delta >= 0 ? (order[0] ?? null) : (order[order.length - 1] ?? null);
  const j = Math.max(0, Math.min(order.length - 1, i + delta));
  return order[j] ?? null;
}

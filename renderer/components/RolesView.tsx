import { useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { RoleView } from '../../preload/contract';
import { useActions, useRoleTray } from '../hooks';
import { displayOrder, filterRoles, groupByAccount, moveSelection } from '../roles-list';
import { RoleRow } from './RoleRow';

const NO_ROLES: RoleView[] = [];

function isEditable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || el.matches('input, textarea, select');
}

/** The home view: roles grouped by account, with search and keyboard navigation. */
export function RolesView() {
  const roles = useRoleTray((s) => s.snapshot?.roles ?? NO_ROLES);
  const selectedRole = useRoleTray((s) => s.selectedRole);
  const focusRequest = useRoleTray((s) => s.focusRequest);
  const actions = useActions();
  const [query, setQuery] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const groups = useMemo(() => groupByAccount(filterRoles(roles, query)), [roles, query]);
  const order = useMemo(() => displayOrder(groups), [groups]);
  const effective = selectedRole !== null && order.includes(selectedRole) ? selectedRole : (order[0] ?? null);

  const focusRow = (name: string | null): void => {
    if (name === null) return;
    actions.select(name);
    const el = listRef.current?.querySelector<HTMLElement>(`[data-role="${CSS.escape(name)}"]`);
    el?.focus();
  };

  // "/" focuses the search field from anywhere in the roles view.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent): void => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // Main asked to show a role (tray click): focus its row.
  useEffect(() => {
    if (!focusRequest) return;
    listRef.current?.querySelector<HTMLElement>(`[data-role="${CSS.escape(focusRequest.role)}"]`)?.focus();
  }, [focusRequest]);

  const onListKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (isEditable(e.target)) return;
    const rowFocused = e.target instanceof HTMLElement && e.target.matches('.role-row');
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        e.preventDefault();
        const from = rowFocused ? (e.target as HTMLElement).dataset['role'] ?? effective : effective;
        focusRow(moveSelection(order, from ?? null, e.key === 'ArrowDown' ? 1 : -1));
        break;
      }
      case 'Home':
        e.preventDefault();
        focusRow(order[0] ?? null);
        break;
      case 'End':
        e.preventDefault();
        focusRow(order[order.length - 1] ?? null);
        break;
      case 'Enter':
        if (rowFocused) {
          e.preventDefault();
          const name = (e.target as HTMLElement).dataset['role'];
          if (name) void actions.switchRole(name);
        }
        break;
      default:
        break;
    }
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      focusRow(effective);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (effective !== null) {
        actions.select(effective);
        void actions.switchRole(effective);
      }
    } else if (e.key === 'Escape' && query) {
      e.preventDefault();
      setQuery('');
    }
  };

  return (
    <section className="view view-roles" aria-labelledby="roles-heading">
      <div className="toolbar">
        <h1 id="roles-heading" className="visually-hidden">
          Roles
        </h1>
        <div className="search">
          <svg className="search-icon" viewBox="0 0 16 16" aria-hidden="true">
            <circle cx="7" cy="7" r="4.5" />
            <path d="M10.5 10.5 14 14" />
          </svg>
          <input
            ref={searchRef}
            type="search"
            className="search-input"
            placeholder="Filter by role, account or profile"
            aria-label="Filter roles by name, account or profile"
            aria-keyshortcuts="/"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onSearchKey}
          />
          <kbd className="search-kbd" aria-hidden="true">
            /
          </kbd>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => actions.navigate({ name: 'role-form', editing: null })}>
          Add role
        </button>
      </div>

      {roles.length === 0 ? (
        <div className="placeholder">
          <h2>No roles yet</h2>
          <p>Paste the ARN of a RAM role you may assume, for example acs:ram::123456789012****:role/fc-admin.</p>
          <button type="button" className="btn btn-primary" onClick={() => actions.navigate({ name: 'role-form', editing: null })}>
            Add your first role
          </button>
        </div>
      ) : order.length === 0 ? (
        <div className="placeholder" role="status">
          <p>No role matches “{query}”.</p>
        </div>
      ) : (
        <div
          className="role-groups"
          ref={listRef}
          onKeyDown={onListKey}
          tabIndex={selectedRole !== null && order.includes(selectedRole) ? -1 : 0}
          aria-label="Roles"
          role="region"
          onFocus={(e) => {
            if (e.target === e.currentTarget) focusRow(effective);
          }}
        >
          {groups.map((g) => (
            <section key={g.accountId} className="account-group" aria-labelledby={`acct-${g.accountId}`}>
              <h2 className="account-heading" id={`acct-${g.accountId}`}>
                <span className="account-label">{g.label}</span>
                {g.label !== g.accountId ? <span className="account-id">{g.accountId}</span> : null}
                <span className="account-count">
                  {g.roles.length} role{g.roles.length === 1 ? '' : 's'}
                </span>
              </h2>
              <ul className="role-list">
                {g.roles.map((r) => (
                  <RoleRow key={r.name} role={r} />
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
      <p className="keyboard-hint" aria-hidden="true">
        <kbd>/</kbd> search · <kbd>↑</kbd>
        <kbd>↓</kbd> move · <kbd>Enter</kbd> switch
      </p>
    </section>
  );
}

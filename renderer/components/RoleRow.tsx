import { memo, useEffect, useRef, useState } from 'react';
import type { RoleView } from '../../preload/contract';
import { useActions, useRoleTray } from '../hooks';
import type { RoleAction } from '../store';
import { selectPending, selectRoleError, selectSession } from '../store';
import { observeVisibility } from '../visibility';
import { Countdown, LifeBar } from './Countdown';
import { ErrorDetails } from './ErrorDetails';
import { StateBadge } from './StateBadge';

const PENDING_LABELS: Record<RoleAction, string> = {
  switch: 'Switching…',
  refresh: 'Refreshing…',
  stop: 'Stopping…',
  console: 'Signing in…',
  copy: 'Copying…',
  remove: 'Removing…',
};

/**
 * One role: name, profile, state, countdown, life bar and one-click actions.
 *
 * Subscribes only to its own session, pending flag, error and selection, so a change to another
 * role does not re-render it (the `role` prop keeps its identity across snapshots, see merge.ts).
 */
export const RoleRow = memo(function RoleRow({ role }: { role: RoleView }) {
  const name = role.name;
  const session = useRoleTray(selectSession(name));
  const pending = useRoleTray(selectPending(name));
  const actionError = useRoleTray(selectRoleError(name));
  const selected = useRoleTray((s) => s.selectedRole === name);
  const actions = useActions();
  // Only rows on (or near) the screen follow the clock.
  const rowRef = useRef<HTMLLIElement>(null);
  const [onScreen, setOnScreen] = useState(false);
  useEffect(() => {
    const el = rowRef.current;
    return el ? observeVisibility(el, setOnScreen) : undefined;
  }, []);

  const state = session?.state ?? 'stopped';
  const current = session?.current ?? false;
  const hasSession = session?.expiresAt != null;
  const error = actionError ?? session?.error ?? null;
  const busy = pending !== undefined;
  const nameId = `role-name-${name}`;

  return (
    <li
      ref={rowRef}
      className={`role-row${current ? ' is-current' : ''}${selected ? ' is-selected' : ''}`}
      data-role={name}
      data-state={state}
      aria-labelledby={nameId}
      aria-current={current ? 'true' : undefined}
      aria-busy={busy || undefined}
      tabIndex={selected ? 0 : -1}
      onFocus={(e) => {
        if (e.target === e.currentTarget && !selected) actions.select(name);
      }}
      onMouseDown={() => {
        if (!selected) actions.select(name);
      }}
    >
      <div className="role-main">
        <div className="role-title">
          <span className="current-mark" aria-hidden="true" />
          <span className="role-name" id={nameId}>
            {name}
          </span>
          {current ? <span className="pill pill-current">Current</span> : null}
        </div>
        <div className="role-meta">
          <code className="profile" title="aliyun CLI profile">
            {session?.profile ?? role.profile}
          </code>
          <span className="sep" aria-hidden="true">
            ·
          </span>
          <span className="chain" title={`assumed with ${role.chain.join(' → ')}`}>
            via {role.chain.join(' → ')}
          </span>
          {role.region ? (
            <>
              <span className="sep" aria-hidden="true">
                ·
              </span>
              <span>{role.region}</span>
            </>
          ) : null}
        </div>
        {session?.note ? <p className="role-note">{session.note}</p> : null}
      </div>

      <div className="role-status">
        <div className="role-status-line">
          {pending ? (
            <span className="badge badge-pending" role="status">
              <span className="badge-dot" aria-hidden="true" />
              {PENDING_LABELS[pending]}
            </span>
          ) : (
            <StateBadge state={state} />
          )}
          <Countdown expiresAt={session?.expiresAt ?? null} live={onScreen} />
        </div>
        <LifeBar issuedAt={session?.issuedAt ?? null} expiresAt={session?.expiresAt ?? null} live={onScreen} />
      </div>

      <div className="role-actions">
        <button
          type="button"
          className={`btn btn-switch${current && hasSession ? ' btn-quiet' : ''}`}
          aria-label={`Switch to ${name}`}
          disabled={busy}
          onClick={() => void actions.switchRole(name)}
        >
          {current && hasSession ? 'Current' : 'Switch'}
        </button>
        <button type="button" className="btn btn-ghost" aria-label={`Open console as ${name}`} disabled={busy} onClick={() => void actions.openConsole(name)}>
          Console
        </button>
        <button type="button" className="btn btn-ghost" aria-label={`Copy env exports for ${name}`} disabled={busy} onClick={() => void actions.copyEnv(name)}>
          Copy env
        </button>
        <button type="button" className="btn btn-ghost" aria-label={`Refresh ${name}`} disabled={busy} onClick={() => void actions.refreshRole(name)}>
          Refresh
        </button>
        <button type="button" className="btn btn-ghost" aria-label={`Stop ${name}`} disabled={busy || !hasSession} onClick={() => void actions.stopRole(name)}>
          Stop
        </button>
        <button type="button" className="btn btn-ghost" aria-label={`Edit ${name}`} disabled={busy} onClick={() => actions.navigate({ name: 'role-form', editing: name })}>
          Edit
        </button>
      </div>

      {error ? (
        <div className="role-error">
          <ErrorDetails error={error} {...(actionError ? { onDismiss: actions.dismissError } : {})} />
        </div>
      ) : null}
    </li>
  );
});

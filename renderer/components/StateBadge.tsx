import type { SessionView } from '../../preload/contract';

type SessionState = SessionView['state'];

export const STATE_LABELS: Record<SessionState, string> = {
  active: 'Active',
  refreshing: 'Refreshing',
  expiring: 'Expiring',
  expired: 'Expired',
  error: 'Error',
  stopped: 'Stopped',
};

/** Session state as a small colored badge (color is reserved for state). */
export function StateBadge({ state }: { state: SessionState }) {
  return (
    <span className={`badge badge-${state}`} data-state={state}>
      <span className="badge-dot" aria-hidden="true" />
      {STATE_LABELS[state]}
    </span>
  );
}

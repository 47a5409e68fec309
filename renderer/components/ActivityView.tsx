import type { ActivityView as Activity } from '../../preload/contract';
import { formatClockTime, formatDateTime } from '../format';
import { useRoleTray } from '../hooks';

const NONE: Activity[] = [];

const KIND_LABELS: Record<Activity['kind'], string> = {
  assume: 'Assume',
  refresh: 'Refresh',
  switch: 'Switch',
  stop: 'Stop',
  error: 'Error',
  identity: 'Identity',
  role: 'Role',
};

/** Recent assumes, refreshes, switches and errors, newest first. */
export function ActivityView() {
  const activity = useRoleTray((s) => s.snapshot?.activity ?? NONE);
  // Main lists activity oldest first; show newest first (stable for entries of the same time).
  const rows = [...activity].reverse().sort((a, b) => b.at - a.at);
  return (
    <section className="view view-activity" aria-labelledby="activity-heading">
      <div className="toolbar">
        <h1 id="activity-heading" className="view-title">
          Activity
        </h1>
      </div>
      {rows.length === 0 ? (
        <div className="placeholder">
          <p>Nothing yet. Assumes, refreshes, switches and errors show up here.</p>
        </div>
      ) : (
        <ol className="activity-list">
          {rows.map((a, i) => (
            <li key={`${a.at}-${i}`} className={`activity activity-${a.kind}`}>
              <time dateTime={new Date(a.at).toISOString()} title={formatDateTime(a.at)}>
                {formatClockTime(a.at)}
              </time>
              <span className={`kind kind-${a.kind}`}>{KIND_LABELS[a.kind]}</span>
              <span className="activity-subject">{a.role ?? ''}</span>
              <span className="activity-message">{a.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

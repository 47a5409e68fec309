import { useEffect } from 'react';
import type { ErrorView } from '../../preload/contract';
import { useActions, useRoleTray } from '../hooks';
import { ErrorDetails } from './ErrorDetails';

const NONE: ErrorView[] = [];

/** Problems main reports (CLI config invalid, keychain unavailable), as banners above every view. */
export function ProblemsBanner() {
  const problems = useRoleTray((s) => s.snapshot?.problems ?? NONE);
  if (problems.length === 0) return null;
  return (
    <section className="problems" aria-label="Problems">
      {problems.map((p, i) => (
        <ErrorDetails key={`${p.code}-${i}`} error={p} />
      ))}
    </section>
  );
}

const NOTICE_MS = 4000;

/** Status line: the last confirmation, or an error that has no row or form to show it. */
export function StatusLine() {
  const notice = useRoleTray((s) => s.notice);
  const globalError = useRoleTray((s) => (s.lastError && (s.lastError.action === 'sandbox' || s.lastError.action === 'load') ? s.lastError.error : null));
  const actions = useActions();

  useEffect(() => {
    if (!notice) return undefined;
    const t = window.setTimeout(() => actions.dismissNotice(), NOTICE_MS);
    return () => window.clearTimeout(t);
  }, [notice, actions]);

  return (
    <div className="statusline">
      {globalError ? <ErrorDetails error={globalError} onDismiss={actions.dismissError} /> : null}
      <p className="notice" role="status" aria-live="polite">
        {notice?.text ?? ''}
      </p>
    </div>
  );
}

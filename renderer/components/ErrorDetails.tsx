import { useId, useState } from 'react';
import type { ErrorView } from '../../preload/contract';

/**
 * An error in plain words: what happened and what to do, with the technical identifiers (error
 * code, STS code, RequestId) behind a details toggle.
 */
export function ErrorDetails({ error, title, onDismiss }: { error: ErrorView; title?: string; onDismiss?: () => void }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  return (
    <div className="error-box" role="alert">
      <div className="error-text">
        {title ? <strong className="error-title">{title}</strong> : null}
        <p className="error-message">{capitalize(error.message)}</p>
        {error.hint ? <p className="error-hint">{capitalize(error.hint)}</p> : null}
        {open ? (
          <dl className="error-ids" id={detailsId}>
            <dt>Code</dt>
            <dd>
              <code>{error.code}</code>
            </dd>
            {error.stsCode ? (
              <>
                <dt>STS code</dt>
                <dd>
                  <code>{error.stsCode}</code>
                </dd>
              </>
            ) : null}
            {error.requestId ? (
              <>
                <dt>RequestId</dt>
                <dd>
                  <code className="selectable">{error.requestId}</code>
                </dd>
              </>
            ) : null}
            <dt>Retryable</dt>
            <dd>{error.retryable ? 'yes, RoleTray keeps retrying' : 'no'}</dd>
          </dl>
        ) : null}
      </div>
      <div className="error-actions">
        <button type="button" className="btn btn-link" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide details' : 'Details'}
        </button>
        {onDismiss ? (
          <button type="button" className="btn btn-link" onClick={onDismiss}>
            Dismiss
          </button>
        ) : null}
      </div>
    </div>
  );
}

function capitalize(s: string): string {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

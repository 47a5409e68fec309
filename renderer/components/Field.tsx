import { useState } from 'react';
import type { ReactNode } from 'react';

/** ids and ARIA attributes tying an input to its label, hint and error. */
export function describedBy(id: string, parts: { hint?: ReactNode; error?: string | undefined; note?: string | undefined }) {
  const ids = [parts.error ? `${id}-error` : '', parts.note ? `${id}-note` : '', parts.hint ? `${id}-hint` : ''].filter(Boolean);
  return {
    id,
    'aria-invalid': parts.error ? true : undefined,
    'aria-describedby': ids.length ? ids.join(' ') : undefined,
  } as const;
}

/** A labelled form field with an optional hint, a non-blocking note and an error. */
export function Field({
  id,
  label,
  optional,
  hint,
  error,
  note,
  wide,
  children,
}: {
  id: string;
  label: string;
  optional?: boolean;
  hint?: ReactNode;
  error?: string | undefined;
  note?: string | undefined;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={`field${wide ? ' field-wide' : ''}${error ? ' has-error' : ''}`}>
      <label htmlFor={id} className="field-label">
        {label}
        {optional ? <span className="optional"> optional</span> : null}
      </label>
      {children}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {note ? (
        <p className="field-note" id={`${id}-note`}>
          {note}
        </p>
      ) : null}
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Delete button that asks for confirmation inline before calling `onConfirm`. */
export function ConfirmDelete({
  what,
  message,
  confirmLabel,
  onConfirm,
  busy,
}: {
  what: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
}) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button type="button" className="btn btn-danger-quiet" onClick={() => setOpen(true)}>
        Delete {what}…
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={`Confirm deleting ${what}`}>
      <p className="confirm-message">{message}</p>
      <div className="confirm-actions">
        <button type="button" className="btn btn-danger" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => setOpen(false)} autoFocus>
          Cancel
        </button>
      </div>
    </div>
  );
}

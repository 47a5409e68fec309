import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { ErrorView, IdentityView, Site } from '../../preload/contract';
import type { IdentityField, IdentityFormValues } from '../forms';
import { emptyIdentityForm, hasErrors, identityInput, validateIdentityForm } from '../forms';
import { useActions, useRoleTray } from '../hooks';
import type { IdentityPreset } from '../store';
import { selectSnapshot } from '../store';
import { ErrorDetails } from './ErrorDetails';
import { describedBy, Field } from './Field';

type Outcome = { ok: true; name: string; accountId: string | null; arn: string | null } | { ok: false; error: ErrorView } | null;

const NO_IDENTITIES: IdentityView[] = [];

/**
 * Add or edit an identity (a RAM user's AccessKey pair). The secret goes to main once and is
 * cleared from this form's state as soon as it is sent, whatever the outcome; main verifies the
 * key with GetCallerIdentity before it stores anything.
 */
export function IdentityForm({ editing, preset }: { editing: string | null; preset?: IdentityPreset | undefined }) {
  const snapshot = useRoleTray(selectSnapshot);
  const identities = snapshot?.identities ?? NO_IDENTITIES;
  const actions = useActions();
  const [values, setValues] = useState<IdentityFormValues>(() => {
    const existing = editing !== null ? identities.find((i) => i.name === editing) : undefined;
    if (existing) {
      return { name: existing.name, accessKeyId: existing.accessKeyId, secret: '', site: existing.site, region: existing.region, stsEndpoint: existing.stsEndpoint ?? '' };
    }
    return { ...emptyIdentityForm(snapshot), ...preset };
  });
  const [touched, setTouched] = useState<Partial<Record<IdentityField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const errors = validateIdentityForm(values, snapshot, editing);
  const shown = (f: IdentityField): string | undefined => (touched[f] || submitted ? errors[f] : undefined);
  const update = (f: IdentityField, v: string): void => setValues((prev) => ({ ...prev, [f]: v }));
  const blur = (f: IdentityField) => () => setTouched((t) => (t[f] ? t : { ...t, [f]: true }));

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    if (hasErrors(errors)) {
      setSubmitted(true);
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const input = identityInput(values, editing);
    // The secret leaves the form state now; it exists only in `input` until the call returns.
    setValues((v) => ({ ...v, secret: '' }));
    setTouched({});
    setSubmitted(false);
    setBusy(true);
    setOutcome(null);
    try {
      const res = await actions.saveIdentity(input);
      setOutcome(res.ok ? { ok: true, name: input.name, ...res.value } : { ok: false, error: res.error });
    } finally {
      input.secret = '';
      setValues((v) => ({ ...v, secret: '' }));
      setBusy(false);
    }
  };

  if (outcome?.ok) {
    return (
      <section className="view view-form" aria-labelledby="identity-heading">
        <FormHeader title={editing ? `Identity ${editing}` : 'Add identity'} onBack={() => actions.navigate({ name: 'identities' })} />
        <div className="success-box" role="status">
          <h2 id="identity-heading">Identity {outcome.name} verified</h2>
          <p>STS GetCallerIdentity accepted the key. The secret is in the system keychain; RoleTray uses it only to assume roles.</p>
          <dl className="facts">
            <dt>Account ID</dt>
            <dd>
              <code className="selectable">{outcome.accountId ?? 'unknown'}</code>
            </dd>
            <dt>ARN</dt>
            <dd>
              <code className="selectable">{outcome.arn ?? 'unknown'}</code>
            </dd>
          </dl>
          <div className="form-actions">
            <button type="button" className="btn btn-primary" onClick={() => actions.navigate({ name: 'role-form', editing: null })}>
              Add a role
            </button>
            <button type="button" className="btn" onClick={() => actions.navigate({ name: 'identities' })}>
              Done
            </button>
          </div>
        </div>
      </section>
    );
  }

  return (
    <section className="view view-form" aria-labelledby="identity-heading">
      <FormHeader title={editing ? `Edit identity ${editing}` : 'Add identity'} headingId="identity-heading" onBack={() => actions.navigate({ name: 'identities' })} />
      <p className="lede">
        A RAM user's AccessKey pair. RoleTray keeps the secret in the system keychain and only uses it to call STS AssumeRole; give the user{' '}
        <code>AliyunSTSAssumeRoleAccess</code> and nothing else.
      </p>
      <form ref={formRef} className="form" noValidate onSubmit={(e) => void onSubmit(e)} aria-busy={busy || undefined}>
        <div className="form-grid">
          <Field id="identity-name" label="Name" error={shown('name')} hint="Shown in RoleTray and used as the keychain account.">
            <input
              {...describedBy('identity-name', { error: shown('name'), hint: true })}
              value={values.name}
              readOnly={editing !== null}
              autoComplete="off"
              spellCheck={false}
              placeholder="test_user1"
              onChange={(e) => update('name', e.target.value)}
              onBlur={blur('name')}
            />
          </Field>
          <Field id="identity-akid" label="AccessKey ID" error={shown('accessKeyId')}>
            <input
              {...describedBy('identity-akid', { error: shown('accessKeyId') })}
              value={values.accessKeyId}
              autoComplete="off"
              spellCheck={false}
              placeholder="LTAI…"
              onChange={(e) => update('accessKeyId', e.target.value)}
              onBlur={blur('accessKeyId')}
            />
          </Field>
          <Field
            id="identity-secret"
            label="AccessKey secret"
            error={shown('secret')}
            wide
            hint={editing ? 'Enter the secret again: RoleTray verifies the key before it replaces the stored one.' : 'Sent once to the keychain; never shown again, never written to a file.'}
          >
            <input
              {...describedBy('identity-secret', { error: shown('secret'), hint: true })}
              type="password"
              value={values.secret}
              autoComplete="new-password"
              spellCheck={false}
              onChange={(e) => update('secret', e.target.value)}
              onBlur={blur('secret')}
            />
          </Field>
          <Field id="identity-site" label="Site">
            <select id="identity-site" value={values.site} onChange={(e) => update('site', e.target.value as Site)}>
              <option value="cn">China (aliyun.com)</option>
              <option value="intl">International (alibabacloud.com)</option>
            </select>
          </Field>
          <Field id="identity-region" label="Default region" error={shown('region')}>
            <input
              {...describedBy('identity-region', { error: shown('region') })}
              value={values.region}
              list="region-list"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => update('region', e.target.value)}
              onBlur={blur('region')}
            />
          </Field>
          <Field
            id="identity-endpoint"
            label="STS endpoint"
            optional
            wide
            error={shown('stsEndpoint')}
            hint={`Default: sts.${values.region.trim() || '<region>'}.aliyuncs.com. Must be https, except a loopback sandbox.`}
          >
            <input
              {...describedBy('identity-endpoint', { error: shown('stsEndpoint'), hint: true })}
              value={values.stsEndpoint}
              autoComplete="off"
              spellCheck={false}
              placeholder={`https://sts.${values.region.trim() || 'cn-hangzhou'}.aliyuncs.com`}
              onChange={(e) => update('stsEndpoint', e.target.value)}
              onBlur={blur('stsEndpoint')}
            />
          </Field>
        </div>

        {outcome && !outcome.ok ? <ErrorDetails error={outcome.error} title="The key was not saved" /> : null}

        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Verifying…' : editing ? 'Verify and save' : 'Verify and add'}
          </button>
          <button type="button" className="btn" onClick={() => actions.navigate({ name: 'identities' })}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

/** Title row of a form view with a back button. */
export function FormHeader({ title, headingId, onBack }: { title: string; headingId?: string; onBack: () => void }) {
  return (
    <div className="form-header">
      <button type="button" className="btn btn-ghost btn-back" onClick={onBack} aria-label="Back">
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M10 3 5 8l5 5" />
        </svg>
      </button>
      {headingId ? <h1 id={headingId}>{title}</h1> : <h1>{title}</h1>}
    </div>
  );
}

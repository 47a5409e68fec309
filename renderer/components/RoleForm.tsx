import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { ErrorView } from '../../preload/contract';
import { parseRoleArn } from '../../main/core/common/validate';
import { formatDurationSeconds } from '../format';
import type { RoleField, RoleFormValues } from '../forms';
import { emptyRoleForm, hasErrors, roleFormFromRole, roleInput, roleNameFromArn, sourceOptions, validateRoleForm } from '../forms';
import { useActions, useRoleTray } from '../hooks';
import { selectSnapshot } from '../store';
import { ErrorDetails } from './ErrorDetails';
import { describedBy, Field } from './Field';
import { FormHeader } from './IdentityForm';

const DURATION_PRESETS = [900, 3600, 7200, 14400, 43200];

/**
 * Add or edit a role: ARN (validated live), display name, source (identity or role, cycles
 * refused), CLI profile (clashes with unmanaged profiles shown), region, duration, session name,
 * ExternalId and session policy (JSON validated live).
 */
export function RoleForm({ editing }: { editing: string | null }) {
  const snapshot = useRoleTray(selectSnapshot);
  const actions = useActions();
  const [values, setValues] = useState<RoleFormValues>(() => {
    const existing = editing !== null ? snapshot?.roles.find((r) => r.name === editing) : undefined;
    return existing ? roleFormFromRole(existing) : emptyRoleForm(snapshot);
  });
  const [touched, setTouched] = useState<Partial<Record<RoleField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const check = validateRoleForm(values, snapshot, editing);
  const { errors, notes } = check;
  // The ARN and the policy are validated as you type; other fields once touched.
  const live = (f: RoleField): boolean => f === 'arn' || f === 'policy' || f === 'profile';
  const shown = (f: RoleField): string | undefined => {
    const err = errors[f];
    if (!err) return undefined;
    if (submitted || touched[f]) return err;
    if (live(f) && values[f].trim() !== '') return err;
    return undefined;
  };
  const update = (f: RoleField, v: string): void => setValues((prev) => ({ ...prev, [f]: v }));
  const blur = (f: RoleField) => () => setTouched((t) => (t[f] ? t : { ...t, [f]: true }));

  const parsedArn = parseRoleArn(values.arn.trim());
  const derivedName = roleNameFromArn(values.arn);
  const options = sourceOptions(snapshot, values.name.trim() || derivedName, editing);
  const identityOptions = options.filter((o) => o.kind === 'identity');
  const roleOptions = options.filter((o) => o.kind === 'role');
  const durationSeconds = /^\d+$/.test(values.duration.trim()) ? Number(values.duration.trim()) : NaN;
  const defaultRegion = snapshot?.settings.defaultRegion ?? 'cn-hangzhou';

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setSubmitted(true);
    if (hasErrors(errors)) {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const input = roleInput(values);
    const res = await actions.saveRole(input, editing);
    setBusy(false);
    if (res.ok) {
      actions.select(input.name);
      actions.navigate({ name: 'roles' });
    } else {
      setError(res.error);
    }
  };

  const remove = async (): Promise<void> => {
    if (editing === null) return;
    setBusy(true);
    const res = await actions.removeRole(editing);
    setBusy(false);
    if (res.ok) actions.navigate({ name: 'roles' });
    else setError(res.error);
  };

  return (
    <section className="view view-form" aria-labelledby="role-heading">
      <FormHeader title={editing ? `Edit role ${editing}` : 'Add role'} headingId="role-heading" onBack={() => actions.navigate({ name: 'roles' })} />
      <form ref={formRef} className="form" noValidate onSubmit={(e) => void onSubmit(e)} aria-busy={busy || undefined}>
        <div className="form-grid">
          <Field
            id="role-arn"
            label="Role ARN"
            wide
            error={shown('arn')}
            hint={
              parsedArn ? (
                <>
                  Account <code>{parsedArn.accountId}</code>, role <code>{parsedArn.roleName}</code>
                </>
              ) : (
                'From the RAM console: Identities › Roles › the role › ARN.'
              )
            }
          >
            <input
              {...describedBy('role-arn', { error: shown('arn'), hint: true })}
              value={values.arn}
              autoComplete="off"
              spellCheck={false}
              placeholder="acs:ram::123456789012****:role/fc-admin"
              onChange={(e) => update('arn', e.target.value)}
              onBlur={blur('arn')}
            />
          </Field>
          <Field id="role-name" label="Display name" error={shown('name')} hint={values.name.trim() ? undefined : derivedName ? `Defaults to ${derivedName}` : undefined}>
            <input
              {...describedBy('role-name', { error: shown('name'), hint: !values.name.trim() && derivedName })}
              value={values.name}
              autoComplete="off"
              spellCheck={false}
              placeholder={derivedName || 'fc-admin'}
              onChange={(e) => update('name', e.target.value)}
              onBlur={blur('name')}
            />
          </Field>
          <Field id="role-source" label="Assume with" error={shown('source')} note={notes.source}>
            <select
              {...describedBy('role-source', { error: shown('source') })}
              value={values.source}
              onChange={(e) => update('source', e.target.value)}
              onBlur={blur('source')}
            >
              {values.source === '' ? <option value="">Choose an identity or role</option> : null}
              {identityOptions.length > 0 ? (
                <optgroup label="Identities">
                  {identityOptions.map((o) => (
                    <option key={o.name} value={o.name} disabled={o.disabled !== null}>
                      {o.name}
                      {o.disabled ? ` (${o.disabled})` : ''}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {roleOptions.length > 0 ? (
                <optgroup label="Roles (chaining)">
                  {roleOptions.map((o) => (
                    <option key={o.name} value={o.name} disabled={o.disabled !== null}>
                      {o.name}
                      {o.disabled ? ` (${o.disabled})` : ''}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          </Field>
          <Field id="role-profile" label="aliyun CLI profile" error={shown('profile')} hint={values.profile.trim() ? undefined : check.profile ? `Defaults to ${check.profile}` : undefined}>
            <input
              {...describedBy('role-profile', { error: shown('profile'), hint: !values.profile.trim() && check.profile })}
              value={values.profile}
              autoComplete="off"
              spellCheck={false}
              placeholder={check.profile || 'roletray-fc-admin'}
              onChange={(e) => update('profile', e.target.value)}
              onBlur={blur('profile')}
            />
          </Field>
          <Field id="role-region" label="Region" optional error={shown('region')} hint={`Written to the profile; default ${defaultRegion}.`}>
            <input
              {...describedBy('role-region', { error: shown('region'), hint: true })}
              value={values.region}
              list="region-list"
              autoComplete="off"
              spellCheck={false}
              placeholder={defaultRegion}
              onChange={(e) => update('region', e.target.value)}
              onBlur={blur('region')}
            />
          </Field>
          <Field
            id="role-duration"
            label="Session duration (seconds)"
            wide
            error={shown('duration')}
            note={notes.duration}
            hint={`900 to 43200 s, and at most the role's maximum session duration.${Number.isFinite(durationSeconds) && durationSeconds > 0 ? ` ${formatDurationSeconds(durationSeconds)}.` : ''}`}
          >
            <div className="duration-row">
              <input
                {...describedBy('role-duration', { error: shown('duration'), note: notes.duration, hint: true })}
                type="number"
                inputMode="numeric"
                min={900}
                max={43200}
                step={60}
                value={values.duration}
                onChange={(e) => update('duration', e.target.value)}
                onBlur={blur('duration')}
              />
              <div className="segmented" role="group" aria-label="Duration presets">
                {DURATION_PRESETS.map((d) => (
                  <button
                    key={d}
                    type="button"
                    className={`seg${durationSeconds === d ? ' is-on' : ''}`}
                    aria-pressed={durationSeconds === d}
                    onClick={() => update('duration', String(d))}
                  >
                    {formatDurationSeconds(d)}
                  </button>
                ))}
              </div>
            </div>
          </Field>
        </div>

        <fieldset className="fieldset">
          <legend>Advanced</legend>
          <div className="form-grid">
            <Field id="role-session-name" label="Session name" optional error={shown('sessionName')} hint="Shows up in ActionTrail; default roletray-<your user name>.">
              <input
                {...describedBy('role-session-name', { error: shown('sessionName'), hint: true })}
                value={values.sessionName}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => update('sessionName', e.target.value)}
                onBlur={blur('sessionName')}
              />
            </Field>
            <Field id="role-external-id" label="ExternalId" optional error={shown('externalId')} hint="Only if the role's trust policy requires sts:ExternalId.">
              <input
                {...describedBy('role-external-id', { error: shown('externalId'), hint: true })}
                value={values.externalId}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => update('externalId', e.target.value)}
                onBlur={blur('externalId')}
              />
            </Field>
            <Field id="role-alias" label="Account label" optional error={shown('accountAlias')} hint={parsedArn ? `Groups roles of account ${parsedArn.accountId} under a readable name.` : 'A readable name for the owning account.'}>
              <input
                {...describedBy('role-alias', { error: shown('accountAlias'), hint: true })}
                value={values.accountAlias}
                autoComplete="off"
                placeholder="acme-prod"
                onChange={(e) => update('accountAlias', e.target.value)}
                onBlur={blur('accountAlias')}
              />
            </Field>
            <Field
              id="role-policy"
              label="Session policy (JSON)"
              optional
              wide
              error={shown('policy')}
              hint={errors.policy || !values.policy.trim() ? 'Further limits what the session may do; it cannot grant more than the role has.' : 'Valid policy.'}
            >
              <textarea
                {...describedBy('role-policy', { error: shown('policy'), hint: true })}
                className="code-input"
                rows={5}
                spellCheck={false}
                value={values.policy}
                placeholder={'{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "fc:Get*", "Resource": "*"}]}'}
                onChange={(e) => update('policy', e.target.value)}
                onBlur={blur('policy')}
              />
            </Field>
          </div>
        </fieldset>

        {error ? <ErrorDetails error={error} title={editing ? 'The role was not saved' : 'The role was not added'} /> : null}

        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save role' : 'Add role'}
          </button>
          <button type="button" className="btn" onClick={() => actions.navigate({ name: 'roles' })}>
            Cancel
          </button>
          <span className="spacer" />
          {editing ? (
            <ConfirmDeleteRole name={editing} busy={busy} onConfirm={() => void remove()} />
          ) : null}
        </div>
      </form>
    </section>
  );
}

function ConfirmDeleteRole({ name, busy, onConfirm }: { name: string; busy: boolean; onConfirm: () => void }) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button type="button" className="btn btn-danger-quiet" onClick={() => setOpen(true)}>
        Delete role…
      </button>
    );
  }
  return (
    <span className="confirm-inline" role="group" aria-label={`Confirm deleting role ${name}`}>
      <span>Stop its session, remove its profile and delete {name}?</span>
      <button type="button" className="btn btn-danger" disabled={busy} onClick={onConfirm}>
        Delete role
      </button>
      <button type="button" className="btn" disabled={busy} onClick={() => setOpen(false)}>
        Cancel
      </button>
    </span>
  );
}

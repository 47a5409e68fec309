import { useState } from 'react';
import type { ErrorView, IdentityView } from '../../preload/contract';
import { maskAccessKeyId } from '../format';
import { useActions, useRoleTray } from '../hooks';
import { ErrorDetails } from './ErrorDetails';
import { ConfirmDelete } from './Field';

const NONE: IdentityView[] = [];

/** The identities (RAM users' AccessKeys) RoleTray holds, with edit and delete. */
export function IdentitiesView() {
  const identities = useRoleTray((s) => s.snapshot?.identities ?? NONE);
  const roles = useRoleTray((s) => s.snapshot?.roles);
  const actions = useActions();
  const [errors, setErrors] = useState<Record<string, ErrorView>>({});
  const [busy, setBusy] = useState<string | null>(null);

  const remove = async (name: string): Promise<void> => {
    setBusy(name);
    const res = await actions.removeIdentity(name);
    setBusy(null);
    setErrors((prev) => {
      const next = { ...prev };
      if (res.ok) delete next[name];
      else next[name] = res.error;
      return next;
    });
  };

  return (
    <section className="view view-identities" aria-labelledby="identities-heading">
      <div className="toolbar">
        <h1 id="identities-heading" className="view-title">
          Identities
        </h1>
        <button type="button" className="btn btn-primary" onClick={() => actions.navigate({ name: 'identity-form', editing: null })}>
          Add identity
        </button>
      </div>
      {identities.length === 0 ? (
        <div className="placeholder">
          <p>No identity yet. Add a RAM user's AccessKey to start assuming roles.</p>
        </div>
      ) : (
        <ul className="card-list">
          {identities.map((i) => {
            const used = roles?.filter((r) => r.source === i.name).length ?? 0;
            return (
              <li key={i.name} className="card" data-identity={i.name}>
                <div className="card-head">
                  <h2 className="card-title">{i.name}</h2>
                  {i.placeholder ? <span className="pill pill-warn">No key yet</span> : null}
                  <span className="card-sub">
                    {used} role{used === 1 ? '' : 's'}
                  </span>
                </div>
                <dl className="facts facts-inline">
                  <dt>AccessKey ID</dt>
                  <dd>
                    <code title={i.accessKeyId}>{maskAccessKeyId(i.accessKeyId)}</code>
                  </dd>
                  <dt>Account ID</dt>
                  <dd>
                    <code>{i.accountId ?? 'not verified'}</code>
                  </dd>
                  <dt>ARN</dt>
                  <dd>
                    <code className="selectable">{i.arn ?? '—'}</code>
                  </dd>
                  <dt>Site · region</dt>
                  <dd>
                    {i.site === 'cn' ? 'China' : 'International'} · {i.region}
                  </dd>
                  {i.stsEndpoint ? (
                    <>
                      <dt>STS endpoint</dt>
                      <dd>
                        <code>{i.stsEndpoint}</code>
                      </dd>
                    </>
                  ) : null}
                </dl>
                {errors[i.name] ? <ErrorDetails error={errors[i.name] as ErrorView} title={`${i.name} was not deleted`} /> : null}
                <div className="card-actions">
                  <button type="button" className="btn" aria-label={`Edit identity ${i.name}`} onClick={() => actions.navigate({ name: 'identity-form', editing: i.name })}>
                    Edit
                  </button>
                  <ConfirmDelete
                    what={i.name}
                    busy={busy === i.name}
                    message={`Delete identity ${i.name}? Its AccessKey secret is deleted from the system keychain too. The key itself stays valid in Alibaba Cloud: disable it in the RAM console if you no longer need it.`}
                    confirmLabel="Delete identity and keychain entry"
                    onConfirm={() => void remove(i.name)}
                  />
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

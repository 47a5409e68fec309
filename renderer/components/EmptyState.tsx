import { useState } from 'react';
import { useActions, useRoleTray } from '../hooks';

/** First run: no identity yet. Explains the two ways in. */
export function EmptyState() {
  const sandbox = useRoleTray((s) => s.snapshot?.sandbox);
  const actions = useActions();
  const [starting, setStarting] = useState(false);

  const start = async (): Promise<void> => {
    setStarting(true);
    await actions.startSandbox();
    setStarting(false);
  };

  return (
    <section className="view view-empty" aria-labelledby="empty-heading">
      <div className="empty-intro">
        <h1 id="empty-heading">Short-lived credentials, one click away</h1>
        <p>
          RoleTray assumes Alibaba Cloud RAM roles through STS, writes the temporary credentials into your <code>aliyun</code> CLI config as StsToken profiles,
          and keeps them fresh until you stop them. Your long-lived key stays in the system keychain.
        </p>
      </div>
      <div className="choices">
        <div className="choice">
          <span className="choice-step" aria-hidden="true">
            1
          </span>
          <h2>Add your RAM user's AccessKey</h2>
          <p>
            Use a RAM user that may only call <code>sts:AssumeRole</code> (policy <code>AliyunSTSAssumeRoleAccess</code>). RoleTray checks the key with
            GetCallerIdentity and shows the account it belongs to.
          </p>
          <button type="button" className="btn btn-primary" onClick={() => actions.navigate({ name: 'identity-form', editing: null })}>
            Add identity
          </button>
        </div>
        <div className="choice">
          <span className="choice-step" aria-hidden="true">
            2
          </span>
          <h2>Try the sandbox</h2>
          <p>A local STS emulator with a demo world: two accounts, a RAM user, roles and a revoked role. Nothing leaves this machine.</p>
          {sandbox?.running ? (
            <>
              <p className="sandbox-url" role="status">
                Sandbox running at <code className="selectable">{sandbox.url}</code>
              </p>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() =>
                  actions.navigate({
                    name: 'identity-form',
                    editing: null,
                    preset: { name: 'sandbox-user', accessKeyId: 'RTSANDBOX0USER0001', ...(sandbox.url ? { stsEndpoint: sandbox.url } : {}) },
                  })
                }
              >
                Add the demo identity
              </button>
            </>
          ) : (
            <button type="button" className="btn" disabled={starting} onClick={() => void start()}>
              {starting ? 'Starting…' : 'Start the sandbox'}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}

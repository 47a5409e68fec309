import { useState } from 'react';
import type { ErrorView, Settings } from '../../preload/contract';
import { checkRegion } from '../../main/core/common/validate';
import { useActions, useRoleTray } from '../hooks';
import { ErrorDetails } from './ErrorDetails';
import { describedBy, Field } from './Field';

const MIN_LEAD_MIN = 1;
const MAX_LEAD_MIN = 60;

/** Settings: each control saves on change (text fields on blur or Enter). */
export function SettingsView() {
  const settings = useRoleTray((s) => s.snapshot?.settings);
  const actions = useActions();
  const [error, setError] = useState<ErrorView | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  if (!settings) return null;

  const save = async (patch: Partial<Settings>, label: string): Promise<void> => {
    const res = await actions.updateSettings(patch);
    if (res.ok) {
      setError(null);
      setSaved(label);
    } else {
      setSaved(null);
      setError(res.error);
    }
  };

  return (
    <section className="view view-settings" aria-labelledby="settings-heading">
      <div className="toolbar">
        <h1 id="settings-heading" className="view-title">
          Settings
        </h1>
        <p className="saved" role="status">
          {saved ? `${saved} saved` : ''}
        </p>
      </div>
      {error ? <ErrorDetails error={error} title="Not saved" onDismiss={() => setError(null)} /> : null}

      <div className="settings-group">
        <h2>Sessions</h2>
        <div className="form-grid">
          <NumberSetting
            key={`lead-${settings.refreshLeadSeconds}`}
            initial={Math.round(settings.refreshLeadSeconds / 60)}
            onSave={(minutes) => void save({ refreshLeadSeconds: minutes * 60 }, 'Refresh lead time')}
          />
          <RegionSetting key={`region-${settings.defaultRegion}`} initial={settings.defaultRegion} onSave={(r) => void save({ defaultRegion: r }, 'Default region')} />
          <Field id="setting-site" label="Default site" hint="For new identities; decides the console sign-in host.">
            <select
              {...describedBy('setting-site', { hint: true })}
              value={settings.site}
              onChange={(e) => void save({ site: e.target.value === 'intl' ? 'intl' : 'cn' }, 'Default site')}
            >
              <option value="cn">China (aliyun.com)</option>
              <option value="intl">International (alibabacloud.com)</option>
            </select>
          </Field>
        </div>
      </div>

      <div className="settings-group">
        <h2>Desktop</h2>
        <label className="check">
          <input type="checkbox" checked={settings.notifications} onChange={(e) => void save({ notifications: e.target.checked }, 'Notifications')} />
          <span>
            Notifications
            <small>When a session is about to expire without a refresh, or a refresh fails for good.</small>
          </span>
        </label>
        <label className="check">
          <input type="checkbox" checked={settings.launchAtLogin} onChange={(e) => void save({ launchAtLogin: e.target.checked }, 'Launch at login')} />
          <span>
            Launch at login
            <small>Start RoleTray in the tray when you log in.</small>
          </span>
        </label>
      </div>

      <div className="settings-group">
        <h2 id="theme-heading">Appearance</h2>
        <div className="segmented" role="radiogroup" aria-labelledby="theme-heading">
          {(['system', 'light', 'dark'] as const).map((t) => (
            <label key={t} className={`seg${settings.theme === t ? ' is-on' : ''}`}>
              <input type="radio" name="theme" value={t} checked={settings.theme === t} onChange={() => void save({ theme: t }, 'Theme')} />
              {t === 'system' ? 'System' : t === 'light' ? 'Light' : 'Dark'}
            </label>
          ))}
        </div>
      </div>
    </section>
  );
}

function NumberSetting({ initial, onSave }: { initial: number; onSave: (minutes: number) => void }) {
  const [draft, setDraft] = useState(String(initial));
  const n = /^\d+$/.test(draft.trim()) ? Number(draft.trim()) : NaN;
  const error = Number.isNaN(n) || n < MIN_LEAD_MIN || n > MAX_LEAD_MIN ? `enter ${MIN_LEAD_MIN} to ${MAX_LEAD_MIN} minutes` : undefined;
  const commit = (): void => {
    if (!error && n !== initial) onSave(n);
  };
  return (
    <Field id="setting-lead" label="Refresh lead time (minutes)" error={error} hint="Refresh a session when less than this is left.">
      <input
        {...describedBy('setting-lead', { error, hint: true })}
        type="number"
        min={MIN_LEAD_MIN}
        max={MAX_LEAD_MIN}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </Field>
  );
}

function RegionSetting({ initial, onSave }: { initial: string; onSave: (region: string) => void }) {
  const [draft, setDraft] = useState(initial);
  const error = checkRegion(draft.trim()) ?? undefined;
  const commit = (): void => {
    if (!error && draft.trim() !== initial) onSave(draft.trim());
  };
  return (
    <Field id="setting-region" label="Default region" error={error} hint="For new identities and roles without a region.">
      <input
        {...describedBy('setting-region', { error, hint: true })}
        value={draft}
        list="region-list"
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </Field>
  );
}

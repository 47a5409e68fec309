import { useEffect } from 'react';
import { useActions, useRoleTray } from '../hooks';
import type { View } from '../store';
import { ActivityView } from './ActivityView';
import { ProblemsBanner, StatusLine } from './Banners';
import { EmptyState } from './EmptyState';
import { IdentitiesView } from './IdentitiesView';
import { IdentityForm } from './IdentityForm';
import { RoleForm } from './RoleForm';
import { RolesView } from './RolesView';
import { SettingsView } from './SettingsView';

const REGIONS = [
  'cn-hangzhou',
  'cn-shanghai',
  'cn-beijing',
  'cn-shenzhen',
  'cn-zhangjiakou',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-southeast-5',
  'ap-northeast-1',
  'eu-central-1',
  'eu-west-1',
  'us-west-1',
  'us-east-1',
];

type Section = 'roles' | 'identities' | 'activity' | 'settings';

const SECTIONS: { id: Section; label: string }[] = [
  { id: 'roles', label: 'Roles' },
  { id: 'identities', label: 'Identities' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
];

function sectionOf(view: View): Section {
  switch (view.name) {
    case 'role-form':
      return 'roles';
    case 'identity-form':
      return 'identities';
    default:
      return view.name;
  }
}

/** The window: header with sections, problems, the current view, and a status line. */
export function App() {
  const view = useRoleTray((s) => s.view);
  const loaded = useRoleTray((s) => s.snapshot !== null);
  const firstRun = useRoleTray((s) => s.snapshot !== null && s.snapshot.identities.length === 0 && s.snapshot.roles.length === 0);
  const theme = useRoleTray((s) => s.snapshot?.settings.theme ?? 'system');
  const currentProfile = useRoleTray((s) => s.snapshot?.currentProfile ?? null);
  const sandboxRunning = useRoleTray((s) => s.snapshot?.sandbox.running ?? false);
  const actions = useActions();

  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset['theme'];
    else root.dataset['theme'] = theme;
  }, [theme]);

  const section = sectionOf(view);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <svg className="brand-mark" viewBox="0 0 20 20" aria-hidden="true">
            <rect x="2.5" y="5" width="15" height="11" rx="2.5" />
            <path d="M7 5V3.8A1.8 1.8 0 0 1 8.8 2h2.4A1.8 1.8 0 0 1 13 3.8V5" />
            <circle cx="10" cy="10.5" r="1.6" />
          </svg>
          <span className="brand-name">RoleTray</span>
          {sandboxRunning ? <span className="pill pill-sandbox">Sandbox</span> : null}
        </div>
        <nav className="tabs" aria-label="Sections">
          {SECTIONS.map((s) => (
            <button
              key={s.id}
              type="button"
              className={`tab${section === s.id ? ' is-active' : ''}`}
              aria-current={section === s.id ? 'page' : undefined}
              onClick={() => actions.navigate({ name: s.id })}
            >
              {s.label}
            </button>
          ))}
        </nav>
        <div className="current-profile" title="current profile of the aliyun CLI config">
          <span className="current-profile-label">aliyun current</span>
          <code data-testid="current-profile">{currentProfile ?? 'none'}</code>
        </div>
      </header>

      <ProblemsBanner />

      <main className="content">
        {!loaded ? (
          <div className="placeholder" role="status">
            <p>Loading…</p>
          </div>
        ) : view.name === 'roles' && firstRun ? (
          <EmptyState />
        ) : view.name === 'roles' ? (
          <RolesView />
        ) : view.name === 'identities' ? (
          <IdentitiesView />
        ) : view.name === 'identity-form' ? (
          <IdentityForm key={`identity-${view.editing ?? ''}`} editing={view.editing} preset={view.preset} />
        ) : view.name === 'role-form' ? (
          <RoleForm key={`role-${view.editing ?? ''}`} editing={view.editing} />
        ) : view.name === 'activity' ? (
          <ActivityView />
        ) : (
          <SettingsView />
        )}
      </main>

      <StatusLine />

      <datalist id="region-list">
        {REGIONS.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
    </div>
  );
}

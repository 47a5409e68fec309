/**
 * Entry of the RoleTray window: builds the store over the preload API and the shared clock, and
 * renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api';
import { createWindowClock } from './clock-dom';
import { App } from './components/App';
import { ClockContext, StoreContext } from './hooks';
import { createRoleTrayStore } from './store';
import './styles.css';

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('index.html has no #root');
const root = createRoot(rootEl);
const api = getApi();

if (!api) {
  root.render(
    <main className="content">
      <div className="placeholder" role="alert">
        <h1>RoleTray's bridge is missing</h1>
        <p>This page must be opened by the RoleTray app, which provides the preload API.</p>
      </div>
    </main>,
  );
} else {
  const store = createRoleTrayStore(api);
  store.getState().connect();
  const clock = createWindowClock();
  root.render(
    <StrictMode>
      <StoreContext value={store}>
        <ClockContext value={clock}>
          <App />
        </ClockContext>
      </StoreContext>
    </StrictMode>,
  );
}

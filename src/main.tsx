import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { appStore, engineClient } from './state/app';
import { startUrlSync } from './state/urlSync';
import { App } from './ui/App';
import { ErrorBoundary } from './ui/ErrorBoundary';
import './ui/styles.css';

try {
  // A shared link reproduces on open: its run starts at once (a long one asks first, see
  // state/longRun.ts). A link that carries a sweep opens on the Sweep tab, where Run sweep runs it.
  startUrlSync(appStore, window, {
    onOpen: () => {
      const st = appStore.getState();
      if (!st.sweepDef && st.valid) void st.run();
    },
  });
} catch (e) {
  // decodeLink never throws; this is belt and braces so a bad URL can never blank the page.
  console.error('ringlab: could not read the link', e);
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary>
        <App />
      </ErrorBoundary>
    </StrictMode>,
  );
}

// Load the engine worker while the person reads the form, so the first Run starts at once.
setTimeout(() => engineClient.warm(), 0);

import { Suspense, lazy } from 'react';
import { ConfigForm } from './ConfigForm';
import { LinkErrorBanner } from './LinkErrorBanner';
import { RunControls, RunStatusBar } from './RunControls';
import { ShareLink } from './ShareLink';
import { SummaryPanel } from './SummaryPanel';

// Recharts is most of the bundle: load it in parallel with the first paint.
const Charts = lazy(() => import('./Charts').then((m) => ({ default: m.Charts })));

function ChartsLoading() {
  return (
    <div className="charts charts-loading" aria-busy="true">
      Loading charts…
    </div>
  );
}

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>ringlab</h1>
          <p className="tagline">iflib packet-path lab — a deterministic simulation of the NIC packet path in FreeBSD's iflib</p>
        </div>
        <ShareLink />
      </header>
      <LinkErrorBanner />
      <main className="layout">
        <aside className="panel side">
          <RunControls />
          <ConfigForm />
        </aside>
        <section className="panel results" aria-label="Results">
          <RunStatusBar />
          <Suspense fallback={<ChartsLoading />}>
            <Charts />
          </Suspense>
          <SummaryPanel />
        </section>
      </main>
      <footer className="app-footer muted small">
        Hover a setting for what it models and its FreeBSD name. The address bar always holds a link to the current
        settings.
      </footer>
    </div>
  );
}

import { Suspense, lazy, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { PRESETS } from '../engine';
import { appStore, useApp } from '../state/app';
import { CapturePanel } from './CapturePanel';
import { ComparePanel } from './ComparePanel';
import { ConfigForm } from './ConfigForm';
import { LinkErrorBanner } from './LinkErrorBanner';
import { PathDiagram } from './PathDiagram';
import { PresetGallery } from './PresetGallery';
import { RunControls, RunStatusBar } from './RunControls';
import { ShareLink } from './ShareLink';
import { SummaryPanel } from './SummaryPanel';
import { ThemeToggle } from './ThemeToggle';
import { useReportShown } from './useThrottled';
import { TracePanel } from './TracePanel';

// Recharts is most of the bundle: load it in parallel with the first paint.
const Charts = lazy(() => import('./Charts').then((m) => ({ default: m.Charts })));
// The Sweep tab (its worker pool, store and chart) loads when first shown, or with a link that carries a sweep.
const loadSweepPanel = () => import('./SweepPanel');
const SweepPanel = lazy(() => loadSweepPanel().then((m) => ({ default: m.SweepPanel })));

function ChartsLoading() {
  // Nothing drawn yet: the status pill waits for the charts.
  useReportShown('charts-loading', { frames: null });
  return (
    <div className="charts charts-loading" aria-busy="true">
      Loading charts…
    </div>
  );
}

type Tab = 'results' | 'presets' | 'sweep';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'results', label: 'Results' },
  { id: 'presets', label: `Preset gallery (${PRESETS.length})` },
  { id: 'sweep', label: 'Sweep' },
];

export function App() {
  // A link that carries a sweep opens on the Sweep tab: the sweep is what was shared.
  const [tab, setTab] = useState<Tab>(() => (appStore.getState().sweepDef ? 'sweep' : 'results'));
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ results: null, presets: null, sweep: null });
  const runId = useApp((s) => s.runId);
  const status = useApp((s) => s.status);
  const hasSweep = useApp((s) => s.sweepDef !== null);

  // Any run (the Run button, a preset card) shows its results.
  useEffect(() => {
    if (status === 'running') setTab('results');
  }, [runId, status]);

  useEffect(() => {
    if (hasSweep) void loadSweepPanel();
  }, [hasSweep]);

  const select = (t: Tab, focus = false) => {
    setTab(t);
    if (focus) tabRefs.current[t]?.focus();
  };
  // WAI-ARIA tabs: arrows, Home and End move between tabs (and select them).
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = TABS.findIndex((t) => t.id === tab);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = TABS.length - 1;
    if (j < 0) return;
    e.preventDefault();
    select(TABS[j]!.id, true);
  };

  return (
    <div className="app">
      <a className="skip-link" href="#results" data-testid="skip-link">
        Skip to the results
      </a>
      <header className="app-header">
        <div>
          <h1>ringlab</h1>
          <p className="tagline">iflib packet-path lab — a deterministic simulation of the NIC packet path in FreeBSD's iflib</p>
        </div>
        <div className="header-actions">
          <ThemeToggle />
          <ShareLink />
        </div>
      </header>
      <LinkErrorBanner />
      <main className="layout">
        <aside className="panel side">
          <RunControls />
          <CapturePanel />
          <ConfigForm />
        </aside>
        <section className="panel results" id="results" tabIndex={-1} aria-label="Results">
          <RunStatusBar />
          <div className="tabs" role="tablist" aria-label="Views">
            {TABS.map((t) => (
              <button
                key={t.id}
                ref={(el) => {
                  tabRefs.current[t.id] = el;
                }}
                type="button"
                role="tab"
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`tabpanel-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1}
                className="tab"
                data-testid={`tab-${t.id}`}
                onClick={() => select(t.id)}
                onKeyDown={onTabKey}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="tabpanel-results" aria-labelledby="tab-results" hidden={tab !== 'results'}>
            <PathDiagram />
            <Suspense fallback={<ChartsLoading />}>
              <Charts />
            </Suspense>
            <ComparePanel />
            <SummaryPanel />
            <TracePanel />
          </div>
          <div role="tabpanel" id="tabpanel-presets" aria-labelledby="tab-presets" hidden={tab !== 'presets'}>
            {/* Mounted only while shown: the cards repeat the preset descriptions the form shows. */}
            {tab === 'presets' && <PresetGallery onRun={() => select('results', true)} />}
          </div>
          <div role="tabpanel" id="tabpanel-sweep" aria-labelledby="tab-sweep" hidden={tab !== 'sweep'}>
            {tab === 'sweep' && (
              <Suspense fallback={<div className="charts-loading">Loading the sweep tools…</div>}>
                <SweepPanel />
              </Suspense>
            )}
          </div>
        </section>
      </main>
      <footer className="app-footer muted small">
        Press ? beside a setting (or hover it) for what it models and its FreeBSD name. The address bar always holds a link to the current settings.
      </footer>
    </div>
  );
}

import { DROP_LABELS, DROP_LOCATIONS, SWEEP_OUTPUT_BY_KEY, lroFacts, measuredFigureFor, settingsText, type CaptureInfo, type Summary } from '../engine';
import { CalibrationBehind } from './CalibrationBehind';
import { appStore, useApp, useCompare } from '../state/app';
import { sameScenario } from '../state/compare';
import { exportName, framesCsv, summaryJson } from './exportData';
import { downloadText } from './exportPng';
import { BottleneckLink } from './TracePanel';
import { FitSpread } from './FitSpread';
import { formatInt, formatMpps, formatNs, formatPercent, formatSig, formatTrim, formatWallMs, signedPercent } from './format';

interface Row {
  key: string;
  label: string;
  value: string;
  unit: string;
  note?: string;
}

/** Whether the run's path has this stage (the engine's stages; receive has no TX ring or wire). */
const hasStage = (s: Summary, id: string) => s.stages.some((x) => x.id === id);

function rateRow(key: string, label: string, pps: number, line: number): Row {
  return { key, label, value: formatInt(pps), unit: 'pps', note: `${formatMpps(pps)} Mpps, ${formatPercent(pps, line)} of line rate` };
}

function rows(s: Summary, capture: CaptureInfo | null): Row[] {
  const line = s.line_rate_pps;
  const r: Row[] = [rateRow('offered_pps', 'Offered', s.offered_pps, line)];
  if (s.workload !== 'ring') r.push(rateRow('rx_pps', s.workload === 'transmit' ? 'Sent by the applications' : 'Received into RX rings', s.rx_pps, line));
  r.push(rateRow('delivered_pps', 'Delivered (completed the path)', s.delivered_pps, line));
  if (s.workload === 'forward') r.push(rateRow('forwarded_pps', 'Forwarded', s.forwarded_pps, line));
  if (hasStage(s, 'wire_out')) r.push(rateRow('tx_pps', 'Transmitted on the wire', s.tx_pps, line));
  r.push({ key: 'line_rate_pps', label: 'Line rate for this frame size', value: formatInt(line), unit: 'pps', note: `${formatMpps(line)} Mpps` });

  const total = DROP_LOCATIONS.reduce((a, loc) => a + (s.drops[loc] ?? 0), 0);
  r.push({ key: 'drops.total', label: 'Drops, total', value: formatInt(total), unit: 'packets', note: `${formatPercent(total, s.packets_simulated)} of offered packets` });
  for (const loc of DROP_LOCATIONS) {
    const n = s.drops[loc] ?? 0;
    if (n === 0) continue;
    r.push({ key: `drops.${loc}`, label: `Drops: ${DROP_LABELS[loc].label}`, value: formatInt(n), unit: 'packets', note: `${formatPercent(n, s.packets_simulated)} of offered packets; FreeBSD: ${DROP_LABELS[loc].freebsd}` });
  }

  if (s.netmap) {
    const nm = s.netmap;
    r.push(
      { key: 'netmap.stalls', label: 'netmap: sleeps on a full TX ring', value: formatInt(nm.stalls), unit: 'times', note: `wake-up: ${nm.tx_timer}` },
      { key: 'netmap.wakeups', label: 'netmap: wake-ups by the timer / by iflib_timer', value: `${formatInt(nm.wakeups.timer)} / ${formatInt(nm.wakeups.iflib_timer)}`, unit: 'times' },
      { key: 'netmap.lost_wakeups', label: 'netmap: wake-ups lost to iflib_timer', value: formatInt(nm.lost_wakeups), unit: 'times', note: 'the one-tick txq callout overwritten by iflib_timer\'s hz/2 re-arm' },
    );
  }
  const soft = s.queues.flatMap((q) => (q.kind === 'tx' && q.soft_ring ? [q.soft_ring] : []));
  if (soft.length > 0) {
    const add = (k: 'enqueues' | 'drops' | 'stalls' | 'restarts' | 'abdications' | 'starts') => soft.reduce((a, x) => a + (x[k] ?? 0), 0);
    const kind = soft[0]!.kind;
    r.push({ key: 'soft.enqueues', label: `${kind}: enqueues / drops`, value: `${formatInt(add('enqueues'))} / ${formatInt(add('drops'))}`, unit: 'packets', note: `${soft.length} rings of ${soft[0]!.size} entries` });
    if (kind === 'mp_ring') {
      r.push({ key: 'soft.mp', label: 'mp_ring: starts / stalls / restarts / abdications', value: `${formatInt(add('starts'))} / ${formatInt(add('stalls'))} / ${formatInt(add('restarts'))} / ${formatInt(add('abdications'))}`, unit: 'times', note: 'mp_ring.h counters, all queues' });
    }
  }

  const c = s.cost_per_packet;
  if (c.packets > 0 && c.total_ns > 0) {
    r.push({ key: 'cost.total', label: 'CPU time per packet', value: formatNs(c.total_ns), unit: 'ns', note: `${formatInt(c.total_cycles)} cycles at ${s.scenario.host.ghz} GHz, all CPUs together, per packet that completed the path (by stage: the chart below)` });
  }
  r.push(
    { key: 'latency_us.mean', label: 'Latency, mean', value: formatSig(s.latency_us.mean), unit: 'µs', note: 'arrival → done, packets that completed the path' },
    { key: 'latency_us.p50', label: 'Latency, p50', value: formatSig(s.latency_us.p50), unit: 'µs' },
    { key: 'latency_us.p99', label: 'Latency, p99', value: formatSig(s.latency_us.p99), unit: 'µs' },
  );
  if (s.lro) {
    const l = s.lro;
    r.push({
      key: 'lro.aggregation',
      label: 'LRO: packets per segment to tcp_input',
      value: formatSig(l.aggregation_ratio.all),
      unit: 'packets/segment',
      note: `${l.mode} LRO; data ${formatSig(l.aggregation_ratio.data)}, pure ACKs ${formatSig(l.aggregation_ratio.ack)}; ${formatInt(l.packets_in)} packets → ${formatInt(l.segments_out)} segments`,
    });
    const f = lroFacts(s, capture);
    if (f) {
      r.push(
        { key: 'lro.code', label: 'LRO: merge code', value: f.code === 'classic' ? 'classic' : '13+', unit: '', note: f.codeLabel },
        {
          key: 'lro.connections',
          label: 'LRO: TCP connections per RX queue',
          value: formatInt(f.perQueue),
          unit: 'connections',
          note: `${formatInt(f.tcpConnections)} TCP of ${formatInt(f.connections)} flows on ${f.rxQueues} RX queue(s); the table holds ${f.entries} per queue${f.overTable ? ': more than it holds' : ''}`,
        },
        {
          key: 'lro.held',
          label: 'LRO: packets held at the end',
          value: formatInt(f.held),
          unit: 'packets',
          note: f.batch > 1 ? `tcp_lro_flush_all waits for ${formatInt(f.batch)} packets: the latency above includes that wait` : 'tcp_lro_flush_all at the end of every rxeof pass',
        },
      );
    }
  }
  if (capture && s.scenario.traffic.interleave === 'pcap') {
    r.push(
      { key: 'capture.name', label: 'Capture replayed', value: capture.name, unit: '', note: `${capture.format}, SHA-256 ${capture.sha256.slice(0, 16)}…` },
      { key: 'capture.flows', label: 'Capture: flows', value: formatInt(capture.flows), unit: 'flows', note: `${formatInt(capture.tcpFlows)} TCP; ${formatInt(capture.replayed)} IP packets replayed, ${formatInt(capture.nonIp + capture.cut)} frames skipped` },
      { key: 'capture.duration', label: 'Capture: duration', value: formatSig(capture.durationNs / 1e6), unit: 'ms', note: 'first to last replayed packet, as captured' },
    );
  }
  r.push(
    { key: 'in_flight', label: 'In flight at the end', value: formatInt(s.in_flight), unit: 'packets' },
    { key: 'packets_simulated', label: 'Packets simulated', value: formatInt(s.packets_simulated), unit: 'packets' },
    { key: 'simulated_ms', label: 'Simulated time', value: formatTrim(s.simulated_ms, 6), unit: 'ms' },
    { key: 'workload', label: 'Workload', value: s.workload, unit: '' },
    { key: 'engine', label: 'Engine', value: s.engine, unit: '' },
  );
  return r;
}



/**
 * A calibrated preset's run beside the measurement it reproduces (engine measuredFigureFor): the
 * measured figure and its source, this run's own figure and the error, the tolerance the preset
 * states, and the fitter's in-sample and leave-one-out errors. Nothing for other scenarios.
 */
export function MeasuredVsModel({ summary }: { summary: Summary }) {
  const m = measuredFigureFor(summary.scenario);
  if (!m) return null;
  const model = summary[m.metric];
  const err = model / m.measured_pps - 1;
  const within = Math.abs(err) <= m.tolerance;
  return (
    <div className="measured" data-testid="measured" data-error={err} data-within={within ? 'true' : 'false'}>
      <h3>Model vs measured</h3>
      <table className="compact">
        <caption className="visually-hidden">{SWEEP_OUTPUT_BY_KEY.get(m.metric)?.label ?? m.metric}: this run beside the measurement it reproduces</caption>
        <tbody>
          <tr>
            <th scope="row">Measured: {(SWEEP_OUTPUT_BY_KEY.get(m.metric)?.label ?? m.metric).toLowerCase()}</th>
            <td className="num" data-testid="measured-figure">
              {formatMpps(m.measured_pps)} Mpps
            </td>
            <td className="muted" data-testid="measured-source">
              {m.source}
            </td>
          </tr>
          <tr>
            <th scope="row">This run (the model)</th>
            <td className="num" data-testid="measured-model">
              {formatMpps(model)} Mpps
            </td>
            <td className={within ? 'muted' : 'warn-text'} data-testid="measured-error">
              {signedPercent(err)} against the measurement; the preset states ±{formatTrim(m.tolerance * 100, 0)} % ({within ? 'within it' : 'outside it'})
            </td>
          </tr>
          {m.fit && (
            <tr>
              <th scope="row">The fit</th>
              <td className="num" data-testid="measured-fit">
                {signedPercent(m.fit.error)}
              </td>
              <td className="muted">
                in-sample error of the fitted constants on this row ({formatTrim(m.fit.row_duration_ms, 3)} ms runs: {formatMpps(m.fit.model_pps)} Mpps); leave-one-out {signedPercent(m.fit.loo_error)} (the row left out of the fit)
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {m.gap && (
        <p className="muted small" data-testid="measured-gap">
          Why the model and the measurement differ: {m.gap}
        </p>
      )}
      {m.tryWith && <TryWith set={m.tryWith} />}
    </div>
  );
}

/** The settings a gap text discusses, one click away: set them in the form and run. */
function TryWith({ set }: { set: Record<string, string | number | boolean> }) {
  const what = settingsText(set);
  const tryIt = () => {
    const st = appStore.getState();
    for (const [k, v] of Object.entries(set)) st.setKnobText(k, String(v));
    if (appStore.getState().valid) void appStore.getState().run();
  };
  return (
    <p className="small">
      <button type="button" className="btn btn-small" data-testid="measured-try" onClick={tryIt}>
        Run with {what}
      </button>{' '}
      <span className="muted">a setting the measurement does not state; the run is then no longer this row</span>
    </p>
  );
}

function describe(s: Summary['scenario']): string {
  const replay = s.traffic.workload === 'receive' && s.traffic.interleave === 'pcap';
  const parts = [`${s.traffic.workload}`, `${s.nic.link_gbps} Gbit/s`];
  if (replay) parts.push(`capture replay (timing ${s.traffic.pcap_timing === 'scaled' ? `scaled to load ${s.traffic.load}×` : 'as captured'})`);
  else parts.push(`${s.traffic.frame_bytes}-byte frames`, `load ${s.traffic.load}× (${s.traffic.workload === 'receive' && s.traffic.interleave === 'tso' ? 'TCP senders' : s.traffic.arrival})`);
  if (s.traffic.workload !== 'ring') parts.push(`${s.nic.model} on ${s.host.preset}`, ...(replay ? [] : [`${s.traffic.flows} flows`]));
  parts.push(`seed ${s.sim.seed}`, `${s.sim.duration_ms} ms`);
  return parts.join(' · ');
}

function QueueDetails({ s }: { s: Summary }) {
  if (s.queues.length === 0 && s.cores.length === 0) return null;
  return (
    <details className="breakdown" data-testid="summary-breakdown">
      <summary>
        Per queue ({s.queues.length}) and per CPU ({s.cores.length})
      </summary>
      {s.queues.length > 0 && (
        <table className="compact">
          <caption>Queues</caption>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col" className="num">CPU</th>
              <th scope="col" className="num">Ring</th>
              <th scope="col" className="num">Mpps</th>
              <th scope="col" className="num">Dropped</th>
              <th scope="col" className="num">Occupancy max</th>
              <th scope="col" className="num">Occupancy mean</th>
            </tr>
          </thead>
          <tbody>
            {s.queues.map((q) => (
              <tr key={`${q.kind}${q.id}`}>
                <th scope="row">
                  {q.kind} {q.id}
                </th>
                <td className="num">{'cpu' in q ? q.cpu : '—'}</td>
                <td className="num">{formatInt(q.descriptors)}</td>
                <td className="num">{formatMpps(q.pps)}</td>
                <td className="num">{formatInt(q.dropped)}</td>
                <td className="num">{formatInt(q.max_occupancy)}</td>
                <td className="num">{formatSig(q.mean_occupancy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.cores.length > 0 && (
        <table className="compact">
          <caption>CPUs</caption>
          <thead>
            <tr>
              <th scope="col">CPU</th>
              <th scope="col" className="num">Domain</th>
              <th scope="col">Tasks</th>
              <th scope="col" className="num">Busy</th>
            </tr>
          </thead>
          <tbody>
            {s.cores.map((c) => (
              <tr key={c.cpu}>
                <th scope="row">{c.cpu}</th>
                <td className="num">{c.domain}</td>
                <td className="muted">{c.tasks.join(', ') || '—'}</td>
                <td className="num">
                  <span className="util-bar" aria-hidden="true">
                    <span style={{ width: `${Math.min(100, Math.max(0, c.utilization * 100))}%` }} />
                  </span>
                  {(c.utilization * 100).toFixed(1)} %
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}

/** What can be done with a finished run: pin it as the comparison baseline, download its numbers. */
function RunActions({ summary }: { summary: Summary }) {
  const done = useApp((s) => s.status === 'done');
  const baseline = useCompare((s) => s.baseline);
  const pin = useCompare((s) => s.pin);
  const isA = baseline?.summary === summary;
  const saveJson = () => downloadText(summaryJson(summary), exportName(summary.scenario, 'summary', 'json'), 'application/json');
  const saveCsv = () => {
    const { frames, series } = appStore.getState();
    downloadText(framesCsv(frames, series), exportName(summary.scenario, 'frames', 'csv'), 'text/csv');
  };
  return (
    <div className="run-actions" role="group" aria-label="This run">
      <button
        type="button"
        className="btn btn-small"
        data-testid="pin-baseline"
        onClick={() => void pin()}
        disabled={!done || isA}
        aria-pressed={isA}
        title={isA ? 'This run is the baseline (A)' : 'Keep this run as A and compare the next runs (B) with it; the link carries it'}
      >
        {isA ? 'Pinned as baseline (A)' : baseline ? 'Pin as baseline (A), replacing A' : 'Pin as baseline (A)'}
      </button>
      <span className="run-actions-sep" aria-hidden="true" />
      <span className="muted small">Download:</span>
      <button type="button" className="btn btn-small" data-testid="export-json" onClick={saveJson} title="The engine's summary of this run, with the engine version (JSON)">
        Summary (JSON)
      </button>
      <button type="button" className="btn btn-small" data-testid="export-csv" onClick={saveCsv} title="Every recorded frame of this run, one row per frame, one column per series (CSV)">
        Frames (CSV)
      </button>
    </div>
  );
}

export function SummaryPanel() {
  const summary = useApp((s) => s.summary);
  const capture = useApp((s) => s.capture?.info ?? null);
  const formScenario = useApp((s) => s.scenario);
  if (!summary) return null;
  // The link also carries a pinned baseline or a sweep: compare the settings, not the links.
  const stale = !sameScenario(summary.scenario, formScenario);
  const inv = summary.invariants;
  const invariantsOk = inv.conservation && inv.ring_conservation;
  return (
    <section className="summary" data-testid="summary" aria-labelledby="summary-title">
      <div className="summary-head">
        <h2 id="summary-title">Summary</h2>
        <RunActions summary={summary} />
      </div>
      <p className="summary-scenario" data-testid="summary-scenario">
        {describe(summary.scenario)}
      </p>
      <p className="bottleneck" data-testid="summary-bottleneck">
        <strong>Bottleneck: </strong>
        {summary.bottleneck.text}
        <BottleneckLink />
      </p>
      {stale && (
        <p className="note" data-testid="stale-note">
          The settings have changed since this run; these results are for the run above (<a href={summary.link}>open its link</a>).
        </p>
      )}
      <MeasuredVsModel summary={summary} />
      <CalibrationBehind summary={summary} />
      <FitSpread summary={summary} />
      <table>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col">Unit</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {rows(summary, capture).map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              <td className="num" data-testid={`summary-${r.key}`}>
                {r.value}
              </td>
              <td className="unit-cell">{r.unit}</td>
              <td className="muted">{r.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary.notes.length > 0 && (
        <ul className="notes" data-testid="summary-notes">
          {summary.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      <QueueDetails s={summary} />
      <p className="muted small" data-testid="summary-invariants">
        Checks: packet conservation {inv.conservation ? '✓' : '✗'}, ring conservation {inv.ring_conservation ? '✓' : '✗'}, Little&apos;s
        law within {formatPercent(inv.littles_law_max_error, 1)}
        {invariantsOk ? '' : ' — the model broke an invariant; please report this link.'}
      </p>
      <p className="muted small" data-testid="summary-wall">
        Engine time for this run: {formatWallMs(summary.wall_ms)} (excludes pauses and playback pacing; the only number that
        differs between identical runs).
      </p>
    </section>
  );
}

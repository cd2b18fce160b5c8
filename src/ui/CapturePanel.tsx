import { useId, type ChangeEvent } from 'react';
import { useApp } from '../state/app';
import { formatInt, formatSig } from './format';

/**
 * Replay a capture: a file input (the page never reads the file itself: the worker reads it in
 * chunks), what the capture holds once read, and, for a link that replays one, which file it asks
 * for. A file with another SHA-256 than the link's is refused.
 */
export function CapturePanel() {
  const capture = useApp((s) => s.capture?.info ?? null);
  const wanted = useApp((s) => s.captureWanted);
  const message = useApp((s) => s.captureMessage);
  const busy = useApp((s) => s.captureBusy);
  const choose = useApp((s) => s.chooseCapture);
  const inputId = useId();
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (f) void choose(f, f.name);
  };
  return (
    <details className="capture" data-testid="capture-panel" open={wanted !== null || capture !== null || message !== null}>
      <summary>Replay a capture (pcap / pcapng)</summary>
      {wanted && (
        <p className="note" data-testid="capture-wanted">
          This link replays the capture <strong>{wanted.name}</strong> (SHA-256 <code>{wanted.sha256.slice(0, 16)}…</code>). A link cannot carry
          the file: choose it to run the link; a file with another SHA-256 is refused.
        </p>
      )}
      <label className="capture-input" htmlFor={inputId}>
        <span>Capture file</span>
        <input
          id={inputId}
          type="file"
          accept=".pcap,.pcapng,.cap,application/vnd.tcpdump.pcap"
          data-testid="capture-file"
          disabled={busy}
          onChange={onFile}
        />
      </label>
      <p className="hint muted small">
        Ethernet captures (tcpdump -s 96 or more), up to 4 GiB, read in chunks in the simulation worker; the run replays their flows, TCP
        headers and timing into the receive workload.
      </p>
      {busy && (
        <p className="muted small" data-testid="capture-busy" aria-live="polite">
          Reading the capture…
        </p>
      )}
      {message && (
        <p className="field-error" role="alert" data-testid="capture-error">
          {message}
        </p>
      )}
      {capture && (
        <dl className="capture-info" data-testid="capture-info">
          <dt>Capture</dt>
          <dd data-testid="capture-name">{capture.name}</dd>
          <dt>Flows</dt>
          <dd data-testid="capture-flows">
            {formatInt(capture.flows)} ({formatInt(capture.tcpFlows)} TCP)
          </dd>
          <dt>IP packets</dt>
          <dd data-testid="capture-packets">
            {formatInt(capture.replayed)}
            {capture.nonIp + capture.cut > 0 ? `, ${formatInt(capture.nonIp + capture.cut)} frames skipped` : ''}
          </dd>
          <dt>Duration</dt>
          <dd data-testid="capture-duration">{formatSig(capture.durationNs / 1e6)} ms</dd>
          <dt>SHA-256</dt>
          <dd>
            <code title={capture.sha256}>{capture.sha256.slice(0, 16)}…</code>
          </dd>
        </dl>
      )}
    </details>
  );
}

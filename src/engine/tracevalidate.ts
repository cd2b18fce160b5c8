/**
 * Checks a Chrome Trace Event Format file against the format's rules (the "Trace Event Format"
 * document that chrome://tracing and Perfetto's JSON importer follow), so an export that one of
 * them would misread fails a test instead:
 * - the JSON object form: `traceEvents` an array; `displayTimeUnit` "ms" or "ns" if given;
 * - every event has a known phase (`ph`), a numeric pid, a tid where its phase needs one, and a
 *   finite, non-negative `ts` (µs) except metadata; `X` has a non-negative `dur`;
 * - `B`/`E` pair up per thread (every B has its E, no E without a B, names agree);
 * - per thread track, timestamps never decrease in file order (B, E, X, i), and `X` slices nest
 *   (one that starts inside another ends inside it);
 * - instants have a scope g, p or t; counters carry numeric args and their times never decrease;
 * - flows: every `s` has one `f` (same cat, name and id) at the same time or later, and no `f`
 *   or `t` comes without its `s`; `bp` is "e" if given;
 * - metadata names are the format's (process_name, thread_name, …) with the args they need;
 * - units: when `otherData.window_us` gives the recorded window, every event lies in it, which a
 *   file written in ns (1000× too large) or ms would not.
 * Times are compared in integer ns (µs × 1000, rounded) so float noise is not an error.
 */

export interface TraceCheck {
  ok: boolean;
  errors: string[];
  /** Events per phase, threads with events, counter tracks, flows. */
  stats: { events: number; phases: Record<string, number>; threads: number; counters: number; flows: number };
}

/** Every phase the format defines (deprecated ones included: viewers still read them). */
export const KNOWN_PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'b', 'n', 'e', 'S', 'T', 'p', 'F', 's', 't', 'f', 'P', 'N', 'O', 'D', 'M', 'V', 'v', 'R', 'c', '(', ')']);
const METADATA = new Set(['process_name', 'process_labels', 'process_sort_index', 'thread_name', 'thread_sort_index']);
const NEEDS_TID = new Set(['B', 'E', 'X', 's', 't', 'f']);
const MAX_ERRORS = 50;

type Ev = Record<string, unknown>;

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isInt = (x: unknown): x is number => isNum(x) && Number.isInteger(x);
const ns = (us: number) => Math.round(us * 1000);

export function validateChromeTrace(input: unknown): TraceCheck {
  const errors: string[] = [];
  const err = (m: string) => {
    if (errors.length < MAX_ERRORS) errors.push(m);
    else if (errors.length === MAX_ERRORS) errors.push('… more errors not shown');
  };
  const stats = { events: 0, phases: {} as Record<string, number>, threads: 0, counters: 0, flows: 0 };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: ['the file must be a JSON object with a traceEvents array'], stats };
  }
  const top = input as Record<string, unknown>;
  if (!Array.isArray(top.traceEvents)) return { ok: false, errors: ['traceEvents must be an array'], stats };
  if (top.displayTimeUnit !== undefined && top.displayTimeUnit !== 'ms' && top.displayTimeUnit !== 'ns') err(`displayTimeUnit must be "ms" or "ns", not ${JSON.stringify(top.displayTimeUnit)}`);
  let window: [number, number] | null = null;
  const other = top.otherData as Record<string, unknown> | undefined;
  if (other !== undefined && (other === null || typeof other !== 'object')) err('otherData must be an object');
  else if (other && Array.isArray(other.window_us) && isNum(other.window_us[0]) && isNum(other.window_us[1])) window = [ns(other.window_us[0]), ns(other.window_us[1])];

  const lastTs = new Map<string, number>(); // per thread track
  const openB = new Map<string, { name: unknown; at: number }[]>();
  const openX = new Map<string, number[]>(); // ends (ns) of enclosing X slices
  const counterTs = new Map<string, number>();
  const flows = new Map<string, { ts: number; at: number }>();
  const threads = new Set<string>();

  top.traceEvents.forEach((raw: unknown, at: number) => {
    const where = `event ${at}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      err(`${where}: not an object`);
      return;
    }
    const e = raw as Ev;
    stats.events++;
    const ph = e.ph;
    if (typeof ph !== 'string' || !KNOWN_PHASES.has(ph)) {
      err(`${where}: unknown phase ${JSON.stringify(ph)}`);
      return;
    }
    stats.phases[ph] = (stats.phases[ph] ?? 0) + 1;
    if (!isInt(e.pid)) err(`${where} (${ph}): pid must be an integer`);
    const needsTid = NEEDS_TID.has(ph) || (ph === 'i' && e.s === 't') || (ph === 'M' && typeof e.name === 'string' && e.name.startsWith('thread_'));
    if (needsTid && !isInt(e.tid)) err(`${where} (${ph}): tid must be an integer`);
    if (e.name !== undefined && typeof e.name !== 'string') err(`${where} (${ph}): name must be a string`);
    if (ph !== 'E' && ph !== 'M' && (typeof e.name !== 'string' || e.name === '')) err(`${where} (${ph}): a name is required`);
    if (e.args !== undefined && (e.args === null || typeof e.args !== 'object' || Array.isArray(e.args))) err(`${where} (${ph}): args must be an object`);

    if (ph === 'M') {
      const name = e.name as string;
      if (!METADATA.has(name)) err(`${where}: unknown metadata "${name}"`);
      const args = (e.args ?? {}) as Record<string, unknown>;
      if (name.endsWith('_name') && typeof args.name !== 'string') err(`${where}: ${name} needs args.name (a string)`);
      if (name.endsWith('_sort_index') && !isInt(args.sort_index)) err(`${where}: ${name} needs args.sort_index (an integer)`);
      if (name === 'process_labels' && typeof args.labels !== 'string') err(`${where}: process_labels needs args.labels (a string)`);
      return;
    }
    if (!isNum(e.ts) || e.ts < 0) {
      err(`${where} (${ph}): ts must be a finite number ≥ 0 (µs)`);
      return;
    }
    const ts = ns(e.ts);
    let endNs = ts;
    if (ph === 'X') {
      if (!isNum(e.dur) || e.dur < 0) {
        err(`${where} (X ${String(e.name)}): dur must be a finite number ≥ 0 (µs)`);
        return;
      }
      endNs = ns(e.ts + e.dur);
    }
    if (window && (ts > window[1] || endNs < window[0])) {
      err(`${where} (${ph} ${String(e.name)}): at ${e.ts} µs, outside the recorded window ${window[0] / 1000}–${window[1] / 1000} µs (are the times in µs?)`);
    }
    if (ph === 'i' || ph === 'I') {
      if (e.s !== undefined && e.s !== 'g' && e.s !== 'p' && e.s !== 't') err(`${where}: instant scope must be g, p or t, not ${JSON.stringify(e.s)}`);
    }
    if (ph === 'C') {
      const args = e.args as Record<string, unknown> | undefined;
      const vals = args ? Object.values(args) : [];
      if (vals.length === 0 || !vals.every(isNum)) err(`${where} (C ${String(e.name)}): a counter needs numeric args`);
      const key = `${String(e.pid)}|${String(e.name)}|${String(e.id ?? '')}`;
      const prev = counterTs.get(key);
      if (prev === undefined) stats.counters++;
      else if (ts < prev) err(`${where} (C ${String(e.name)}): time goes back (${e.ts} µs after ${prev / 1000} µs)`);
      counterTs.set(key, ts);
      return;
    }
    if (ph === 's' || ph === 't' || ph === 'f') {
      if (e.id === undefined || (typeof e.id !== 'number' && typeof e.id !== 'string')) {
        err(`${where} (${ph}): a flow event needs an id`);
        return;
      }
      if (e.bp !== undefined && e.bp !== 'e') err(`${where} (${ph}): bp must be "e" if given`);
      const key = `${String(e.cat ?? '')}|${String(e.name)}|${String(e.id)}`;
      const open = flows.get(key);
      if (ph === 's') {
        if (open) err(`${where}: flow ${key} starts again before it finished (event ${open.at})`);
        flows.set(key, { ts, at });
        stats.flows++;
      } else {
        if (!open) err(`${where} (${ph}): flow ${key} has no start (s) before it`);
        else if (ts < open.ts) err(`${where} (${ph}): flow ${key} goes back in time (${e.ts} µs before its start at ${open.ts / 1000} µs)`);
        if (ph === 'f') flows.delete(key);
      }
      return;
    }
    if (ph === 'B' || ph === 'E' || ph === 'X' || ph === 'i' || ph === 'I') {
      const track = `${String(e.pid)}|${String(e.tid ?? '')}`;
      threads.add(track);
      const prev = lastTs.get(track);
      if (prev !== undefined && ts < prev) err(`${where} (${ph} ${String(e.name)}): time goes back on thread ${track} (${e.ts} µs after ${prev / 1000} µs)`);
      lastTs.set(track, ts);
      if (ph === 'B') {
        const st = openB.get(track) ?? [];
        st.push({ name: e.name, at });
        openB.set(track, st);
      } else if (ph === 'E') {
        const st = openB.get(track);
        const b = st?.pop();
        if (!b) err(`${where}: E on thread ${track} without a B`);
        else if (e.name !== undefined && e.name !== b.name) err(`${where}: E "${String(e.name)}" closes B "${String(b.name)}" (event ${b.at})`);
      } else if (ph === 'X') {
        const st = openX.get(track) ?? [];
        while (st.length > 0 && st[st.length - 1]! <= ts) st.pop();
        if (st.length > 0 && endNs > st[st.length - 1]!) err(`${where} (X ${String(e.name)}): starts inside an enclosing slice on thread ${track} but ends ${(endNs - st[st.length - 1]!) / 1000} µs after it (misnested)`);
        st.push(endNs);
        openX.set(track, st);
      }
    }
  });
  for (const [track, st] of openB) for (const b of st) err(`B "${String(b.name)}" (event ${b.at}) on thread ${track} has no E`);
  for (const [key, f] of flows) err(`flow ${key} (event ${f.at}) has no finish (f)`);
  stats.threads = threads.size;
  return { ok: errors.length === 0, errors, stats };
}

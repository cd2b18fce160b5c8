import { describe, expect, it } from 'vitest';
import { chromeTrace } from './traceexport';
import { synthTrace } from './tracesynth';
import { validateChromeTrace } from './tracevalidate';

const M = (name: string, tid?: number) => ({ ph: 'M', name, pid: 1, ...(tid !== undefined ? { tid } : {}), args: name.endsWith('_name') ? { name: 'x' } : { sort_index: 0 } });
const ok = (events: unknown[], extra: Record<string, unknown> = {}) => validateChromeTrace({ traceEvents: events, ...extra });

describe('validateChromeTrace', () => {
  it('accepts a small, correct file', () => {
    const r = ok([
      M('process_name'),
      M('thread_name', 1),
      { ph: 'B', name: 'a', pid: 1, tid: 1, ts: 1 },
      { ph: 'X', name: 'b', pid: 1, tid: 1, ts: 1.5, dur: 0.2 },
      { ph: 'E', name: 'a', pid: 1, tid: 1, ts: 2 },
      { ph: 'i', s: 't', name: 'c', pid: 1, tid: 1, ts: 2 },
      { ph: 'C', name: 'q', pid: 1, ts: 1, args: { value: 3 } },
      { ph: 's', name: 'p', cat: 'flow', id: 1, pid: 1, tid: 1, ts: 1.6 },
      { ph: 'f', bp: 'e', name: 'p', cat: 'flow', id: 1, pid: 1, tid: 2, ts: 3 },
    ], { displayTimeUnit: 'ns' });
    expect(r.errors).toEqual([]);
    expect(r.stats).toMatchObject({ events: 9, threads: 1, counters: 1, flows: 1 });
  });

  // Each case breaks one rule; the message must say which.
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /JSON object with a traceEvents array/],
    ['no traceEvents', { events: [] }, /traceEvents must be an array/],
    ['bad time unit', { traceEvents: [], displayTimeUnit: 'us' }, /displayTimeUnit/],
    ['unknown phase', { traceEvents: [{ ph: 'Q', name: 'a', pid: 1, ts: 0 }] }, /unknown phase "Q"/],
    ['no pid', { traceEvents: [{ ph: 'i', name: 'a', ts: 0 }] }, /pid must be an integer/],
    ['X without tid', { traceEvents: [{ ph: 'X', name: 'a', pid: 1, ts: 0, dur: 1 }] }, /tid must be an integer/],
    ['negative ts', { traceEvents: [{ ph: 'X', name: 'a', pid: 1, tid: 1, ts: -1, dur: 1 }] }, /ts must be a finite number/],
    ['X without dur', { traceEvents: [{ ph: 'X', name: 'a', pid: 1, tid: 1, ts: 0 }] }, /dur must be/],
    ['E without B', { traceEvents: [{ ph: 'E', pid: 1, tid: 1, ts: 0 }] }, /E on thread 1\|1 without a B/],
    ['B without E', { traceEvents: [{ ph: 'B', name: 'a', pid: 1, tid: 1, ts: 0 }] }, /B "a" .* has no E/],
    ['E closes another B', { traceEvents: [{ ph: 'B', name: 'a', pid: 1, tid: 1, ts: 0 }, { ph: 'E', name: 'b', pid: 1, tid: 1, ts: 1 }] }, /E "b" closes B "a"/],
    ['time goes back on a thread', { traceEvents: [{ ph: 'X', name: 'a', pid: 1, tid: 1, ts: 5, dur: 1 }, { ph: 'X', name: 'b', pid: 1, tid: 1, ts: 4, dur: 0.5 }] }, /time goes back on thread/],
    ['misnested X', { traceEvents: [{ ph: 'X', name: 'a', pid: 1, tid: 1, ts: 1, dur: 2 }, { ph: 'X', name: 'b', pid: 1, tid: 1, ts: 2, dur: 2 }] }, /misnested/],
    ['bad instant scope', { traceEvents: [{ ph: 'i', s: 'x', name: 'a', pid: 1, tid: 1, ts: 0 }] }, /scope must be g, p or t/],
    ['counter without numbers', { traceEvents: [{ ph: 'C', name: 'q', pid: 1, ts: 0, args: { value: 'x' } }] }, /numeric args/],
    ['counter back in time', { traceEvents: [{ ph: 'C', name: 'q', pid: 1, ts: 2, args: { v: 1 } }, { ph: 'C', name: 'q', pid: 1, ts: 1, args: { v: 2 } }] }, /C q\): time goes back/],
    ['flow without finish', { traceEvents: [{ ph: 's', name: 'p', cat: 'c', id: 1, pid: 1, tid: 1, ts: 0 }] }, /has no finish/],
    ['finish without start', { traceEvents: [{ ph: 'f', name: 'p', cat: 'c', id: 1, pid: 1, tid: 1, ts: 0 }] }, /has no start/],
    ['flow back in time', { traceEvents: [{ ph: 's', name: 'p', cat: 'c', id: 1, pid: 1, tid: 1, ts: 5 }, { ph: 'f', name: 'p', cat: 'c', id: 1, pid: 1, tid: 2, ts: 4 }] }, /goes back in time/],
    ['flow without id', { traceEvents: [{ ph: 's', name: 'p', pid: 1, tid: 1, ts: 0 }] }, /needs an id/],
    ['unknown metadata', { traceEvents: [{ ph: 'M', name: 'thread_colour', pid: 1, tid: 1, args: {} }] }, /unknown metadata/],
    ['thread_name without a name', { traceEvents: [{ ph: 'M', name: 'thread_name', pid: 1, tid: 1, args: {} }] }, /needs args.name/],
    ['times in ns, not µs', { traceEvents: [{ ph: 'X', name: 'a', pid: 1, tid: 1, ts: 2000000, dur: 100 }], otherData: { window_us: [2000, 2200] } }, /outside the recorded window .* µs\?/],
  ];
  it.each(cases)('refuses: %s', (_name, input, msg) => {
    const r = validateChromeTrace(input);
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toMatch(msg);
  });

  it('catches an export whose times were written in ns', () => {
    const t = chromeTrace(synthTrace({ ncpu: 2, passes: 10 }));
    expect(validateChromeTrace(t).ok).toBe(true);
    for (const e of t.traceEvents) if (e.ts !== undefined) e.ts *= 1000;
    const r = validateChromeTrace(t);
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatch(/are the times in µs/);
  });

  it('stops listing after 50 errors', () => {
    const r = validateChromeTrace({ traceEvents: Array.from({ length: 200 }, () => ({ ph: 'Q' })) });
    expect(r.errors.length).toBe(51);
  });
});

/**
 * `--assume KNOB=VALUE … --on PRESET …` of `npm run calibrate`: a what-if fit with settings the
 * rows' source does not state (rows.ts RowAssumption). Every knob and value is checked as the
 * CLI's --set is, and every preset must have calibration rows.
 */
import { PRESETS, parseKnobText } from '../engine/index';
import type { RowAssumption } from './rows';

export type AssumeResult = { ok: true; assume: RowAssumption | null } | { ok: false; error: string };

export function parseAssumeArgs(argv: readonly string[]): AssumeResult {
  const set: Record<string, string | number | boolean> = {};
  const presets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a !== '--assume' && a !== '--on') continue;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) return { ok: false, error: `${a} needs a value (${a === '--assume' ? 'KNOB=VALUE' : 'a preset name'})` };
    i++;
    if (a === '--on') {
      const p = PRESETS.find((x) => x.name === v);
      if (!p) return { ok: false, error: `--on ${v}: no such preset (npm run -s sim -- --list-presets)` };
      if (!(p.targets ?? []).some((t) => t.collapseBelow === undefined)) return { ok: false, error: `--on ${v}: the preset has no calibration rows` };
      if (!presets.includes(v)) presets.push(v);
      continue;
    }
    const eq = v.indexOf('=');
    if (eq <= 0) return { ok: false, error: `--assume ${v}: expected KNOB=VALUE` };
    const path = v.slice(0, eq);
    const parsed = parseKnobText(path, v.slice(eq + 1));
    if (!parsed.ok) return { ok: false, error: `--assume ${v}: ${parsed.errors.join('; ')}` };
    set[path] = parsed.value as string | number | boolean;
  }
  const knobs = Object.keys(set).length;
  if (knobs === 0 && presets.length === 0) return { ok: true, assume: null };
  if (knobs === 0) return { ok: false, error: '--on names the rows of an --assume: give one (--assume KNOB=VALUE)' };
  if (presets.length === 0) return { ok: false, error: '--assume needs the presets whose rows it changes (--on PRESET, once per preset)' };
  return { ok: true, assume: { set, presets } };
}

/**
 * Model vs measurement for every calibration row carried by a preset (calibration.md). Prints the
 * table and holds each row to ±10%. Rows marked "fitted" in docs/MODEL.md fixed a constant; the
 * others are predictions of the mechanism.
 */
import { describe, expect, it } from 'vitest';
import { PRESETS, presetScenario } from './presets';
import { setPath } from './scenario';
import { runScenario } from './sim';

const rows = PRESETS.flatMap((p) => (p.targets ?? []).map((t) => ({ p, t })));

describe('calibration', () => {
  it('reproduces every calibration row within ±10%', () => {
    const lines: string[] = [];
    const failures: string[] = [];
    for (const { p, t } of rows) {
      const s = setPath(presetScenario(p, t.set), 'sim.duration_ms', 10);
      const r = runScenario(s).summary;
      const model = r[t.metric];
      const err = model / t.measured - 1;
      const set = Object.entries(t.set).map(([k, v]) => `${k}=${v}`).join(' ') || '(preset)';
      lines.push(`${p.name.padEnd(22)} ${set.padEnd(28)} model ${(model / 1e6).toFixed(2).padStart(6)} Mpps  measured ${(t.measured / 1e6).toFixed(2).padStart(6)} Mpps  ${(err * 100).toFixed(1).padStart(6)}%`);
      if (Math.abs(err) > 0.1) failures.push(`${p.name} ${set}: ${(err * 100).toFixed(1)}%`);
    }
    console.log(['model vs measured (calibration.md):', ...lines].join('\n'));
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(failures).toEqual([]);
  });
});

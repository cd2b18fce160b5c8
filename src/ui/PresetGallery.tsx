import { PRESETS } from '../engine';
import { useApp } from '../state/app';
import { presetCards } from './presetGroups';

const GROUPS = presetCards(PRESETS);

const WORKLOAD_BADGE: Record<string, string> = { forward: 'forward', receive: 'receive', transmit: 'transmit', ring: 'TX ring' };

/**
 * The presets as one-click cards, grouped. A card is one button: click, Enter or Space loads the
 * preset and runs it (the preset select in the settings column loads without running).
 */
export function PresetGallery({ onRun }: { onRun?: (name: string) => void }) {
  const presetName = useApp((s) => s.presetName);
  const runPreset = useApp((s) => s.runPreset);
  return (
    <div className="gallery" data-testid="preset-gallery">
      <p className="muted gallery-intro">
        One click loads a preset into the settings and runs it. Every card sets up a published measurement (its figure, and how far the
        fitted model is from it) or shows one effect; the settings stay editable afterwards.
      </p>
      {GROUPS.map(({ group, cards }) => (
        <section key={group.id} className="gallery-group" aria-labelledby={`gallery-${group.id}`} data-testid={`preset-group-${group.id}`}>
          <h2 id={`gallery-${group.id}`}>
            {group.title} <span className="muted gallery-blurb">{group.blurb}</span>
          </h2>
          <ul className="cards">
            {cards.map((c) => (
              <li key={c.name}>
                <button
                  type="button"
                  className={`card${presetName === c.name ? ' current' : ''}`}
                  data-testid={`preset-card-${c.name}`}
                  aria-describedby={`card-desc-${c.name}`}
                  aria-current={presetName === c.name ? 'true' : undefined}
                  title={c.description}
                  onClick={() => {
                    if (runPreset(c.name)) onRun?.(c.name);
                  }}
                >
                  <span className="card-title">{c.title}</span>
                  <span className="card-desc" id={`card-desc-${c.name}`}>
                    {c.line}
                  </span>
                  <span className="card-foot">
                    <span className="chip">{WORKLOAD_BADGE[c.workload] ?? c.workload}</span>
                    {c.measured && (
                      <span className="chip chip-measured" title={c.measuredSource ?? undefined}>
                        {c.measured}
                      </span>
                    )}
                    {c.model && (
                      <span className={`chip chip-measured${c.model.off ? ' chip-off' : ''}`} title={c.model.title} data-testid={`preset-model-${c.name}`}>
                        {c.model.text}
                      </span>
                    )}
                    <span className="card-run" aria-hidden="true">
                      Run ▸
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/**
 * The preset gallery's grouping and card text, derived from the engine's PRESETS (title,
 * description, calibration targets) and each preset's scenario. Pure; no React.
 */
import { CALIBRATION_TOLERANCE, measuredFigureFor, presetScenario, type Preset } from '../engine';
import { signedPercent } from './format';

export type PresetGroupId = 'forwarding' | 'transmit' | 'receive' | 'cores' | 'ring';

export interface PresetGroupDef {
  id: PresetGroupId;
  title: string;
  blurb: string;
  /** A title prefix the group heading already says ("Forwarding: "), dropped on the cards. */
  prefix?: string;
}

export const PRESET_GROUPS: readonly PresetGroupDef[] = [
  { id: 'forwarding', title: 'Forwarding calibration', blurb: 'Router rows of the BSDRP bench lab: each card shows the measurement and how far the fitted model is from it.', prefix: 'Forwarding: ' },
  { id: 'transmit', title: 'Transmit / netmap', blurb: 'Kernel UDP senders through the software TX rings vs netmap pkt-gen, and the netmap stall.', prefix: 'Transmit: ' },
  { id: 'receive', title: 'Receive / LRO', blurb: 'Traffic that ends in local sockets: the receive stack and large receive offload.' },
  { id: 'cores', title: 'Cores vs queues & NUMA', blurb: 'Where the queues and the memory sit: idle cores, crossing sockets.' },
  { id: 'ring', title: 'TX ring only', blurb: 'One hardware TX ring and the wire, a textbook queue with no CPU.', prefix: 'TX ring only: ' },
];

export interface PresetCard {
  name: string;
  group: PresetGroupId;
  title: string;
  /** First sentence of the description. */
  line: string;
  description: string;
  workload: string;
  /** The measured figure the preset reproduces, when it has one ("measured 12.67 Mpps"). */
  measured: string | null;
  measuredSource: string | null;
  /**
   * The fit's error on that row ("model −71 %"), its leave-one-out error, and whether the row is
   * outside the ±15 % the calibration holds rows to (a preset may state a wider tolerance, with
   * the reason: the tooltip says so); null without a fitted row.
   */
  model: { text: string; title: string; off: boolean } | null;
}

/** Which gallery group a preset belongs to, from what it runs. */
export function groupOf(p: Preset): PresetGroupId {
  let workload: string;
  try {
    workload = presetScenario(p).traffic.workload;
  } catch {
    workload = String(p.set['traffic.workload'] ?? 'forward');
  }
  if (workload === 'ring') return 'ring';
  if (workload === 'transmit') return 'transmit';
  if (workload === 'receive') return 'receive';
  const calibrated = (p.targets ?? []).some((t) => t.metric === 'forwarded_pps' || t.metric === 'delivered_pps');
  return calibrated ? 'forwarding' : 'cores';
}

/** The first sentence (up to the first ". " or the end), for a one-line card. */
export function firstSentence(text: string): string {
  const m = /^(.*?[.!?])(\s|$)/.exec(text.trim());
  return (m ? m[1]! : text).trim();
}

/** The row a card shows: the preset as it is, else its last target. */
function cardTarget(p: Preset) {
  return (p.targets ?? []).find((x) => Object.keys(x.set).length === 0) ?? p.targets?.[p.targets.length - 1];
}

function measuredOf(p: Preset): { text: string; source: string } | null {
  const t = cardTarget(p);
  if (!t) return null;
  if (t.collapseBelow !== undefined) return { text: 'measured: collapses', source: t.source };
  return { text: `measured ${(t.measured / 1e6).toFixed(2)} Mpps`, source: t.source };
}

const pct = (x: number) => signedPercent(x, 0);

/** What the fit makes of the card's row (engine measuredFigureFor, the fit's table). */
function modelOf(p: Preset): PresetCard['model'] {
  const t = cardTarget(p);
  if (!t || t.collapseBelow !== undefined) return null;
  let m;
  try {
    m = measuredFigureFor(presetScenario(p, t.set));
  } catch {
    return null;
  }
  const fit = m?.fit;
  if (!m || !fit) return null;
  const stated = m.tolerance > CALIBRATION_TOLERANCE ? `; the preset states ±${Math.round(m.tolerance * 100)} % and says why` : '';
  return {
    text: `model ${pct(fit.error)}`,
    title: `The fitted model is ${pct(fit.error)} off this measurement (rows are held to ±${Math.round(CALIBRATION_TOLERANCE * 100)} %${stated}); left out of the fit, ${pct(fit.loo_error)}.`,
    off: Math.abs(fit.error) > CALIBRATION_TOLERANCE,
  };
}

export function presetCards(presets: readonly Preset[]): { group: PresetGroupDef; cards: PresetCard[] }[] {
  const cards = presets.map((p): PresetCard => {
    const group = groupOf(p);
    const prefix = PRESET_GROUPS.find((g) => g.id === group)?.prefix;
    const m = measuredOf(p);
    let workload = String(p.set['traffic.workload'] ?? '');
    try {
      workload = presetScenario(p).traffic.workload;
    } catch {
      // keep the declared one
    }
    return {
      name: p.name,
      group,
      title: prefix && p.title.startsWith(prefix) ? p.title.slice(prefix.length) : p.title,
      line: firstSentence(p.description),
      description: p.description,
      workload,
      measured: m?.text ?? null,
      measuredSource: m?.source ?? null,
      model: modelOf(p),
    };
  });
  return PRESET_GROUPS.map((group) => ({ group, cards: cards.filter((c) => c.group === group.id) })).filter((g) => g.cards.length > 0);
}

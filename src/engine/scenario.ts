/**
 * The one versioned scenario schema. Every knob is declared once, here, in KNOBS; the zod schema,
 * defaults, the UI form, share links, presets and the CLI are all derived from this table.
 *
 * Knob paths are public (links, `npm run sim -- --set`, docs): renaming one needs a migration in
 * link.ts and a SCHEMA_VERSION bump.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = 1;

export type KnobGroup = 'Traffic' | 'NIC & queues' | 'Simulation';

interface KnobBase {
  /** Dotted public path, e.g. `traffic.load`. */
  path: string;
  group: KnobGroup;
  label: string;
  /** One sentence for the tooltip: what it models, with the FreeBSD name where one exists. */
  help: string;
  /** The sysctl, tunable or function this knob models, if any. */
  freebsd?: string;
}

export interface IntKnob extends KnobBase {
  kind: 'int';
  min: number;
  max: number;
  default: number;
  unit?: string;
  /** Hardware rings need power-of-two sizes. */
  pow2?: boolean;
}

export interface NumberKnob extends KnobBase {
  kind: 'number';
  min: number;
  max: number;
  default: number;
  step: number;
  unit?: string;
}

export interface ChoiceKnob extends KnobBase {
  kind: 'choice';
  /** Allowed values; numbers stay numbers (e.g. link speeds). */
  options: readonly (string | number)[];
  default: string | number;
  unit?: string;
}

export interface BoolKnob extends KnobBase {
  kind: 'bool';
  default: boolean;
}

export type Knob = IntKnob | NumberKnob | ChoiceKnob | BoolKnob;

export const KNOBS: readonly Knob[] = [
  {
    path: 'nic.link_gbps', group: 'NIC & queues', kind: 'choice', label: 'Link speed',
    options: [1, 10, 25, 40, 100], default: 10, unit: 'Gbit/s',
    help: 'Ethernet line rate. Each frame also occupies 20 bytes of preamble, SFD and inter-frame gap on the wire.',
    freebsd: 'ifconfig media / if_baudrate',
  },
  {
    path: 'queues.tx_desc', group: 'NIC & queues', kind: 'int', label: 'TX descriptors',
    min: 64, max: 16384, default: 1024, unit: 'descriptors', pow2: true,
    help: 'Size of the hardware TX descriptor ring; a frame holds a descriptor from enqueue until its last bit leaves the wire. A full ring drops.',
    freebsd: 'dev.<drv>.<unit>.iflib.override_ntxds',
  },
  {
    path: 'traffic.frame_bytes', group: 'Traffic', kind: 'int', label: 'Frame size',
    min: 64, max: 9216, default: 64, unit: 'bytes',
    help: 'Ethernet frame size including FCS, excluding preamble and inter-frame gap. 64 bytes is the worst case for packets per second.',
  },
  {
    path: 'traffic.load', group: 'Traffic', kind: 'number', label: 'Offered load',
    min: 0, max: 1.5, default: 0.9, step: 0.01, unit: '× line rate',
    help: 'Offered packet rate as a fraction of the line rate for this frame size; above 1 the ring overflows and drops.',
  },
  {
    path: 'traffic.arrival', group: 'Traffic', kind: 'choice', label: 'Arrival process',
    options: ['constant', 'poisson', 'bursty'], default: 'poisson',
    help: 'constant: evenly spaced; poisson: exponential gaps; bursty: bursts of a geometric number of frames (mean 32: one iflib TX batch) arriving together, Poisson between bursts; same mean rate.',
  },
  {
    path: 'sim.seed', group: 'Simulation', kind: 'int', label: 'Seed',
    min: 0, max: 4294967295, default: 1,
    help: 'Seed of the one PRNG (xoshiro128**). The same seed and config give a bit-identical result.',
  },
  {
    path: 'sim.duration_ms', group: 'Simulation', kind: 'number', label: 'Duration',
    min: 0.1, max: 600000, default: 100, step: 0.1, unit: 'ms simulated',
    help: 'Simulated time to run. Frames are recorded at 200 fixed intervals over this span.',
  },
] as const;

export const KNOB_BY_PATH: ReadonlyMap<string, Knob> = new Map(KNOBS.map((k) => [k.path, k]));

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** The zod type for one knob, with range messages that name the knob and its limits. */
export function knobSchema(k: Knob): z.ZodType {
  const where = `${k.path}`;
  switch (k.kind) {
    case 'int': {
      let s = z
        .number({ error: `${where} must be a whole number from ${k.min} to ${k.max}` })
        .int({ error: `${where} must be a whole number from ${k.min} to ${k.max}` })
        .min(k.min, { error: `${where} must be at least ${k.min} (allowed ${k.min}–${k.max})` })
        .max(k.max, { error: `${where} must be at most ${k.max} (allowed ${k.min}–${k.max})` });
      if (k.pow2) s = s.refine(isPow2, { error: `${where} must be a power of two (${k.min}–${k.max})` }) as unknown as typeof s;
      return s;
    }
    case 'number':
      return z
        .number({ error: `${where} must be a number from ${k.min} to ${k.max}` })
        .min(k.min, { error: `${where} must be at least ${k.min} (allowed ${k.min}–${k.max})` })
        .max(k.max, { error: `${where} must be at most ${k.max} (allowed ${k.min}–${k.max})` });
    case 'choice': {
      const allowed = k.options.map(String).join(' | ');
      return z.custom<string | number>((v) => k.options.includes(v as string | number), {
        error: `${where} must be one of ${allowed}`,
      });
    }
    case 'bool':
      return z.boolean({ error: `${where} must be true or false` });
  }
}

type Tree = { [key: string]: Tree | z.ZodType };

function buildTree(): Tree {
  const root: Tree = {};
  for (const k of KNOBS) {
    const parts = k.path.split('.');
    let node = root;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Tree;
    node[parts[parts.length - 1]!] = knobSchema(k);
  }
  return root;
}

function toZod(t: Tree): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, v] of Object.entries(t)) shape[key] = v instanceof z.ZodType ? v : toZod(v as Tree);
  return z.strictObject(shape);
}

/** The scenario as the engine sees it. Kept as an explicit interface so engine code is typed. */
export interface Scenario {
  nic: { link_gbps: 1 | 10 | 25 | 40 | 100 };
  queues: { tx_desc: number };
  traffic: { frame_bytes: number; load: number; arrival: 'constant' | 'poisson' | 'bursty' };
  sim: { seed: number; duration_ms: number };
}

/** Strict: unknown keys are errors (a typo must not silently fall back to a default). */
export const ScenarioSchema = toZod(buildTree()) as z.ZodType<Scenario>;

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Immutable set: returns a copy of `obj` with `path` replaced. */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const src = (obj ?? {}) as Record<string, unknown>;
  return { ...src, [head!]: rest.length ? setPath(src[head!], rest.join('.'), value) : value } as T;
}

export function defaultScenario(): Scenario {
  let s = {} as Scenario;
  for (const k of KNOBS) s = setPath(s, k.path, k.default);
  return s;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Validate a complete scenario. Error strings name the knob path and the allowed range. */
export function parseScenario(input: unknown): ParseResult<Scenario> {
  const r = ScenarioSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, errors: formatIssues(r.error) };
}

/** Validate one knob value in isolation (inline form validation, CLI --set). */
export function validateKnob(path: string, value: unknown): ParseResult<unknown> {
  const k = KNOB_BY_PATH.get(path);
  if (!k) return { ok: false, errors: [`unknown knob "${path}"; known knobs: ${KNOBS.map((x) => x.path).join(', ')}`] };
  const r = knobSchema(k).safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: formatIssues(r.error) };
}

function formatIssues(err: z.ZodError): string[] {
  return err.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      const at = i.path.length ? `${i.path.join('.')}.` : '';
      return `unknown knob${i.keys.length > 1 ? 's' : ''}: ${i.keys.map((k) => at + k).join(', ')}`;
    }
    if (i.message.includes(i.path.join('.')) || i.path.length === 0) return i.message;
    return `${i.path.join('.')}: ${i.message}`;
  });
}

/** Parse a CLI/text value for a knob: numbers for numeric knobs and numeric choices, booleans for bools. */
export function coerceKnobText(path: string, text: string): unknown {
  const k = KNOB_BY_PATH.get(path);
  if (!k) return text;
  const t = text.trim();
  if (k.kind === 'bool') return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : t;
  if (k.kind === 'int' || k.kind === 'number') return t === '' ? NaN : Number(t);
  if (k.kind === 'choice' && typeof k.default === 'number') return t === '' ? NaN : Number(t);
  return t;
}

/**
 * "Did you mean" for names typed or linked from outside (knob paths, sweep outputs, CLI flags and
 * presets): the closest few known names, never the whole list. Pure.
 */

/** Most names one suggestion offers. */
export const MAX_SUGGESTIONS = 3;

/** Edit distance (Levenshtein), for "did you mean" suggestions. */
export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * Candidates close to `word`, closest first: a small edit distance, or one contains the other's
 * last dotted segment (`seed` → `sim.seed`). A word longer than any name (a pasted payload) is cut
 * first, so the work stays small.
 */
export function closeMatches(word: string, candidates: readonly string[]): string[] {
  const w = word.slice(0, 100).toLowerCase();
  const leaf = (s: string) => s.slice(s.lastIndexOf('.') + 1);
  const wl = leaf(w);
  const scored = candidates
    .map((c) => {
      const cl = c.toLowerCase();
      let d = levenshtein(w, cl);
      if (wl.length >= 3 && (leaf(cl).includes(wl) || wl.includes(leaf(cl)))) d = Math.min(d, 1);
      return { c, d };
    })
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 5)))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return scored.map((s) => s.c);
}

/** `did you mean "a", "b" or "c"?` for the closest few, or null when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[], max = MAX_SUGGESTIONS): string | null {
  const near = closeMatches(word, candidates).slice(0, max);
  if (!near.length) return null;
  const q = near.map((n) => `"${n}"`);
  return `did you mean ${q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q.at(-1)!}` : q[0]!}?`;
}

/**
 * Outside text (keys and values from a link, a file, the command line) as the engine's messages
 * may echo it: cut, escaped, quoted, so a hostile name can neither flood a message nor smuggle
 * control characters or markup into it; and schema errors worded by knob path.
 */
import type { z } from 'zod';

/** Most issues reported for one scenario, and most unknown keys named per issue. */
const MAX_ISSUES = 20;
const MAX_KEYS_NAMED = 5;

/**
 * A key from outside (a link, a file) as it may be echoed: at most 40 characters, with anything
 * that is not a plain knob-name character shown as a JSON escape, so a hostile name can neither
 * flood the message nor smuggle control characters or markup into it.
 */
export function echoKey(k: string, max = 40): string {
  const long = k.length > max;
  const cut = long ? k.slice(0, max) : k;
  const safe = cut.replace(/[^\x20-\x7e]|[<>&"\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return /^[A-Za-z0-9_.-]*$/.test(cut) ? `${cut}${long ? '…' : ''}` : `"${safe}"${long ? '…' : ''}`;
}

/**
 * Outside text (a name, a spec, a label) echoed in a message, always in double quotes: escaped
 * and cut as `echoKey` does, so `unknown output "<img …>"` arrives as `"\u003cimg …"`.
 */
export function echoQuoted(text: string, max = 40): string {
  const e = echoKey(text, max);
  return e.startsWith('"') ? e : `"${e}"`;
}

/** A zod error as messages that name the knob path, at most MAX_ISSUES of them. */
export function formatIssues(err: z.ZodError): string[] {
  const out = err.issues.slice(0, MAX_ISSUES).map((i) => {
    const where = i.path.map((p) => echoKey(String(p))).join('.');
    if (i.code === 'unrecognized_keys') {
      const at = where ? `${where}.` : '';
      const named = i.keys.slice(0, MAX_KEYS_NAMED).map((k) => at + echoKey(k));
      const more = i.keys.length > MAX_KEYS_NAMED ? ` and ${i.keys.length - MAX_KEYS_NAMED} more` : '';
      return `unknown knob${i.keys.length > 1 ? 's' : ''}: ${named.join(', ')}${more}`;
    }
    if (i.message.includes(where) || i.path.length === 0) return i.message;
    return `${where}: ${i.message}`;
  });
  if (err.issues.length > MAX_ISSUES) out.push(`… and ${err.issues.length - MAX_ISSUES} more problems`);
  return out;
}


/**
 * The page's Content-Security-Policy and security headers, in one place: vite.config.ts puts the
 * policy in the built index.html as a meta tag and sends the headers from `vite preview`; the
 * e2e spec (e2e/csp.spec.ts) checks both and runs the app under them with zero violations.
 *
 * - Scripts, the engine Worker, styles and fetches: this origin only. No 'unsafe-inline' and no
 *   'unsafe-eval': React and Recharts set inline styles through the CSSOM (element.style), which
 *   style-src does not govern, and the PNG export builds its SVG copy's styles the same way.
 * - Images: this origin, `data:` (the empty favicon) and `blob:` (the chart PNG export draws the
 *   chart's SVG through a blob: URL).
 * - No plugins, no <base>, no form posts; never framed (frame-ancestors, and X-Frame-Options for
 *   older browsers). frame-ancestors only works as a header: a meta tag ignores it, so the meta
 *   policy leaves it out.
 */
const DIRECTIVES: [string, string][] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['worker-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'self'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

const policy = (skip: string[] = []) =>
  DIRECTIVES.filter(([d]) => !skip.includes(d))
    .map(([d, v]) => `${d} ${v}`)
    .join('; ');

/** The header policy: every directive. */
export const CSP_HEADER = policy();

/** The meta tag's policy: without the directives a meta tag ignores. */
export const CSP_META = policy(['frame-ancestors']);

/** Headers of every response `vite preview` sends (and the dev server, without the CSP: Vite's dev client needs inline scripts). */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

export const PREVIEW_HEADERS: Record<string, string> = { 'Content-Security-Policy': CSP_HEADER, ...SECURITY_HEADERS };

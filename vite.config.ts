import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP_META, PREVIEW_HEADERS, SECURITY_HEADERS } from './security.config';

/** The Content-Security-Policy as the first element of the built page's <head> (security.config.ts). */
function cspMeta(): Plugin {
  return {
    name: 'ringlab-csp-meta',
    apply: 'build',
    transformIndexHtml() {
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' }];
    },
  };
}

export default defineConfig({
  plugins: [react(), cspMeta()],
  worker: { format: 'es' },
  // Source maps only when asked for (RINGLAB_SOURCEMAP=1 npm run build): a production build ships none.
  build: { target: 'es2022', sourcemap: process.env.RINGLAB_SOURCEMAP === '1' },
  server: { headers: SECURITY_HEADERS },
  preview: { headers: PREVIEW_HEADERS },
});

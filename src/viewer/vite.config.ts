/**
 * Vite build of the viewer page: src/viewer/web → dist/viewer (relative asset URLs, so the page works from
 * any folder of any static host; workers as ES modules). Runs offline (`npm run build`, `prepare`).
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/viewer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
});

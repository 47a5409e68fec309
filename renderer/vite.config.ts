import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Vite defines import.meta.dirname for config files (no node: import needed here).
const root = import.meta.dirname;

/** Renderer build: renderer/ -> dist/renderer, relative asset URLs for the app's custom protocol. */
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${root}/../dist/renderer`,
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: false,
    // No inline polyfill or data: scripts: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { strictPort: false },
  clearScreen: false,
  logLevel: 'warn',
});

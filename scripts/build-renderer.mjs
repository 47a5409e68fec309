// Builds the renderer (React + zustand) with Vite into dist/renderer.
// Usage: node scripts/build-renderer.mjs [--out-dir <dir>]
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const configFile = fileURLToPath(new URL('../renderer/vite.config.ts', import.meta.url));

/** Build the renderer; `outDir` overrides dist/renderer (tests build into a temp dir). */
export async function buildRenderer({ outDir, logLevel = 'warn' } = {}) {
  await build({
    configFile,
    logLevel,
    ...(outDir ? { build: { outDir, emptyOutDir: true } } : {}),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--out-dir');
  const outDir = i > 0 ? process.argv[i + 1] : undefined;
  await buildRenderer({ outDir, logLevel: 'info' });
}

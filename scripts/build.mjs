// Build: bundles the CLI, the Electron main process and the preload with esbuild, and the
// renderer with vite (scripts/build-renderer.mjs). npm packages stay external (resolved from
// node_modules at run time); keytar is native and electron is provided by the runtime.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const only = process.argv.slice(2);
const want = (t) => only.length === 0 || only.includes(t);
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

const jobs = [];
if (want('cli') && existsSync(path.join(root, 'main/cli/index.ts'))) {
  // Chunks are content-hashed and never deleted here: a CLI process started before a rebuild
  // (tests run in parallel) keeps finding the chunks it imports. `rm -rf dist` cleans up.
  jobs.push(
    build({
      ...common,
      entryPoints: { roletray: 'main/cli/index.ts' },
      outdir: 'dist/cli',
      format: 'esm',
      splitting: true,
      outExtension: { '.js': '.mjs' },
      packages: 'external',
      chunkNames: 'chunks/[name]-[hash]',
    }),
  );
}
if (want('app') && existsSync(path.join(root, 'main/app/main.ts'))) {
  jobs.push(build({ ...common, entryPoints: { main: 'main/app/main.ts' }, outdir: 'dist/app', format: 'cjs', outExtension: { '.js': '.cjs' }, packages: 'external' }));
}
if (want('preload') && existsSync(path.join(root, 'preload/index.ts'))) {
  // sandboxed preloads must be a single CommonJS file that only requires 'electron'
  jobs.push(build({ ...common, entryPoints: { index: 'preload/index.ts' }, outdir: 'dist/preload', format: 'cjs', outExtension: { '.js': '.cjs' }, external: ['electron'] }));
}
if (want('renderer') && existsSync(path.join(root, 'scripts/build-renderer.mjs'))) {
  jobs.push(import('./build-renderer.mjs').then((m) => m.buildRenderer?.()));
}
await Promise.all(jobs);

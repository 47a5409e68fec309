// Build step (filled in as layers land): bundles main/cli, main/app, preload with esbuild, renderer with vite.
console.log('build: nothing to build yet');

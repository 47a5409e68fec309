#!/usr/bin/env node
// Entry point of the `roletray` CLI: the bundled build of main/cli (npm install runs the build).
import('../dist/cli/roletray.mjs').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli')) {
    process.stderr.write('roletray: not built yet: run `npm run build` in the RoleTray checkout\n');
    process.exit(1);
  }
  throw e;
});

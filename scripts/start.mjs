// `npm start`: launch the tray app when an Electron binary is available; otherwise (no binary,
// e.g. a headless machine) start the sandbox STS with its demo world so RoleTray can be tried
// from the CLI without an Alibaba Cloud account.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

function electronBinary() {
  if (process.env.ELECTRON_PATH && existsSync(process.env.ELECTRON_PATH)) return process.env.ELECTRON_PATH;
  // Not require('electron'): when its binary is missing, that starts a download from GitHub.
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const rel = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const bin = path.join(dir, 'dist', rel);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const bin = electronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
let child;
if (bin && hasDisplay) {
  child = spawn(bin, [root], { stdio: 'inherit' });
} else {
  console.log(
    bin
      ? 'No display found: starting the RoleTray sandbox instead of the tray app.'
      : 'No Electron binary is installed (set ELECTRON_PATH to use one): starting the RoleTray sandbox instead of the tray app.',
  );
  child = spawn(process.execPath, [path.join(root, 'bin', 'roletray.mjs'), 'sandbox', '--setup'], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

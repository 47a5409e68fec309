/**
 * `roletray console <role>`: open the Alibaba Cloud console as the role through the federation
 * sign-in (GetSigninToken + Login, main/core/signin.ts). The SigninToken lives about 30 s and works
 * once, so it is fetched right now; --print-url prints the URL instead of opening a browser.
 */
import { spawn } from 'node:child_process';
import { RoleTrayError } from '../../core/errors';
import { consoleSigninUrl } from '../../core/signin';
import type { CliContext } from '../context';
import { forRole } from '../context';

export async function openConsole(ctx: CliContext, name: string, opts: { destination?: string; printUrl?: boolean }): Promise<void> {
  const m = ctx.core().manager;
  const url = await forRole(name, () => consoleSigninUrl(m, name, opts.destination, ctx.env));
  if (opts.printUrl) {
    ctx.out(`${url}\n`);
    ctx.note('the sign-in URL works once, within about 30 seconds');
    return;
  }
  await openBrowser(url);
  ctx.out(`opened the console as ${name} in your browser\n`);
}

/** The platform's "open this URL" program, started detached, without a shell. */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

async function openBrowser(url: string): Promise<void> {
  const [cmd, args] = browserCommand(url);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore', shell: false });
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(new RoleTrayError('io', `could not start a browser with ${cmd} (${e.code ?? 'error'})`, { hint: 'run again with --print-url and open the URL yourself within 30 seconds' })),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

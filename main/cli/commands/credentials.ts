/**
 * The commands that exist to hand out STS credentials: `env`, `exec` and `credential-process`
 * (its full path; index.ts tries the keychain cache first). Never long-lived secrets.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { ShellKind } from '../../core/env-export';
import { envExports, sessionEnv } from '../../core/env-export';
import { RoleTrayError } from '../../core/errors';
import type { CliContext } from '../context';
import { findRole, forRole, regionOf } from '../context';
import { credentialProcessJson } from '../credential-output';

async function roleCredentials(ctx: CliContext, name: string) {
  const m = ctx.core().manager;
  const cat = await m.catalog();
  const role = findRole(cat, name);
  const creds = await forRole(name, () => m.credentials(name));
  return { creds, region: regionOf(cat, role) };
}

export async function credentialProcess(ctx: CliContext, name: string): Promise<void> {
  const { creds } = await roleCredentials(ctx, name);
  ctx.out(credentialProcessJson(creds));
}

export async function env(ctx: CliContext, name: string, opts: { shell: ShellKind }): Promise<void> {
  const { creds, region } = await roleCredentials(ctx, name);
  ctx.out(envExports(creds, region, opts.shell));
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function exec(ctx: CliContext, name: string, command: string[]): Promise<number> {
  const [file, ...args] = command;
  if (file === undefined) throw new RoleTrayError('invalid-input', 'no command to run', { hint: `roletray exec ${name} -- <command> [args...]` });
  const { creds, region } = await roleCredentials(ctx, name);
  // The profile write of a fresh assume lands before the child starts.
  await ctx.core().writer.flush();
  const child = spawn(file, args, { stdio: 'inherit', env: { ...process.env, ...sessionEnv(creds, region) } });
  const forward = (sig: NodeJS.Signals) => (): void => {
    child.kill(sig);
  };
  const handlers = FORWARDED.map((sig) => [sig, forward(sig)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') {
          process.stderr.write(`roletray: command not found: ${file}\n`);
          resolve(127);
        } else if (e.code === 'EACCES') {
          process.stderr.write(`roletray: permission denied: ${file}\n`);
          resolve(126);
        } else {
          reject(new RoleTrayError('io', `could not run ${file} (${e.code ?? 'error'})`));
        }
      });
      child.once('exit', (code, signal) => {
        if (signal) resolve(128 + (constants.signals[signal] ?? 0));
        else resolve(code ?? 0);
      });
    });
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}

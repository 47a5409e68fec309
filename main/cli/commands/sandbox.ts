/**
 * `roletray sandbox`: the embedded STS emulator and demo world on 127.0.0.1 (main/sandbox), until
 * SIGINT/SIGTERM. Sandbox data never mixes with real data: --setup creates a sandbox-only data
 * directory, CLI config and keychain service, fills it with the demo identity and roles, and prints
 * the environment lines that select it.
 */
import path from 'node:path';
import { createCore } from '../../core/index';
import { resolvePaths } from '../../core/paths';
import { RoleTrayError } from '../../core/errors';
import type * as sandboxApi from '../../sandbox/index';
import type { CliContext } from '../context';
import { shellArg } from '../format';

export async function sandbox(ctx: CliContext, opts: { port?: number; setup?: boolean }): Promise<void> {
  const sb = await import('../../sandbox/index');
  let handle: Awaited<ReturnType<typeof sb.startSandbox>>;
  try {
    handle = await sb.startSandbox({ port: opts.port ?? 0 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RoleTrayError(code === 'EADDRINUSE' ? 'invalid-input' : 'io', `cannot start the sandbox on 127.0.0.1:${opts.port ?? 0} (${code ?? (e as Error).message})`, { hint: 'pick another --port' });
  }
  const real = resolvePaths(ctx.env);
  const setupEnv = opts.setup
    ? {
        ROLETRAY_HOME: path.join(real.dataDir, 'sandbox'),
        ROLETRAY_CLI_CONFIG: path.join(real.dataDir, 'sandbox', 'aliyun-config.json'),
        ROLETRAY_KEYCHAIN_SERVICE: `${real.keychainService}-sandbox`,
        ROLETRAY_STS_ENDPOINT: handle.url,
      }
    : null;
  if (setupEnv) await seedSandbox(setupEnv, ctx.env, sb);

  if (ctx.json) {
    ctx.out(`${JSON.stringify({ url: handle.url, port: handle.port, env: setupEnv })}\n`);
  } else {
    ctx.out(`${sb.describeWorld(handle)}\n\n`);
    if (setupEnv) {
      ctx.out('A sandbox-only RoleTray home is ready (identity "demo" and the demo roles). Use it in another shell:\n');
      for (const [k, v] of Object.entries(setupEnv)) ctx.out(`  export ${k}=${shellArg(v)}\n`);
      ctx.out('then try:\n  roletray status\n  roletray assume fc-admin --switch\n  roletray credential-process fc-admin\n  roletray console fc-admin --print-url\n');
    } else {
      ctx.out('Keep sandbox data apart from your real RoleTray data: use a separate ROLETRAY_HOME,\n');
      ctx.out('ROLETRAY_CLI_CONFIG and ROLETRAY_KEYCHAIN_SERVICE (or run `roletray sandbox --setup`, which does it), e.g.:\n');
      ctx.out(`  export ROLETRAY_HOME=/tmp/roletray-sandbox ROLETRAY_CLI_CONFIG=/tmp/roletray-sandbox/aliyun-config.json ROLETRAY_KEYCHAIN_SERVICE=roletray-sandbox\n`);
      ctx.out(`  echo ${sb.DEMO_USER_SECRET} | ROLETRAY_STS_ENDPOINT=${handle.url} roletray identity add demo --access-key-id ${sb.TEST_USER_KEY_ID}\n`);
      ctx.out(`  ROLETRAY_STS_ENDPOINT=${handle.url} roletray role add fc-admin --arn ${sb.roleArn(sb.ACCOUNT_A, 'fc-admin')} --source demo\n`);
      ctx.out(`  ROLETRAY_STS_ENDPOINT=${handle.url} roletray assume fc-admin\n`);
    }
    ctx.out('The sandbox runs until Ctrl-C.\n');
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await handle.close();
  if (!ctx.json) ctx.note('sandbox stopped');
}

type SandboxModule = typeof sandboxApi;

/** The demo identity and roles in the sandbox-only home (idempotent: what exists is kept). */
async function seedSandbox(setupEnv: Record<string, string>, base: NodeJS.ProcessEnv, sb: SandboxModule): Promise<void> {
  const core = createCore({ env: { ...base, ...setupEnv } });
  const m = core.manager;
  await m.addIdentity({ name: 'demo', accessKeyId: sb.TEST_USER_KEY_ID, secret: sb.DEMO_USER_SECRET, verify: true, replace: true });
  const roles = [
    { name: 'fc-admin', source: 'demo' },
    { name: 'readonly', source: 'demo', durationSeconds: 7200 },
    { name: 'vendor-access', source: 'demo', externalId: sb.VENDOR_EXTERNAL_ID },
    { name: 'long-session', source: 'demo', durationSeconds: 43_200 },
    { name: 'chain-target', source: 'fc-admin' },
    { name: 'revoked-role', source: 'demo' },
  ];
  const cat = await m.catalog();
  for (const r of roles) {
    if (cat.roles.some((x) => x.name === r.name)) continue;
    await m.addRole({ ...r, arn: sb.roleArn(sb.ACCOUNT_A, r.name) });
  }
  await core.writer.flush();
}

/**
 * Entry of the `roletray` CLI (bundled to dist/cli/roletray.mjs, started by bin/roletray.mjs).
 *
 * Kept tiny on purpose: the aliyun CLI runs `roletray credential-process <role>` on every call,
 * so that path first answers from the role's StsToken profile (else the keychain-cached session),
 * without loading commander, zod or the
 * Alibaba Cloud SDKs. Everything else goes through the full command table (program.ts), which
 * loads only the module of the command that runs.
 */
const argv = process.argv.slice(2);

// `roletray ... | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

async function main(): Promise<void> {
  const role = argv[0] === 'credential-process' && argv.length === 2 ? argv[1] : undefined;
  if (role !== undefined && !role.startsWith('-')) {
    const { cachedCredentialProcess } = await import('./fast-credential-process');
    if (await cachedCredentialProcess(role)) return;
  }
  const { run } = await import('./program');
  await run(argv);
}

main().catch(async (e: unknown) => {
  // Only a broken install gets here (commands report their own errors): still one line, no stack.
  const { redact } = await import('../core/errors');
  process.stderr.write(`roletray: unexpected error: ${redact(e instanceof Error ? e.message : String(e)).replace(/[\r\n]+/g, ' ')}\n`);
  if (process.env['ROLETRAY_DEBUG'] === '1' && e instanceof Error) process.stderr.write(`${redact(e.stack ?? '')}\n`);
  process.exitCode = 1;
});
